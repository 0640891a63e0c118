// SPDX-License-Identifier: MIT
/* Bug: C11 threads. The main thread locks the queue then the pool mtx_t; a thrd_t
 * worker locks the pool then the queue. glibc's mtx_lock does not go through
 * pthread_mutex_lock's PLT entry, so the C11 calls are checked on their own. */
// expect: lock-order-inversion function=worker line=30 count=1 details.lock_kind=mtx_t details.cycle_locks=2 details.single_thread=false
// expect: lock-order-inversion role=held function=worker line=29
// expect: lock-order-inversion role=acquire stack=1 function=enqueue line=20
// expect: lock-order-inversion role=held stack=1 function=enqueue line=19
// expect-exit: 0
// expect-stdout: queued 1 pooled 1
#include <stdio.h>
#include <threads.h>

static mtx_t queue_lock, pool_lock;
static int queued, pooled;

static void enqueue(void)
{
	mtx_lock(&queue_lock);
	mtx_lock(&pool_lock);
	queued++;
	mtx_unlock(&pool_lock);
	mtx_unlock(&queue_lock);
}

static int worker(void *arg)
{
	(void)arg;
	mtx_lock(&pool_lock);
	mtx_lock(&queue_lock);
	pooled = queued;
	mtx_unlock(&queue_lock);
	mtx_unlock(&pool_lock);
	return 0;
}

int main(void)
{
	thrd_t th;

	if (mtx_init(&queue_lock, mtx_plain) != thrd_success ||
	    mtx_init(&pool_lock, mtx_plain) != thrd_success)
		return 1;
	enqueue();
	if (thrd_create(&th, worker, NULL) != thrd_success)
		return 1;
	thrd_join(th, NULL);
	mtx_destroy(&pool_lock);
	mtx_destroy(&queue_lock);
	printf("queued %d pooled %d\n", queued, pooled);
	return 0;
}
