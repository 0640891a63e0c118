// SPDX-License-Identifier: MIT
/* pthread_cond_*: a wait must hold its mutex (checked on glibc's owner word); the
 * mutex leaves the thread's held list for the wait; the waiters vigil counts make a
 * destroy with waiters and a second mutex used by concurrent waiters visible. The
 * real functions are the GLIBC_2.3.2 ones, the ABI programs link against (the
 * unversioned lookup could find the old 2.2.5 ones). */
#include <pthread.h>

#include "locks.h"
#include "pmutex.h"
#include "realsym.h"
#define VERSION "GLIBC_2.3.2"

static int (*real_wait)(pthread_cond_t *, pthread_mutex_t *);
static int (*real_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
static int (*real_clockwait)(pthread_cond_t *, pthread_mutex_t *, clockid_t,
			     const struct timespec *);
static int (*real_signal)(pthread_cond_t *);
static int (*real_broadcast)(pthread_cond_t *);
static int (*real_init)(pthread_cond_t *, const pthread_condattr_t *);
static int (*real_destroy)(pthread_cond_t *);

#define REAL(f) VIGIL_REAL(real_##f, "pthread_cond_" #f, VERSION)

/* Before the wait: the mutex must be the caller's. */
static void wait_begin(struct vigil_lkcall *c, pthread_mutex_t *m)
{
	vigil_pmutex__waiting(c, m);
	vigil_locks__cond_wait_begin(c, (uintptr_t)m);
}

/* After the wait. An error-checking mutex the caller did not hold is refused (EPERM)
 * before any wait: the call returns without it, so it must not come back as held. */
static void wait_end(struct vigil_lkcall *c, pthread_mutex_t *m, int r)
{
	vigil_locks__cond_wait_end(c, (uintptr_t)m);
	if (r == EPERM) {
		struct vigil_lkcall mc = *c;

		mc.addr = (uintptr_t)m;
		vigil_locks__released(&mc);
	}
}

VIGIL_EXPORT int pthread_cond_wait(pthread_cond_t *cv, pthread_mutex_t *m)
{
	struct vigil_lkcall c;
	int r;

	if (!VIGIL_LKCALL(c, cv, VIGIL_LK_COND, 0, VIGIL_FN_PTHREAD_COND))
		return REAL(wait)(cv, m);
	wait_begin(&c, m);
	r = REAL(wait)(cv, m);
	wait_end(&c, m, r);
	return r;
}

VIGIL_EXPORT int pthread_cond_timedwait(pthread_cond_t *cv, pthread_mutex_t *m,
					const struct timespec *at)
{
	struct vigil_lkcall c;
	int r;

	if (!VIGIL_LKCALL(c, cv, VIGIL_LK_COND, 0, VIGIL_FN_PTHREAD_COND))
		return REAL(timedwait)(cv, m, at);
	wait_begin(&c, m);
	r = REAL(timedwait)(cv, m, at);
	wait_end(&c, m, r);
	return r;
}

VIGIL_EXPORT int pthread_cond_clockwait(pthread_cond_t *cv, pthread_mutex_t *m, clockid_t clk,
					const struct timespec *at)
{
	struct vigil_lkcall c;
	int r;

	/* Newer than 2.3.2: only the unversioned name exists. */
	VIGIL_REAL(real_clockwait, "pthread_cond_clockwait", NULL);
	if (!VIGIL_LKCALL(c, cv, VIGIL_LK_COND, 0, VIGIL_FN_PTHREAD_COND))
		return real_clockwait(cv, m, clk, at);
	wait_begin(&c, m);
	r = real_clockwait(cv, m, clk, at);
	wait_end(&c, m, r);
	return r;
}

VIGIL_EXPORT int pthread_cond_signal(pthread_cond_t *cv)
{
	vigil_locks__wake(cv, 0);
	return REAL(signal)(cv);
}

VIGIL_EXPORT int pthread_cond_broadcast(pthread_cond_t *cv)
{
	vigil_locks__wake(cv, 1);
	return REAL(broadcast)(cv);
}

VIGIL_EXPORT int pthread_cond_init(pthread_cond_t *cv, const pthread_condattr_t *a)
{
	struct vigil_lkcall c;

	if (VIGIL_LKCALL(c, cv, VIGIL_LK_COND, 0, VIGIL_FN_NONE))
		vigil_locks__retire(c.addr);
	return REAL(init)(cv, a);
}

VIGIL_EXPORT int pthread_cond_destroy(pthread_cond_t *cv)
{
	struct vigil_lkcall c;
	unsigned waiters;

	if (!VIGIL_LKCALL(c, cv, VIGIL_LK_COND, 0, VIGIL_FN_NONE))
		return REAL(destroy)(cv);
	waiters = vigil_locks__cond_waiters(c.addr);
	if (waiters)
		vigil_locks__misuse(&c, VIGIL_FK_DESTROY_LOCKED, VIGIL_REASON_WAITERS, 0, 0);
	vigil_locks__retire(c.addr);
	return REAL(destroy)(cv);
}
