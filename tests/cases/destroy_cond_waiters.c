// SPDX-License-Identifier: MIT
/* Bug: a condition variable destroyed while a thread waits on it. The waiter is in a
 * timed wait; the main thread locks the mutex, which it can only get once the waiter
 * is inside the wait, then destroys the cond. (glibc's destroy waits for the waiter
 * to leave, here when its timeout expires.) */
// expect: destroy-locked function=main line=47 role=call count=1 severity=error details.reason="threads waiting" details.lock_kind=pthread_cond_t
// expect-none: cond-wait-not-owner
// expect-exit: 0
// expect-stdout: waiter: ETIMEDOUT
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int in_lock, result;

static void *waiter(void *arg)
{
	struct timespec until;

	/* Long enough for the main thread to get to the destroy even on a busy machine;
	 * the destroy then waits this long. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	pthread_mutex_lock(&lock);
	__atomic_store_n(&in_lock, 1, __ATOMIC_RELEASE);
	do
		result = pthread_cond_timedwait(&ready, &lock, &until);
	while (result == 0);
	pthread_mutex_unlock(&lock);
	return arg;
}

int main(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, waiter, NULL))
		return 1;
	while (!__atomic_load_n(&in_lock, __ATOMIC_ACQUIRE))
		sched_yield();
	/* Free again only once the waiter is waiting. */
	pthread_mutex_lock(&lock);
	pthread_mutex_unlock(&lock);
	pthread_cond_destroy(&ready);
	pthread_join(th, NULL);
	printf("waiter: %s\n", result == ETIMEDOUT ? "ETIMEDOUT" : "other");
	return 0;
}
