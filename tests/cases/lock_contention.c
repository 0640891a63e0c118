// SPDX-License-Identifier: MIT
/* Info: a hot lock. A worker holds the index lock for a long "rebuild" while the
 * main thread waits for it: the lock's total wait passes the contention threshold
 * (100 ms by default) and is reported at exit with the longest wait's stack. The
 * handshake makes sure the main thread is blocked before the rebuild starts
 * sleeping; raising contention_ms silences it. */
// variant: quiet VIGIL_OPTIONS=contention_ms=100000
// expect[base]: lock-contention function=lookup line=42 role=blocked count=1 severity=info details.waits>=1 details.wait_ns>=200000000 details.max_wait_ns>=200000000 details.lock_kind=pthread_mutex_t
// expect-none[quiet]: lock-contention
// expect-report: stats.contended_waits>=1
// expect-report: stats.contended_ns>=200000000
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: entries 1
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "include/lock_wait.h"

static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t main_tid;
static int entries;

static void *rebuild(void *arg)
{
	struct timespec slow = {0, 250 * 1000000L};

	pthread_mutex_lock(&index_lock);
	pthread_barrier_wait(arg);
	lock_wait_blocked(main_tid, &index_lock, sizeof(index_lock));
	nanosleep(&slow, NULL);
	entries = 1;
	pthread_mutex_unlock(&index_lock);
	return NULL;
}

static int lookup(void)
{
	int n;

	pthread_mutex_lock(&index_lock);
	n = entries;
	pthread_mutex_unlock(&index_lock);
	return n;
}

int main(void)
{
	pthread_barrier_t held;
	pthread_t th;
	int n;

	main_tid = lock_wait_tid();
	pthread_barrier_init(&held, NULL, 2);
	if (pthread_create(&th, NULL, rebuild, &held))
		return 1;
	pthread_barrier_wait(&held);
	n = lookup();
	pthread_join(th, NULL);
	printf("entries %d\n", n);
	return 0;
}
