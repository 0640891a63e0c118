/* SPDX-License-Identifier: MIT */
/* The preload's internal lock: a word-sized spinlock that yields. It never calls the
 * interposed pthread functions, needs no initialisation beyond zero and can be reset in
 * a fork child (the forking thread held every lock across fork, see fork.c). */
#ifndef VIGIL_LOCK_H
#define VIGIL_LOCK_H

#include <sched.h>

typedef struct {
	int v;
} vigil_lock_t;

static inline int vigil_lock__try(vigil_lock_t *l)
{
	return !__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE);
}

static inline void vigil_lock__acquire(vigil_lock_t *l)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->v, __ATOMIC_RELAXED)) {
			if (++spins < 64)
				__builtin_ia32_pause();
			else
				sched_yield();
		}
	}
}

static inline void vigil_lock__release(vigil_lock_t *l)
{
	__atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

static inline void vigil_lock__reset(vigil_lock_t *l)
{
	l->v = 0;
}

#endif
