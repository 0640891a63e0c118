// SPDX-License-Identifier: MIT
/* Clean control: threads allocate and free concurrently, hand blocks to each other
 * through a locked queue (allocated in one thread, freed in another) and are joined.
 * Nothing leaks and nothing is wrong. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// expect-none: leak
// expect-none: crash
// expect-none: * severity=error
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 4
#define ROUNDS 20000
#define QCAP 64

struct queue {
	pthread_mutex_t lock;
	void *slots[QCAP];
	int n;
};

static struct queue q = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void *queue_swap(void *p)
{
	void *out = NULL;

	pthread_mutex_lock(&q.lock);
	if (q.n == QCAP || (q.n > 0 && ((unsigned long)p & 0x10)))
		out = q.slots[--q.n];
	q.slots[q.n++] = p;
	pthread_mutex_unlock(&q.lock);
	return out;
}

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(long)arg * 2654435761u;
	unsigned long sum = 0;
	void *keep[16] = {0};

	for (int i = 0; i < ROUNDS; i++) {
		size_t sz;
		unsigned char *p;
		int slot;

		seed = seed * 1103515245u + 12345u;
		sz = 1 + (seed >> 8) % 2048;
		p = malloc(sz);
		if (!p)
			return NULL;
		memset(p, (int)(i & 0xff), sz);
		sum += p[sz - 1];
		slot = (int)((seed >> 4) % 16);
		if (i % 3 == 0) {
			free(queue_swap(p));
		} else {
			free(keep[slot]);
			keep[slot] = p;
		}
	}
	for (int i = 0; i < 16; i++)
		free(keep[i]);
	return (void *)sum;
}

int main(void)
{
	pthread_t th[NTHREADS];
	unsigned long total = 0;

	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(i + 1)))
			return 1;
	for (int i = 0; i < NTHREADS; i++) {
		void *ret;

		if (pthread_join(th[i], &ret))
			return 1;
		total += (unsigned long)ret;
	}
	while (q.n > 0)
		free(q.slots[--q.n]);
	printf("threads done, checksum %lu\n", total);
	return 0;
}
