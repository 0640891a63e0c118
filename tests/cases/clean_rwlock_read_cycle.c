// SPDX-License-Identifier: MIT
/* Clean control: a read lock on a default (reader-preferring) rwlock in both orders
 * with a mutex: one thread read-locks the table then takes the stats mutex, another
 * holds the stats mutex and read-locks the table. While the first holds its read
 * lock the table is in a read phase, and glibc lets the second reader in even with
 * writers queued, so this cycle can never block: it is no inversion. */
// expect-none: lock-order-inversion
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: hits 2
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int hits;

static void *count_then_read(void *arg)
{
	pthread_mutex_lock(&stats_lock);
	pthread_rwlock_rdlock(&table_lock);
	hits++;
	pthread_rwlock_unlock(&table_lock);
	pthread_mutex_unlock(&stats_lock);
	return arg;
}

int main(void)
{
	pthread_t th;

	pthread_rwlock_rdlock(&table_lock);
	pthread_mutex_lock(&stats_lock);
	hits++;
	pthread_mutex_unlock(&stats_lock);
	pthread_rwlock_unlock(&table_lock);
	if (pthread_create(&th, NULL, count_then_read, NULL))
		return 1;
	pthread_join(th, NULL);
	printf("hits %d\n", hits);
	return 0;
}
