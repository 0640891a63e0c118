// SPDX-License-Identifier: MIT
/* pthread_mutex_*: every lock call tries the lock first, so the uncontended path
 * is the real trylock plus a push on the thread's held list; a busy mutex goes
 * through the checks that must run before blocking (double lock, order) and is
 * timed. Ownership is read from glibc's own mutex word (__owner), which every
 * mutex type keeps. */
#include <pthread.h>

#include "locks.h"
#include "pmutex.h"
#include "realsym.h"

static int (*real_lock)(pthread_mutex_t *);
static int (*real_trylock)(pthread_mutex_t *);
static int (*real_timedlock)(pthread_mutex_t *, const struct timespec *);
static int (*real_clocklock)(pthread_mutex_t *, clockid_t, const struct timespec *);
static int (*real_unlock)(pthread_mutex_t *);
static int (*real_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
static int (*real_destroy)(pthread_mutex_t *);

#define REAL(f) VIGIL_REAL(real_##f, "pthread_mutex_" #f, NULL)

static inline int got(int r)
{
	return r == 0 || r == EOWNERDEAD;
}

/* A blocking lock call: which of lock, timedlock, clocklock is given by how. */
enum how { LOCK, TIMED, CLOCK };

static int block(pthread_mutex_t *m, enum how how, clockid_t clk, const struct timespec *at)
{
	if (how == TIMED)
		return REAL(timedlock)(m, at);
	if (how == CLOCK)
		return REAL(clocklock)(m, clk, at);
	return REAL(lock)(m);
}

static inline __attribute__((always_inline)) int
lock_checked(pthread_mutex_t *m, struct vigil_lkcall *c, enum how how, clockid_t clk,
	     const struct timespec *at)
{
	int r = REAL(trylock)(m);

	if (got(r)) {
		vigil_locks__acquired(c, 1);
		return r;
	}
	if (r != EBUSY)
		return block(m, how, clk, at); /* its own error (EINVAL...) */
	c->timed = how != LOCK;
	c->pshared = vigil_pmutex__pshared(m);
	vigil_locks__wait_begin(c, vigil_pmutex__relocks(m, c->t->tid));
	r = block(m, how, clk, at);
	vigil_locks__wait_end(c, got(r));
	return r;
}

VIGIL_EXPORT int pthread_mutex_lock(pthread_mutex_t *m)
{
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, m, VIGIL_LK_MUTEX, 0, VIGIL_FN_PTHREAD_MUTEX_LOCK))
		return REAL(lock)(m);
	return lock_checked(m, &c, LOCK, 0, NULL);
}

VIGIL_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *at)
{
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, m, VIGIL_LK_MUTEX, 0, VIGIL_FN_PTHREAD_MUTEX_LOCK))
		return REAL(timedlock)(m, at);
	return lock_checked(m, &c, TIMED, 0, at);
}

VIGIL_EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
					 const struct timespec *at)
{
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, m, VIGIL_LK_MUTEX, 0, VIGIL_FN_PTHREAD_MUTEX_LOCK))
		return REAL(clocklock)(m, clk, at);
	return lock_checked(m, &c, CLOCK, clk, at);
}

VIGIL_EXPORT int pthread_mutex_trylock(pthread_mutex_t *m)
{
	struct vigil_lkcall c;
	int r;

	if (!VIGIL_LKCALL(c, m, VIGIL_LK_MUTEX, 0, VIGIL_FN_PTHREAD_MUTEX_LOCK))
		return REAL(trylock)(m);
	r = REAL(trylock)(m);
	if (got(r))
		vigil_locks__acquired(&c, 0);
	return r;
}

VIGIL_EXPORT int pthread_mutex_unlock(pthread_mutex_t *m)
{
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, m, VIGIL_LK_MUTEX, 0, VIGIL_FN_PTHREAD_MUTEX_UNLOCK))
		return REAL(unlock)(m);
	vigil_pmutex__unlocking(&c, m);
	return REAL(unlock)(m);
}

VIGIL_EXPORT int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	struct vigil_lkcall c;

	if (VIGIL_LKCALL(c, m, VIGIL_LK_MUTEX, 0, VIGIL_FN_NONE))
		vigil_locks__retire(c.addr);
	return REAL(init)(m, a);
}

VIGIL_EXPORT int pthread_mutex_destroy(pthread_mutex_t *m)
{
	struct vigil_lkcall c;
	int r;

	if (!VIGIL_LKCALL(c, m, VIGIL_LK_MUTEX, 0, VIGIL_FN_NONE))
		return REAL(destroy)(m);
	vigil_pmutex__destroying(&c, m);
	/* A destroy refused (EBUSY) leaves the lock as it was. */
	r = REAL(destroy)(m);
	if (!r) {
		vigil_locks__released(&c);
		vigil_locks__retire(c.addr);
	}
	return r;
}
