// SPDX-License-Identifier: MIT
/* Bug: one condition variable waited on with two different mutexes at once (POSIX
 * leaves it undefined). A worker waits with the queue lock; the main thread, while
 * the worker is inside its wait, waits on the same cond with the stats lock. */
// expect: cond-wait-not-owner function=wait_stats line=37 role=call count=1 details.reason="waited on with two mutexes" details.other_addr>0 details.lock_kind=pthread_cond_t
// expect-none: cond-wait-not-owner details.reason="mutex not held"
// expect-exit: 0
// expect-stdout: worker woke 1
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int in_lock, go, woke;

static void *worker(void *arg)
{
	pthread_mutex_lock(&queue_lock);
	__atomic_store_n(&in_lock, 1, __ATOMIC_RELEASE);
	while (!go)
		pthread_cond_wait(&changed, &queue_lock);
	woke = 1;
	pthread_mutex_unlock(&queue_lock);
	return arg;
}

static int wait_stats(void)
{
	struct timespec now;
	int r;

	clock_gettime(CLOCK_REALTIME, &now);
	pthread_mutex_lock(&stats_lock);
	r = pthread_cond_timedwait(&changed, &stats_lock, &now);
	pthread_mutex_unlock(&stats_lock);
	return r;
}

int main(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, worker, NULL))
		return 1;
	while (!__atomic_load_n(&in_lock, __ATOMIC_ACQUIRE))
		sched_yield();
	/* Free again only once the worker is waiting. */
	pthread_mutex_lock(&queue_lock);
	wait_stats();
	go = 1;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&queue_lock);
	pthread_join(th, NULL);
	printf("worker woke %d\n", woke);
	return 0;
}
