// SPDX-License-Identifier: MIT
/* Bug: destroying locks still in use. A mutex destroyed while it is locked (glibc
 * refuses with EBUSY, which the program still sees) and an rwlock destroyed while a
 * reader holds it (glibc does not check). */
// expect: destroy-locked function=shutdown_cache line=21 role=call count=1 severity=error details.reason=locked details.lock_kind=pthread_mutex_t
// expect: destroy-locked role=held function=main line=33
// expect: destroy-locked function=shutdown_index line=26 details.reason=locked details.lock_kind=pthread_rwlock_t
// expect: destroy-locked role=held function=main line=38
// expect-none: unlock-not-owner
// expect-exit: 0
// expect-stdout: mutex destroy: EBUSY
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t index_lock = PTHREAD_RWLOCK_INITIALIZER;

static int shutdown_cache(void)
{
	return pthread_mutex_destroy(&cache_lock);
}

static int shutdown_index(void)
{
	return pthread_rwlock_destroy(&index_lock);
}

int main(void)
{
	int r;

	pthread_mutex_lock(&cache_lock);
	r = shutdown_cache();
	printf("mutex destroy: %s\n", r == EBUSY ? "EBUSY" : r ? "other" : "0");
	pthread_mutex_unlock(&cache_lock);

	pthread_rwlock_rdlock(&index_lock);
	shutdown_index();
	return 0;
}
