// SPDX-License-Identifier: MIT
/* Bug: a default (non-recursive) mutex relocked by the thread that holds it: the
 * flush path calls a helper that takes the log lock again. The second lock can never
 * succeed and the thread hangs for good; vigil reports it before the call blocks
 * (the relock, then where the lock was taken), and the test kills the program. */
// kill-after: double-lock
// expect: double-lock function=append line=19 role=acquire count=1 severity=error details.lock_kind=pthread_mutex_t
// expect: double-lock role=held function=flush line=26
// expect-none: deadlock
// expect-exit: 137
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int lines;

static void append(void)
{
	pthread_mutex_lock(&log_lock);
	lines++;
	pthread_mutex_unlock(&log_lock);
}

static void flush(void)
{
	pthread_mutex_lock(&log_lock);
	append();
	pthread_mutex_unlock(&log_lock);
}

int main(void)
{
	flush();
	printf("lines %d\n", lines);
	return 0;
}
