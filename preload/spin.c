// SPDX-License-Identifier: MIT
/* pthread_spin_*: a spinlock has no owner field, so holds are known only from the
 * held lists; the lock word (0 free) tells an unlocked one. */
#include <pthread.h>

#include "locks.h"
#include "realsym.h"

static int (*real_lock)(pthread_spinlock_t *);
static int (*real_trylock)(pthread_spinlock_t *);
static int (*real_unlock)(pthread_spinlock_t *);
static int (*real_init)(pthread_spinlock_t *, int);
static int (*real_destroy)(pthread_spinlock_t *);

#define REAL(f) VIGIL_REAL(real_##f, "pthread_spin_" #f, NULL)

static inline int word_of(pthread_spinlock_t *l)
{
	return __atomic_load_n(l, __ATOMIC_RELAXED);
}

VIGIL_EXPORT int pthread_spin_lock(pthread_spinlock_t *l)
{
	struct vigil_lkcall c;
	int r;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_SPIN, 0, VIGIL_FN_PTHREAD_SPIN_LOCK))
		return REAL(lock)(l);
	r = REAL(trylock)(l);
	if (!r) {
		vigil_locks__acquired(&c, 1);
		return 0;
	}
	if (r != EBUSY)
		return REAL(lock)(l);
	vigil_locks__wait_begin(&c, vigil_locks__holds(&c, NULL));
	r = REAL(lock)(l);
	vigil_locks__wait_end(&c, r == 0);
	return r;
}

VIGIL_EXPORT int pthread_spin_trylock(pthread_spinlock_t *l)
{
	struct vigil_lkcall c;
	int r;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_SPIN, 0, VIGIL_FN_PTHREAD_SPIN_LOCK))
		return REAL(trylock)(l);
	r = REAL(trylock)(l);
	if (!r)
		vigil_locks__acquired(&c, 0);
	return r;
}

VIGIL_EXPORT int pthread_spin_unlock(pthread_spinlock_t *l)
{
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_SPIN, 0, VIGIL_FN_PTHREAD_SPIN_LOCK))
		return REAL(unlock)(l);
	if (!vigil_locks__released(&c) && !word_of(l))
		vigil_locks__misuse(&c, VIGIL_FK_UNLOCK_NOT_OWNER, VIGIL_REASON_UNLOCKED, 0, 0);
	return REAL(unlock)(l);
}

VIGIL_EXPORT int pthread_spin_init(pthread_spinlock_t *l, int pshared)
{
	struct vigil_lkcall c;

	if (VIGIL_LKCALL(c, l, VIGIL_LK_SPIN, 0, VIGIL_FN_NONE))
		vigil_locks__retire(c.addr);
	return REAL(init)(l, pshared);
}

VIGIL_EXPORT int pthread_spin_destroy(pthread_spinlock_t *l)
{
	struct vigil_lkcall c;
	int r;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_SPIN, 0, VIGIL_FN_NONE))
		return REAL(destroy)(l);
	if (word_of(l))
		vigil_locks__misuse(&c, VIGIL_FK_DESTROY_LOCKED, VIGIL_REASON_LOCKED, 0, 0);
	/* A destroy refused (EBUSY) leaves the lock as it was. */
	r = REAL(destroy)(l);
	if (!r) {
		vigil_locks__released(&c);
		vigil_locks__retire(c.addr);
	}
	return r;
}
