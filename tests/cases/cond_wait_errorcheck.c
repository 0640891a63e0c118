// SPDX-License-Identifier: MIT
/* Bug: a cond wait with an error-checking mutex the thread does not hold. glibc
 * refuses with EPERM before waiting, so the thread still does not hold the mutex
 * afterwards: it must not be counted as held (else the later A-then-mutex order of
 * a worker would look like an inversion against a mutex-then-A order that never
 * happened). */
// expect: cond-wait-not-owner function=main line=40 count=1 details.reason="mutex not held"
// expect-none: lock-order-inversion
// expect-exit: 0
// expect-stdout: wait: EPERM
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t checked;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

static void *worker(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&checked);
	pthread_mutex_unlock(&checked);
	pthread_mutex_unlock(&a);
	return arg;
}

int main(void)
{
	pthread_mutexattr_t attr;
	struct timespec now;
	pthread_t th;
	int r;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&checked, &attr);
	clock_gettime(CLOCK_REALTIME, &now);
	r = pthread_cond_timedwait(&cond, &checked, &now);
	printf("wait: %s\n", r == EPERM ? "EPERM" : "other");
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	if (pthread_create(&th, NULL, worker, NULL))
		return 1;
	pthread_join(th, NULL);
	return 0;
}
