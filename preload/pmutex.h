/* SPDX-License-Identifier: MIT */
/* What the thread checks read in glibc's pthread_mutex_t (and C11's mtx_t, laid out
 * the same): the owner's tid and the kind, which glibc keeps for every mutex type,
 * and the checks made on them by every mutex interposer. */
#ifndef VIGIL_PMUTEX_H
#define VIGIL_PMUTEX_H

#include <pthread.h>

#include "locks.h"

#define VIGIL_PMUTEX_KIND_MASK 3              /* PTHREAD_MUTEX_KIND_MASK_NP */
#define VIGIL_PMUTEX_PSHARED 128              /* PTHREAD_MUTEX_PSHARED_BIT */
#define VIGIL_PMUTEX_INCONSISTENT 0x7fffffff  /* robust mutex whose owner died */

static inline int vigil_pmutex__owner(const void *m)
{
	return __atomic_load_n(&((const pthread_mutex_t *)m)->__data.__owner, __ATOMIC_RELAXED);
}

static inline int vigil_pmutex__locked(const void *m)
{
	return __atomic_load_n(&((const pthread_mutex_t *)m)->__data.__lock, __ATOMIC_RELAXED) !=
	       0;
}

static inline int vigil_pmutex__pshared(const void *m)
{
	return (((const pthread_mutex_t *)m)->__data.__kind & VIGIL_PMUTEX_PSHARED) != 0;
}

/* The caller holds m and m is not recursive: locking it again never succeeds. */
static inline int vigil_pmutex__relocks(const void *m, pid_t tid)
{
	return vigil_pmutex__owner(m) == tid &&
	       (((const pthread_mutex_t *)m)->__data.__kind & VIGIL_PMUTEX_KIND_MASK) !=
		       PTHREAD_MUTEX_RECURSIVE;
}

/* Before the real unlock: the hold leaves the thread's list; an unlock by a thread
 * that holds no such lock of its own while glibc names another owner (or none) is
 * unlock-not-owner. The list decides first: in a fork child, the lock a prepare
 * handler took still names the parent's tid. */
static inline void vigil_pmutex__unlocking(struct vigil_lkcall *c, const void *m)
{
	int owner = vigil_pmutex__owner(m);

	if (!vigil_locks__released(c) && owner != c->t->tid && owner != VIGIL_PMUTEX_INCONSISTENT)
		vigil_locks__misuse(c, VIGIL_FK_UNLOCK_NOT_OWNER,
				    owner ? VIGIL_REASON_OTHER_OWNER : VIGIL_REASON_UNLOCKED,
				    (uint32_t)owner, 0);
}

/* A cond wait must hold its mutex. */
static inline void vigil_pmutex__waiting(struct vigil_lkcall *cond, const void *m)
{
	int owner = vigil_pmutex__owner(m);

	if (owner != cond->t->tid && owner != VIGIL_PMUTEX_INCONSISTENT)
		vigil_locks__misuse(cond, VIGIL_FK_COND_WAIT_NOT_OWNER, VIGIL_REASON_NOT_HELD,
				    (uint32_t)owner, (uintptr_t)m);
}

/* Before the real destroy: a locked mutex is destroy-locked. */
static inline void vigil_pmutex__destroying(struct vigil_lkcall *c, const void *m)
{
	int owner = vigil_pmutex__owner(m);

	if (vigil_pmutex__locked(m))
		vigil_locks__misuse(c, VIGIL_FK_DESTROY_LOCKED, VIGIL_REASON_LOCKED,
				    owner == VIGIL_PMUTEX_INCONSISTENT ? 0 : (uint32_t)owner, 0);
}

#endif
