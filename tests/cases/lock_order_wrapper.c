// SPDX-License-Identifier: MIT
/* Bug: as lock_order_inversion.c, but every lock is taken through the program's own
 * wrapper (as with std::lock_guard built without inlining, or a lock helper in C).
 * A held lock's stack is rebuilt from the stack at the moment it matters: the frame
 * that took the lock (the wrapper) is exact, the frame above it shows where its
 * caller is now. Once a lock is known to be held while others are taken (an outer
 * lock), its acquisitions carry their own stack. Here both slabs are outer locks
 * before the cycle closes (slab_a from the warm-up with the journal, slab_b from the
 * first fill), so both edges of the cycle show exactly where each held lock was
 * taken. */
// expect: lock-order-inversion function=sweep line=53 count=1 details.cycle_locks=2
// expect: lock-order-inversion role=held function=sweep line=52
// expect: lock-order-inversion role=held file=lock_wrap.h function=lock_wrap line=11
// expect: lock-order-inversion role=acquire stack=1 function=fill line=31
// expect: lock-order-inversion role=held stack=1 function=fill line=30
// expect-exit: 0
// expect-stdout: items 0
#include <pthread.h>
#include <stdio.h>

#include "include/lock_wrap.h"

static pthread_mutex_t slab_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t slab_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t journal = PTHREAD_MUTEX_INITIALIZER;
static int items;

static void fill(void)
{
	lock_wrap(&slab_b);
	lock_wrap(&slab_a);
	items++;
	unlock_wrap(&slab_a);
	unlock_wrap(&slab_b);
}

static void drain(void)
{
	items--;
}

static void log_slab_a(void)
{
	lock_wrap(&slab_a);
	lock_wrap(&journal);
	unlock_wrap(&journal);
	unlock_wrap(&slab_a);
}

static void *sweep(void *arg)
{
	lock_wrap(&slab_a);
	lock_wrap(&slab_b);
	drain();
	unlock_wrap(&slab_b);
	unlock_wrap(&slab_a);
	return arg;
}

int main(void)
{
	pthread_t th;

	/* The second fill takes slab_b as a known outer lock: the b -> a edge gets
	 * slab_b's own acquisition stack. */
	log_slab_a();
	fill();
	fill();
	items--;
	if (pthread_create(&th, NULL, sweep, NULL))
		return 1;
	pthread_join(th, NULL);
	printf("items %d\n", items);
	return 0;
}
