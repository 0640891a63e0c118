// SPDX-License-Identifier: MIT
/* Clean control with 8 threads: each allocates (malloc, calloc, realloc, aligned)
 * and hands most blocks to the next thread through a locked mailbox, so blocks are
 * freed by a thread other than the one that allocated them; the rest are freed where
 * they were made. Contents are checked by the receiver. No heap finding. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// variant: canary-default --mode canary
// expect-none: * severity=error
// expect-none: bad-alloc-size
// expect-stdout: 8 threads, 0 failures
// expect-report[base,guard,canary]: stats.allocs>=240000
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 8
#define ROUNDS 30000
#define BOX 256

struct msg {
	unsigned char *p;
	size_t size;
	unsigned char tag;
};

struct mailbox {
	pthread_mutex_t lock;
	struct msg m[BOX];
	int n;
};

static struct mailbox boxes[NTHREADS];
static int failures;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(void)
{
	pthread_mutex_lock(&fail_lock);
	failures++;
	pthread_mutex_unlock(&fail_lock);
}

static void consume(struct msg *m)
{
	if (m->size && (m->p[0] != m->tag || m->p[m->size - 1] != m->tag))
		fail();
	free(m->p);
}

/* Puts m into box (or frees it here when full); takes one message out, if any. */
static int exchange(struct mailbox *to, struct msg *m, struct mailbox *from, struct msg *out)
{
	int got = 0;

	pthread_mutex_lock(&to->lock);
	if (to->n < BOX) {
		to->m[to->n++] = *m;
		m->p = NULL;
	}
	pthread_mutex_unlock(&to->lock);
	if (m->p)
		consume(m);
	pthread_mutex_lock(&from->lock);
	if (from->n > 0) {
		*out = from->m[--from->n];
		got = 1;
	}
	pthread_mutex_unlock(&from->lock);
	return got;
}

static unsigned char *make(unsigned long r, size_t *size)
{
	size_t n = 1 + r % 3000;
	unsigned char *p = NULL;

	switch (r % 4) {
	case 0:
		p = malloc(n);
		break;
	case 1:
		p = calloc(n, 1);
		break;
	case 2:
		p = realloc(malloc(n / 2 + 1), n);
		break;
	default:
		if (posix_memalign((void **)&p, 64, n))
			p = NULL;
		break;
	}
	*size = n;
	return p;
}

static void *worker(void *arg)
{
	long self = (long)arg;
	unsigned long r = (unsigned long)self * 2654435761u + 1;
	struct mailbox *to = &boxes[(self + 1) % NTHREADS], *mine = &boxes[self];

	for (int i = 0; i < ROUNDS; i++) {
		struct msg m, in;

		r = r * 6364136223846793005ul + 1442695040888963407ul;
		m.tag = (unsigned char)(r >> 40);
		m.p = make(r >> 33, &m.size);
		if (!m.p) {
			fail();
			continue;
		}
		memset(m.p, m.tag, m.size);
		if ((r >> 20) % 4 == 0) {
			consume(&m); /* freed by its own thread */
			continue;
		}
		if (exchange(to, &m, mine, &in))
			consume(&in); /* allocated by another thread */
	}
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];

	for (int i = 0; i < NTHREADS; i++)
		pthread_mutex_init(&boxes[i].lock, NULL);
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i))
			return 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NTHREADS; i++)
		while (boxes[i].n > 0)
			consume(&boxes[i].m[--boxes[i].n]);
	printf("%d threads, %d failures\n", NTHREADS, failures);
	return failures ? 1 : 0;
}
