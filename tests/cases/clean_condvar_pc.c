// SPDX-License-Identifier: MIT
/* Clean control: a bounded queue with two producers and two consumers, one mutex and
 * two condition variables (not full, not empty), waits in predicate loops, a
 * broadcast at shutdown, everything destroyed after the joins. */
// expect-none: cond-wait-not-owner
// expect-none: destroy-locked
// expect-none: deadlock
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: consumed 40000 sum 399980000
#include <pthread.h>
#include <stdio.h>

#define QCAP 16
#define PER_PRODUCER 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int queue[QCAP], head, count, producing = 2;
static long consumed, sum;

static void *producer(void *arg)
{
	for (int i = 0; i < PER_PRODUCER; i++) {
		pthread_mutex_lock(&lock);
		while (count == QCAP)
			pthread_cond_wait(&not_full, &lock);
		queue[(head + count++) % QCAP] = i;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	if (--producing == 0)
		pthread_cond_broadcast(&not_empty);
	pthread_mutex_unlock(&lock);
	return arg;
}

static void *consumer(void *arg)
{
	for (;;) {
		int v;

		pthread_mutex_lock(&lock);
		while (count == 0 && producing)
			pthread_cond_wait(&not_empty, &lock);
		if (count == 0) {
			pthread_mutex_unlock(&lock);
			return arg;
		}
		v = queue[head];
		head = (head + 1) % QCAP;
		count--;
		consumed++;
		sum += v;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&lock);
	}
}

int main(void)
{
	pthread_t p[2], c[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&p[i], NULL, producer, NULL) ||
		    pthread_create(&c[i], NULL, consumer, NULL))
			return 1;
	for (int i = 0; i < 2; i++) {
		pthread_join(p[i], NULL);
		pthread_join(c[i], NULL);
	}
	pthread_cond_destroy(&not_full);
	pthread_cond_destroy(&not_empty);
	pthread_mutex_destroy(&lock);
	printf("consumed %ld sum %ld\n", consumed, sum);
	return 0;
}
