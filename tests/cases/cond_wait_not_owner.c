// SPDX-License-Identifier: MIT
/* Bug: waiting on a condition variable with a mutex the thread does not hold. The
 * wait atomically "releases" a mutex nobody locked; the program keeps whatever the
 * real call returns (here a timeout, with the mutex then locked by the caller). */
// expect: cond-wait-not-owner function=wait_for_job line=22 role=call count=1 severity=error details.reason="mutex not held" details.lock_kind=pthread_cond_t
// expect-none: unlock-not-owner
// expect-exit: 0
// expect-stdout: wait: ETIMEDOUT
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_ready = PTHREAD_COND_INITIALIZER;

static int wait_for_job(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return pthread_cond_timedwait(&jobs_ready, &jobs_lock, &now);
}

int main(void)
{
	int r = wait_for_job();

	printf("wait: %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : "other");
	pthread_mutex_unlock(&jobs_lock);
	return 0;
}
