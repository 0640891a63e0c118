// SPDX-License-Identifier: MIT
/* Clean control: a recursive mutex relocked by its holder (three levels deep, and
 * once more while another lock is held inside it: R, B, R again is no B -> R order),
 * from two threads in turn. No double lock, no order inversion. */
// expect-none: double-lock
// expect-none: lock-order-inversion
// expect-none: unlock-not-owner
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: depth 6 inner 2
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t tree_lock;
static pthread_mutex_t inner_lock = PTHREAD_MUTEX_INITIALIZER;
static int depth, inner;

static void visit(int level)
{
	pthread_mutex_lock(&tree_lock);
	depth++;
	if (level < 2)
		visit(level + 1);
	pthread_mutex_unlock(&tree_lock);
}

static void *walk(void *arg)
{
	visit(0);
	pthread_mutex_lock(&tree_lock);
	pthread_mutex_lock(&inner_lock);
	pthread_mutex_lock(&tree_lock);
	inner++;
	pthread_mutex_unlock(&tree_lock);
	pthread_mutex_unlock(&inner_lock);
	pthread_mutex_unlock(&tree_lock);
	return arg;
}

int main(void)
{
	pthread_mutexattr_t attr;
	pthread_t th;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&tree_lock, &attr);
	walk(NULL);
	if (pthread_create(&th, NULL, walk, NULL))
		return 1;
	pthread_join(th, NULL);
	pthread_mutex_destroy(&tree_lock);
	printf("depth %d inner %d\n", depth, inner);
	return 0;
}
