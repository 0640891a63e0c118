// SPDX-License-Identifier: MIT
/* Bug: two logger threads format timestamps with localtime, which returns one static
 * struct tm for the whole process: one thread's fields can change under the other.
 * The access logger stamps first; the error logger's call is the one reported, with
 * the access logger's first call as the other stack. gmtime is used by one thread
 * only: not reported. */
// vigil-args: --checks threads
// expect: mt-unsafe-call function=error_stamp line=31 severity=warning details.function=localtime details.reason="called from two threads"
// expect: mt-unsafe-call role=other-call function=access_stamp line=23
// expect-none: mt-unsafe-call details.function=gmtime
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: stamped 1970 1970
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_barrier_t stamped;

static int access_stamp(time_t t)
{
	struct tm *tm = localtime(&t);
	int year = tm->tm_year + 1900;

	return gmtime(&t)->tm_year + 1900 == year ? year : -1;
}

static int error_stamp(time_t t)
{
	struct tm *tm = localtime(&t);

	return tm->tm_year + 1900;
}

static void *access_logger(void *arg)
{
	*(int *)arg = access_stamp(86400);
	pthread_barrier_wait(&stamped);
	return NULL;
}

static void *error_logger(void *arg)
{
	pthread_barrier_wait(&stamped);
	*(int *)arg = error_stamp(86400 * 2);
	return NULL;
}

int main(void)
{
	pthread_t a, e;
	int ya = 0, ye = 0;

	setenv("TZ", "UTC", 1);
	pthread_barrier_init(&stamped, NULL, 2);
	if (pthread_create(&a, NULL, access_logger, &ya) ||
	    pthread_create(&e, NULL, error_logger, &ye))
		return 1;
	pthread_join(a, NULL);
	pthread_join(e, NULL);
	printf("stamped %d %d\n", ya, ye);
	return 0;
}
