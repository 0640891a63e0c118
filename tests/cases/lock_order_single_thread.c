// SPDX-License-Identifier: MIT
/* Bug: one thread takes the cache lock then the index lock when it inserts, and the
 * index lock then the cache lock when it evicts. Alone it never hangs, but a second
 * thread doing the same would deadlock: the cycle is reported once, marked as seen
 * in a single thread. */
// expect: lock-order-inversion function=evict line=31 count=1 details.cycle_locks=2 details.single_thread=true details.lock_kind=pthread_mutex_t severity=warning
// expect: lock-order-inversion role=held function=evict line=30
// expect: lock-order-inversion role=acquire stack=1 function=insert line=22
// expect: lock-order-inversion role=held stack=1 function=insert line=21
// expect-exit: 0
// expect-stdout: entries 0
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static int entries;

static void insert(void)
{
	pthread_mutex_lock(&cache_lock);
	pthread_mutex_lock(&index_lock);
	entries++;
	pthread_mutex_unlock(&index_lock);
	pthread_mutex_unlock(&cache_lock);
}

static void evict(void)
{
	pthread_mutex_lock(&index_lock);
	pthread_mutex_lock(&cache_lock);
	entries--;
	pthread_mutex_unlock(&cache_lock);
	pthread_mutex_unlock(&index_lock);
}

int main(void)
{
	for (int i = 0; i < 3; i++) {
		insert();
		evict();
	}
	printf("entries %d\n", entries);
	return 0;
}
