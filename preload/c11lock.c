// SPDX-License-Identifier: MIT
/* C11 mtx_* and cnd_*: glibc implements them on its pthread internals without going
 * through the PLT, so they are interposed on their own, with the same checks. An
 * mtx_t is laid out as a pthread_mutex_t (owner and kind words included). */
#include <pthread.h>
#include <threads.h>

#include "locks.h"
#include "pmutex.h"
#include "realsym.h"

static int (*real_mtx_init)(mtx_t *, int);
static int (*real_mtx_lock)(mtx_t *);
static int (*real_mtx_timedlock)(mtx_t *, const struct timespec *);
static int (*real_mtx_trylock)(mtx_t *);
static int (*real_mtx_unlock)(mtx_t *);
static void (*real_mtx_destroy)(mtx_t *);
static int (*real_cnd_init)(cnd_t *);
static int (*real_cnd_wait)(cnd_t *, mtx_t *);
static int (*real_cnd_timedwait)(cnd_t *, mtx_t *, const struct timespec *);
static int (*real_cnd_signal)(cnd_t *);
static int (*real_cnd_broadcast)(cnd_t *);
static void (*real_cnd_destroy)(cnd_t *);

#define REAL(f) VIGIL_REAL(real_##f, #f, NULL)

static int lock(mtx_t *m, struct vigil_lkcall *c, const struct timespec *at)
{
	int r = REAL(mtx_trylock)(m);

	if (r == thrd_success) {
		vigil_locks__acquired(c, 1);
		return r;
	}
	if (r != thrd_busy)
		return at ? REAL(mtx_timedlock)(m, at) : REAL(mtx_lock)(m);
	c->timed = at != NULL;
	vigil_locks__wait_begin(c, vigil_pmutex__relocks(m, c->t->tid));
	r = at ? REAL(mtx_timedlock)(m, at) : REAL(mtx_lock)(m);
	vigil_locks__wait_end(c, r == thrd_success);
	return r;
}

VIGIL_EXPORT int mtx_lock(mtx_t *m)
{
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, m, VIGIL_LK_MTX, 0, VIGIL_FN_MTX_LOCK))
		return REAL(mtx_lock)(m);
	return lock(m, &c, NULL);
}

VIGIL_EXPORT int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict at)
{
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, m, VIGIL_LK_MTX, 0, VIGIL_FN_MTX_LOCK))
		return REAL(mtx_timedlock)(m, at);
	return lock(m, &c, at);
}

VIGIL_EXPORT int mtx_trylock(mtx_t *m)
{
	struct vigil_lkcall c;
	int r;

	if (!VIGIL_LKCALL(c, m, VIGIL_LK_MTX, 0, VIGIL_FN_MTX_LOCK))
		return REAL(mtx_trylock)(m);
	r = REAL(mtx_trylock)(m);
	if (r == thrd_success)
		vigil_locks__acquired(&c, 0);
	return r;
}

VIGIL_EXPORT int mtx_unlock(mtx_t *m)
{
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, m, VIGIL_LK_MTX, 0, VIGIL_FN_MTX_LOCK))
		return REAL(mtx_unlock)(m);
	vigil_pmutex__unlocking(&c, m);
	return REAL(mtx_unlock)(m);
}

VIGIL_EXPORT int mtx_init(mtx_t *m, int type)
{
	struct vigil_lkcall c;

	if (VIGIL_LKCALL(c, m, VIGIL_LK_MTX, 0, VIGIL_FN_NONE))
		vigil_locks__retire(c.addr);
	return REAL(mtx_init)(m, type);
}

VIGIL_EXPORT void mtx_destroy(mtx_t *m)
{
	struct vigil_lkcall c;

	if (VIGIL_LKCALL(c, m, VIGIL_LK_MTX, 0, VIGIL_FN_NONE)) {
		vigil_pmutex__destroying(&c, m);
		vigil_locks__released(&c);
		vigil_locks__retire(c.addr);
	}
	REAL(mtx_destroy)(m);
}

static int cnd_wait_common(cnd_t *cv, mtx_t *m, const struct timespec *at,
			   struct vigil_lkcall *c)
{
	int r;

	vigil_pmutex__waiting(c, m);
	vigil_locks__cond_wait_begin(c, (uintptr_t)m);
	r = at ? REAL(cnd_timedwait)(cv, m, at) : REAL(cnd_wait)(cv, m);
	vigil_locks__cond_wait_end(c, (uintptr_t)m);
	return r;
}

VIGIL_EXPORT int cnd_wait(cnd_t *cv, mtx_t *m)
{
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, cv, VIGIL_LK_CND, 0, VIGIL_FN_PTHREAD_COND))
		return REAL(cnd_wait)(cv, m);
	return cnd_wait_common(cv, m, NULL, &c);
}

VIGIL_EXPORT int cnd_timedwait(cnd_t *restrict cv, mtx_t *restrict m,
			       const struct timespec *restrict at)
{
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, cv, VIGIL_LK_CND, 0, VIGIL_FN_PTHREAD_COND))
		return REAL(cnd_timedwait)(cv, m, at);
	return cnd_wait_common(cv, m, at, &c);
}

VIGIL_EXPORT int cnd_signal(cnd_t *cv)
{
	vigil_locks__wake(cv, 0);
	return REAL(cnd_signal)(cv);
}

VIGIL_EXPORT int cnd_broadcast(cnd_t *cv)
{
	vigil_locks__wake(cv, 1);
	return REAL(cnd_broadcast)(cv);
}

VIGIL_EXPORT int cnd_init(cnd_t *cv)
{
	struct vigil_lkcall c;

	if (VIGIL_LKCALL(c, cv, VIGIL_LK_CND, 0, VIGIL_FN_NONE))
		vigil_locks__retire(c.addr);
	return REAL(cnd_init)(cv);
}

VIGIL_EXPORT void cnd_destroy(cnd_t *cv)
{
	struct vigil_lkcall c;

	if (VIGIL_LKCALL(c, cv, VIGIL_LK_CND, 0, VIGIL_FN_NONE)) {
		if (vigil_locks__cond_waiters(c.addr))
			vigil_locks__misuse(&c, VIGIL_FK_DESTROY_LOCKED, VIGIL_REASON_WAITERS, 0,
					    0);
		vigil_locks__retire(c.addr);
	}
	REAL(cnd_destroy)(cv);
}
