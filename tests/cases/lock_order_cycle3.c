// SPDX-License-Identifier: MIT
/* Bug: three workers each take two of three locks, A then B, B then C, C then A. No
 * two of them invert a pair, but the three together can deadlock. They run one after
 * another here, so nothing hangs; the third closes a cycle of three locks, reported
 * with the stacks of all three edges. */
// expect: lock-order-inversion function=third line=46 count=1 details.cycle_locks=3 details.single_thread=false
// expect: lock-order-inversion role=held function=third line=45
// expect: lock-order-inversion role=acquire stack=1 function=first line=26
// expect: lock-order-inversion role=held stack=1 function=first line=25
// expect: lock-order-inversion role=acquire stack=2 function=second line=36
// expect: lock-order-inversion role=held stack=2 function=second line=35
// expect-none: lock-order-inversion details.cycle_locks=2
// expect-exit: 0
// expect-stdout: steps 3
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static int steps;

static void *first(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	steps++;
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

static void *second(void *arg)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&c);
	steps++;
	pthread_mutex_unlock(&c);
	pthread_mutex_unlock(&b);
	return arg;
}

static void *third(void *arg)
{
	pthread_mutex_lock(&c);
	pthread_mutex_lock(&a);
	steps++;
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&c);
	return arg;
}

int main(void)
{
	void *(*fn[])(void *) = {first, second, third};

	for (int i = 0; i < 3; i++) {
		pthread_t th;

		if (pthread_create(&th, NULL, fn[i], NULL))
			return 1;
		pthread_join(th, NULL);
	}
	printf("steps %d\n", steps);
	return 0;
}
