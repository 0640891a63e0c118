// SPDX-License-Identifier: MIT
/* Bug: a real deadlock. A worker holds the queue lock and waits for the store lock;
 * the main thread holds the store lock and waits for the queue lock. The watchdog
 * reports the cycle while the program hangs, starting with the worker (it has waited
 * longest), each blocked thread's stack followed by where it took the lock the other
 * waits for; the test then kills the program and vigil renders the report. The
 * handshake makes the worker block first without guessing with a sleep. */
// vigil-env: VIGIL_OPTIONS=deadlock_ms=300
// kill-after: deadlock
// expect: deadlock function=worker line=33 role=blocked count=1 severity=error details.threads=2 details.cycle_locks=2 details.lock_kind=pthread_mutex_t
// expect: deadlock role=held function=worker line=30
// expect: deadlock role=blocked stack=1 function=main line=49
// expect: deadlock role=held stack=1 function=main line=43
// expect: lock-order-inversion function=main line=49 details.cycle_locks=2
// expect-report: run.config.deadlock_ms=300
// expect-report: processes.0.exit.signal=9
// expect-exit: 137
#include <pthread.h>
#include <stdio.h>

#include "include/lock_wait.h"

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t worker_tid;
static int worker_ready;

static void *worker(void *arg)
{
	pthread_mutex_lock(&queue_lock);
	__atomic_store_n(&worker_tid, lock_wait_tid(), __ATOMIC_RELAXED);
	__atomic_store_n(&worker_ready, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&store_lock);
	pthread_mutex_unlock(&store_lock);
	pthread_mutex_unlock(&queue_lock);
	return arg;
}

int main(void)
{
	pthread_t th;

	pthread_mutex_lock(&store_lock);
	if (pthread_create(&th, NULL, worker, NULL))
		return 1;
	while (!__atomic_load_n(&worker_ready, __ATOMIC_ACQUIRE))
		sched_yield();
	lock_wait_blocked(worker_tid, &store_lock, sizeof(store_lock));
	pthread_mutex_lock(&queue_lock);
	puts("not reached");
	return 0;
}
