// SPDX-License-Identifier: MIT
/* Bug: a deadlock across lock kinds. A writer holds the config rwlock and waits for
 * the stats mutex; a reporter holds the stats mutex and waits to read the config.
 * Reported while hanging, the writer first (it blocked first); then killed. */
// vigil-env: VIGIL_OPTIONS=deadlock_ms=300
// kill-after: deadlock
// expect: deadlock function=writer line=27 role=blocked count=1 details.threads=2 details.lock_kind=pthread_mutex_t
// expect: deadlock role=held function=writer line=24
// expect: deadlock role=blocked stack=1 function=main line=43
// expect: deadlock role=held stack=1 function=main line=37
// expect-exit: 137
#include <pthread.h>
#include <stdio.h>

#include "include/lock_wait.h"

static pthread_rwlock_t config_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t writer_tid;
static int writer_ready;

static void *writer(void *arg)
{
	pthread_rwlock_wrlock(&config_lock);
	__atomic_store_n(&writer_tid, lock_wait_tid(), __ATOMIC_RELAXED);
	__atomic_store_n(&writer_ready, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&stats_lock);
	pthread_mutex_unlock(&stats_lock);
	pthread_rwlock_unlock(&config_lock);
	return arg;
}

int main(void)
{
	pthread_t th;

	pthread_mutex_lock(&stats_lock);
	if (pthread_create(&th, NULL, writer, NULL))
		return 1;
	while (!__atomic_load_n(&writer_ready, __ATOMIC_ACQUIRE))
		sched_yield();
	lock_wait_blocked(writer_tid, &stats_lock, sizeof(stats_lock));
	pthread_rwlock_rdlock(&config_lock);
	puts("not reached");
	return 0;
}
