// SPDX-License-Identifier: MIT
/* Bug: an error-checking mutex relocked by its holder. glibc refuses with EDEADLK
 * and the program goes on: vigil reports the relock and the call still returns
 * exactly what glibc returned. */
// expect: double-lock function=reload line=19 role=acquire count=1 details.lock_kind=pthread_mutex_t
// expect: double-lock role=held function=main line=30
// expect-none: deadlock
// expect-exit: 0
// expect-stdout: relock: EDEADLK
// expect-stdout: unlock: 0
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t conf_lock;

static int reload(void)
{
	return pthread_mutex_lock(&conf_lock);
}

int main(void)
{
	pthread_mutexattr_t attr;
	int r;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&conf_lock, &attr);
	pthread_mutex_lock(&conf_lock);
	r = reload();
	printf("relock: %s\n", r == EDEADLK ? "EDEADLK" : "other");
	printf("unlock: %d\n", pthread_mutex_unlock(&conf_lock));
	pthread_mutex_destroy(&conf_lock);
	return 0;
}
