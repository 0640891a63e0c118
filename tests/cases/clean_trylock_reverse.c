// SPDX-License-Identifier: MIT
/* Clean control: the usual way to take locks against the order. Workers lock A then
 * B; the reverse path holds B and only tries A, backing off (releasing B) when A is
 * busy. A trylock never waits, so it adds no order and nothing can deadlock. */
// expect-none: lock-order-inversion
// expect-none: deadlock
// expect-none: * severity=error
// expect-report: stats.lock_order_edges=1
// expect-exit: 0
// expect-stdout: forward 20000 reverse 20000
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#define ROUNDS 20000

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static int forward, reverse;

static void *forward_worker(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&a);
		pthread_mutex_lock(&b);
		forward++;
		pthread_mutex_unlock(&b);
		pthread_mutex_unlock(&a);
	}
	return arg;
}

static void *reverse_worker(void *arg)
{
	for (int i = 0; i < ROUNDS;) {
		pthread_mutex_lock(&b);
		if (pthread_mutex_trylock(&a) == 0) {
			reverse++;
			i++;
			pthread_mutex_unlock(&a);
			pthread_mutex_unlock(&b);
		} else {
			pthread_mutex_unlock(&b);
			sched_yield();
		}
	}
	return arg;
}

int main(void)
{
	pthread_t f, r;

	/* Once each way alone first: the reverse trylock then surely succeeds once. */
	forward_worker(NULL);
	forward = 0;
	reverse_worker(NULL);
	reverse = 0;
	if (pthread_create(&f, NULL, forward_worker, NULL) ||
	    pthread_create(&r, NULL, reverse_worker, NULL))
		return 1;
	pthread_join(f, NULL);
	pthread_join(r, NULL);
	printf("forward %d reverse %d\n", forward, reverse);
	return 0;
}
