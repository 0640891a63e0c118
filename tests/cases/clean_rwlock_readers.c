// SPDX-License-Identifier: MIT
/* Clean control: many readers hold a reader-preferring rwlock together (one reads
 * recursively, taking the read lock twice), a writer updates between them, and
 * readers take a stats mutex inside the read lock, always in that order. */
// expect-none: double-lock
// expect-none: lock-order-inversion
// expect-none: unlock-not-owner
// expect-none: destroy-locked
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: reads 24000 writes 2000
#include <pthread.h>
#include <stdio.h>

#define NREADERS 6
#define ROUNDS 4000

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int table_version, reads, writes;

static void *reader(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < ROUNDS; i++) {
		int v;

		pthread_rwlock_rdlock(&table_lock);
		if (id == 0)
			pthread_rwlock_rdlock(&table_lock);
		v = table_version;
		pthread_mutex_lock(&stats_lock);
		reads += v >= 0;
		pthread_mutex_unlock(&stats_lock);
		if (id == 0)
			pthread_rwlock_unlock(&table_lock);
		pthread_rwlock_unlock(&table_lock);
	}
	return NULL;
}

static void *writer(void *arg)
{
	for (int i = 0; i < 2000; i++) {
		pthread_rwlock_wrlock(&table_lock);
		table_version++;
		writes++;
		pthread_rwlock_unlock(&table_lock);
	}
	return arg;
}

int main(void)
{
	pthread_t r[NREADERS], w;

	for (long i = 0; i < NREADERS; i++)
		if (pthread_create(&r[i], NULL, reader, (void *)i))
			return 1;
	if (pthread_create(&w, NULL, writer, NULL))
		return 1;
	for (int i = 0; i < NREADERS; i++)
		pthread_join(r[i], NULL);
	pthread_join(w, NULL);
	pthread_rwlock_destroy(&table_lock);
	printf("reads %d writes %d\n", reads, writes);
	return 0;
}
