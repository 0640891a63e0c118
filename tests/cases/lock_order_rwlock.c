// SPDX-License-Identifier: MIT
/* Bug: the config reloader write-locks the config rwlock and then takes the stats
 * mutex; a reporter thread holds the stats mutex and then read-locks the config.
 * A reader blocks behind a writer, so the two can deadlock: mixed lock kinds still
 * form one order graph. */
// expect: lock-order-inversion function=report line=32 count=1 details.lock_kind=pthread_rwlock_t details.cycle_locks=2 details.single_thread=false
// expect: lock-order-inversion role=held function=report line=31
// expect: lock-order-inversion role=acquire stack=1 function=reload line=23
// expect: lock-order-inversion role=held stack=1 function=reload line=21
// expect-exit: 0
// expect-stdout: version 2 reloads 1
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t config_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int version = 1, reloads, seen_version;

static void reload(void)
{
	pthread_rwlock_wrlock(&config_lock);
	version++;
	pthread_mutex_lock(&stats_lock);
	reloads++;
	pthread_mutex_unlock(&stats_lock);
	pthread_rwlock_unlock(&config_lock);
}

static void *report(void *arg)
{
	pthread_mutex_lock(&stats_lock);
	pthread_rwlock_rdlock(&config_lock);
	seen_version = version;
	pthread_rwlock_unlock(&config_lock);
	pthread_mutex_unlock(&stats_lock);
	return arg;
}

int main(void)
{
	pthread_t th;

	reload();
	if (pthread_create(&th, NULL, report, NULL))
		return 1;
	pthread_join(th, NULL);
	printf("version %d reloads %d\n", seen_version, reloads);
	return 0;
}
