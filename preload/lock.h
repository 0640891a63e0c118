/* SPDX-License-Identifier: MIT */
/* The preload's internal lock: a word-sized futex mutex (0 free, 1 held, 2 held with
 * waiters) that spins briefly first. It never calls the interposed pthread
 * functions, needs no initialisation beyond zero, can be reset in a fork child (the
 * forking thread held every lock across fork, see fork.c), and sleeps in the kernel
 * when contended, so a SCHED_FIFO waiter cannot starve the holder it waits for. */
#ifndef VIGIL_LOCK_H
#define VIGIL_LOCK_H

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct {
	int v;
} vigil_lock_t;

static inline int vigil_lock__try(vigil_lock_t *l)
{
	int expected = 0;

	return __atomic_compare_exchange_n(&l->v, &expected, 1, 0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void vigil_lock__acquire(vigil_lock_t *l)
{
	int saved;

	if (vigil_lock__try(l))
		return;
	for (unsigned spins = 0; spins < 100; spins++) {
		__builtin_ia32_pause();
		if (!__atomic_load_n(&l->v, __ATOMIC_RELAXED) && vigil_lock__try(l))
			return;
	}
	saved = errno; /* a futex call must not leak its errno into the program */
	while (__atomic_exchange_n(&l->v, 2, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &l->v, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
	errno = saved;
}

static inline void vigil_lock__release(vigil_lock_t *l)
{
	if (__atomic_exchange_n(&l->v, 0, __ATOMIC_RELEASE) == 2) {
		int saved = errno;
		syscall(SYS_futex, &l->v, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		errno = saved;
	}
}

static inline void vigil_lock__reset(vigil_lock_t *l)
{
	l->v = 0;
}

#endif
