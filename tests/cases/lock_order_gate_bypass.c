// SPDX-License-Identifier: MIT
/* Bug: a gate lock that does not cover the whole cycle. Under the gate G one path
 * takes B then A and another A then B (that 2-lock cycle is gated, fine); but two
 * more threads take B then C and C then A without G, so A -> B (under G), B -> C,
 * C -> A can deadlock. The 3-lock cycle must be reported although a gated 2-lock
 * cycle closes through the same edge. */
// expect: lock-order-inversion function=gated_ab line=56 count=1 details.cycle_locks=3
// expect-none: lock-order-inversion details.cycle_locks=2
// expect-exit: 0
// expect-stdout: passes 4
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t g = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static int passes;

static void *plain_bc(void *arg)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&c);
	passes++;
	pthread_mutex_unlock(&c);
	pthread_mutex_unlock(&b);
	return arg;
}

static void *plain_ca(void *arg)
{
	pthread_mutex_lock(&c);
	pthread_mutex_lock(&a);
	passes++;
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&c);
	return arg;
}

static void *gated_ba(void *arg)
{
	pthread_mutex_lock(&g);
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	passes++;
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&g);
	return arg;
}

static void *gated_ab(void *arg)
{
	pthread_mutex_lock(&g);
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	passes++;
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&g);
	return arg;
}

int main(void)
{
	/* One after another: the order the edges are made in is fixed. */
	void *(*fn[])(void *) = {plain_bc, plain_ca, gated_ba, gated_ab};

	for (int i = 0; i < 4; i++) {
		pthread_t th;

		if (pthread_create(&th, NULL, fn[i], NULL))
			return 1;
		pthread_join(th, NULL);
	}
	printf("passes %d\n", passes);
	return 0;
}
