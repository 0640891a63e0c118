// SPDX-License-Identifier: MIT
/* Bug: unlocking mutexes this thread does not hold. The main thread unlocks the
 * session lock a worker still holds (a default mutex lets it, silently breaking the
 * worker's critical section), then unlocks the stats lock nobody locked. An
 * error-checking mutex unlocked without being held is reported too, and the program
 * still gets glibc's EPERM. Each call site is reported once. */
// expect: unlock-not-owner function=main line=46 role=call count=1 severity=error details.reason="held by another thread" details.owner_tid>0 details.lock_kind=pthread_mutex_t
// expect: unlock-not-owner function=close_stats line=31 details.reason="not locked"
// expect: unlock-not-owner function=main line=54 details.reason="not locked"
// expect-none: unlock-not-owner function=worker
// expect-exit: 0
// expect-stdout: errorcheck unlock: EPERM
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t locked, done;

static void *worker(void *arg)
{
	pthread_mutex_lock(&session_lock);
	pthread_barrier_wait(&locked);
	pthread_barrier_wait(&done);
	return arg;
}

static void close_stats(void)
{
	pthread_mutex_unlock(&stats_lock);
}

int main(void)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t checked;
	pthread_t th;
	int r;

	pthread_barrier_init(&locked, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	if (pthread_create(&th, NULL, worker, NULL))
		return 1;
	pthread_barrier_wait(&locked);
	pthread_mutex_unlock(&session_lock);
	pthread_barrier_wait(&done);
	pthread_join(th, NULL);
	close_stats();

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&checked, &attr);
	r = pthread_mutex_unlock(&checked);
	printf("errorcheck unlock: %s\n", r == EPERM ? "EPERM" : "other");
	pthread_mutex_destroy(&checked);
	return 0;
}
