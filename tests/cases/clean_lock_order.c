// SPDX-License-Identifier: MIT
/* Clean control: eight threads take the same three locks, always in the same order
 * (A, B, C; sometimes only A and C, or B and C), contending for real. Consistent
 * order cannot deadlock: no order, deadlock or misuse finding. */
// expect-none: lock-order-inversion
// expect-none: deadlock
// expect-none: double-lock
// expect-none: unlock-not-owner
// expect-none: * severity=error
// expect-report: stats.lock_order_edges>=3
// expect-exit: 0
// expect-stdout: total 240000
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 8
#define ROUNDS 10000

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *worker(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < ROUNDS; i++) {
		int pick = (int)((i + id) % 3);

		if (pick != 1)
			pthread_mutex_lock(&a);
		if (pick != 2)
			pthread_mutex_lock(&b);
		pthread_mutex_lock(&c);
		total += 3;
		pthread_mutex_unlock(&c);
		if (pick != 2)
			pthread_mutex_unlock(&b);
		if (pick != 1)
			pthread_mutex_unlock(&a);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];

	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i))
			return 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	printf("total %ld\n", total);
	return 0;
}
