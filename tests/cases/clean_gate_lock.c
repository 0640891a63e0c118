// SPDX-License-Identifier: MIT
/* Clean control: two threads take A and B in opposite orders, but always under the
 * same gate lock G (G, A, B and G, B, A), so they can never hold one each and wait
 * for the other. The cycle is known and counted as gated, not reported. */
// expect-none: lock-order-inversion
// expect-none: deadlock
// expect-none: * severity=error
// expect-report: stats.gated_cycles>=1
// expect-exit: 0
// expect-stdout: moves 2000
#include <pthread.h>
#include <stdio.h>

#define ROUNDS 1000

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static int moves;

static void move(pthread_mutex_t *first, pthread_mutex_t *second)
{
	pthread_mutex_lock(&gate);
	pthread_mutex_lock(first);
	pthread_mutex_lock(second);
	moves++;
	pthread_mutex_unlock(second);
	pthread_mutex_unlock(first);
	pthread_mutex_unlock(&gate);
}

static void *backward(void *arg)
{
	for (int i = 0; i < ROUNDS; i++)
		move(&b, &a);
	return arg;
}

int main(void)
{
	pthread_t th;

	/* One pass each way before they run together, so the cycle exists for sure. */
	move(&a, &b);
	if (pthread_create(&th, NULL, backward, NULL))
		return 1;
	for (int i = 1; i < ROUNDS; i++)
		move(&a, &b);
	pthread_join(th, NULL);
	printf("moves %d\n", moves);
	return 0;
}
