// SPDX-License-Identifier: MIT
/* pthread_rwlock_*: as mutex.c, try first and take the slow path only when busy.
 * glibc records the writer's tid (__cur_writer) but not the readers, so read holds
 * are known from the held lists; the reader count and write bit come from the lock
 * word (__readers: count << 3, bit 1 write-locked). */
#include <pthread.h>

#include "locks.h"
#include "realsym.h"

#define READER_SHIFT 3
#define WRLOCKED 2

typedef int (*lockfn)(pthread_rwlock_t *);
typedef int (*timedfn)(pthread_rwlock_t *, const struct timespec *);
typedef int (*clockfn)(pthread_rwlock_t *, clockid_t, const struct timespec *);

static lockfn real_rdlock, real_wrlock, real_tryrdlock, real_trywrlock, real_unlock,
	real_destroy;
static timedfn real_timedrdlock, real_timedwrlock;
static clockfn real_clockrdlock, real_clockwrlock;
static int (*real_init)(pthread_rwlock_t *, const pthread_rwlockattr_t *);

#define REAL(f) VIGIL_REAL(real_##f, "pthread_rwlock_" #f, NULL)

static inline int writer_of(const pthread_rwlock_t *l)
{
	return __atomic_load_n(&l->__data.__cur_writer, __ATOMIC_RELAXED);
}

static inline unsigned word_of(const pthread_rwlock_t *l)
{
	return __atomic_load_n(&l->__data.__readers, __ATOMIC_RELAXED);
}

/* One blocking acquisition, read or write, with or without a timeout. */
struct op {
	lockfn lock, trylock;
	timedfn timed;
	clockfn clocked;
	clockid_t clk;
	const struct timespec *at;
};

static int call(pthread_rwlock_t *l, const struct op *op)
{
	if (op->clocked)
		return op->clocked(l, op->clk, op->at);
	if (op->timed)
		return op->timed(l, op->at);
	return op->lock(l);
}

static int acquire(pthread_rwlock_t *l, struct vigil_lkcall *c, const struct op *op)
{
	int r = op->trylock(l), self = 0, shared = 0;

	if (!r) {
		vigil_locks__acquired(c, 1);
		return 0;
	}
	if (r != EBUSY)
		return call(l, op);
	/* The writer relocking, or a reader asking to write: glibc returns EDEADLK or
	 * blocks for good. A reader relocking for read is allowed. */
	if (writer_of(l) == c->t->tid)
		self = 1;
	else if (!c->shared && vigil_locks__holds(c, &shared))
		self = 1;
	c->timed = op->timed || op->clocked;
	c->pshared = l->__data.__shared != 0;
	vigil_locks__wait_begin(c, self);
	r = call(l, op);
	vigil_locks__wait_end(c, r == 0);
	return r;
}

VIGIL_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
	struct op op = {.lock = REAL(rdlock), .trylock = REAL(tryrdlock)};
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_RWLOCK, 1, VIGIL_FN_PTHREAD_RWLOCK_LOCK))
		return call(l, &op);
	return acquire(l, &c, &op);
}

VIGIL_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
	struct op op = {.lock = REAL(wrlock), .trylock = REAL(trywrlock)};
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_RWLOCK, 0, VIGIL_FN_PTHREAD_RWLOCK_LOCK))
		return call(l, &op);
	return acquire(l, &c, &op);
}

VIGIL_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *at)
{
	struct op op = {.timed = REAL(timedrdlock), .trylock = REAL(tryrdlock), .at = at};
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_RWLOCK, 1, VIGIL_FN_PTHREAD_RWLOCK_LOCK))
		return call(l, &op);
	return acquire(l, &c, &op);
}

VIGIL_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *at)
{
	struct op op = {.timed = REAL(timedwrlock), .trylock = REAL(trywrlock), .at = at};
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_RWLOCK, 0, VIGIL_FN_PTHREAD_RWLOCK_LOCK))
		return call(l, &op);
	return acquire(l, &c, &op);
}

VIGIL_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t clk,
					    const struct timespec *at)
{
	struct op op = {.clocked = REAL(clockrdlock), .trylock = REAL(tryrdlock), .clk = clk,
			.at = at};
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_RWLOCK, 1, VIGIL_FN_PTHREAD_RWLOCK_LOCK))
		return call(l, &op);
	return acquire(l, &c, &op);
}

VIGIL_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t clk,
					    const struct timespec *at)
{
	struct op op = {.clocked = REAL(clockwrlock), .trylock = REAL(trywrlock), .clk = clk,
			.at = at};
	struct vigil_lkcall c;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_RWLOCK, 0, VIGIL_FN_PTHREAD_RWLOCK_LOCK))
		return call(l, &op);
	return acquire(l, &c, &op);
}

static int try(pthread_rwlock_t *l, int shared)
{
	lockfn fn = shared ? REAL(tryrdlock) : REAL(trywrlock);
	struct vigil_lkcall c;
	int r;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_RWLOCK, shared, VIGIL_FN_PTHREAD_RWLOCK_LOCK))
		return fn(l);
	r = fn(l);
	if (!r)
		vigil_locks__acquired(&c, 0);
	return r;
}

VIGIL_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
	return try(l, 1);
}

VIGIL_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
	return try(l, 0);
}

VIGIL_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
	struct vigil_lkcall c;
	int writer;
	unsigned word;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_RWLOCK, 0, VIGIL_FN_PTHREAD_RWLOCK_LOCK))
		return REAL(unlock)(l);
	writer = writer_of(l);
	word = word_of(l);
	if (!vigil_locks__released(&c) && writer != c.t->tid) {
		if (writer)
			vigil_locks__misuse(&c, VIGIL_FK_UNLOCK_NOT_OWNER, VIGIL_REASON_OTHER_OWNER,
					    (uint32_t)writer, 0);
		else if (!(word >> READER_SHIFT) && !(word & WRLOCKED))
			vigil_locks__misuse(&c, VIGIL_FK_UNLOCK_NOT_OWNER, VIGIL_REASON_UNLOCKED,
					    0, 0);
	}
	return REAL(unlock)(l);
}

VIGIL_EXPORT int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a)
{
	struct vigil_lkcall c;

	if (VIGIL_LKCALL(c, l, VIGIL_LK_RWLOCK, 0, VIGIL_FN_NONE))
		vigil_locks__retire(c.addr);
	return REAL(init)(l, a);
}

VIGIL_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
	struct vigil_lkcall c;
	unsigned word;
	int r;

	if (!VIGIL_LKCALL(c, l, VIGIL_LK_RWLOCK, 0, VIGIL_FN_NONE))
		return REAL(destroy)(l);
	word = word_of(l);
	if ((word >> READER_SHIFT) || (word & WRLOCKED) || writer_of(l))
		vigil_locks__misuse(&c, VIGIL_FK_DESTROY_LOCKED, VIGIL_REASON_LOCKED,
				    (uint32_t)writer_of(l), 0);
	/* A destroy refused (EBUSY) leaves the lock as it was. */
	r = REAL(destroy)(l);
	if (!r) {
		vigil_locks__released(&c);
		vigil_locks__retire(c.addr);
	}
	return r;
}
