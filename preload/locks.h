/* SPDX-License-Identifier: MIT */
/* The thread checks' view of locks, shared by every lock interposer (mutex, rwlock,
 * spin, cond, C11): which locks each thread holds and where it took them, which lock
 * it is blocked on, the order checks, the misuse reports and contention. An
 * interposer tries the lock first; only a lock that is busy takes the slow path
 * (stack capture, wait registration, timing) before the real blocking call. */
#ifndef VIGIL_LOCKS_H
#define VIGIL_LOCKS_H

#include <errno.h>
#include <stdint.h>

#include "hidden.h"
#include "rt.h"
#include "sigsafe.h"
#include "vigil/finding.h"
#include "vigil/options.h"

#define VIGIL_HELD_MAX 32
#define VIGIL_WAIT_DEPTH 32

/* A lock this thread holds: where the program's call came from (its return address
 * and the caller's stack pointer, from which the acquisition's stack is rebuilt when
 * it is needed) - a stack is never captured on the uncontended path. */
struct vigil_held {
	uintptr_t addr, pc, cfa;
	uint32_t node;  /* lock table id, looked up when first needed */
	uint32_t stack; /* the acquisition's own stack, when one was captured */
	uint8_t kind, shared;
};

/* Locks known to be held while others are taken (an order edge starts at them), by
 * address hash: their acquisitions capture a stack, so the edges, deadlocks and
 * misuse reports that involve them later show exactly where they were taken. A
 * stale or colliding entry only costs a capture or misses one. */
#define VIGIL_OUTER_SLOTS 512
extern uintptr_t vigil_outer_locks[VIGIL_OUTER_SLOTS] VIGIL_HID;

static inline unsigned vigil_outer__slot(uintptr_t addr)
{
	return (unsigned)(((addr >> 3) * 0x9e3779b97f4a7c15ull) >> 55);
}

/* Per thread, readable by the deadlock watchdog: the wait fields are published by
 * wait_addr (release) and stay put while the thread is blocked. */
struct vigil_lthread {
	pid_t tid; /* 0: free slot */
	unsigned nheld;
	struct vigil_held held[VIGIL_HELD_MAX];
	uintptr_t wait_addr;
	uint64_t wait_t0, wait_seq, reported_seq;
	uint32_t wait_stack;
	uint8_t wait_kind;
	uint8_t wait_timed; /* the wait has a timeout: it ends by itself */
	uintptr_t cond_wait; /* the cond this thread waits on, if any */
	unsigned wait_n;
	uintptr_t wait_pcs[VIGIL_WAIT_DEPTH], wait_cfas[VIGIL_WAIT_DEPTH];
};

/* One call of a lock function, from the interposer's entry to its return. */
struct vigil_lkcall {
	uintptr_t addr;
	uintptr_t pc, cfa; /* the program's call site and stack pointer */
	uint8_t kind;      /* enum vigil_lock_kind */
	uint8_t shared;    /* a read lock */
	uint8_t timed;     /* a call with a timeout (timedlock, clocklock) */
	uint8_t pshared;   /* shared between processes: its holder may be elsewhere */
	uint32_t node;     /* lock table id, once an order check looked it up */
	uint32_t stack;    /* this acquisition's stack, when one was captured */
	uint64_t t0;
	struct vigil_lthread *t;
};

/* In the interposer itself (the return address and CFA are its own). Returns false
 * when the thread checks are off or vigil is busy: call the real function only. */
#define VIGIL_LKCALL(c, lockp, k, sh, fn)                                                 \
	((c).addr = (uintptr_t)(lockp), (c).kind = (k), (c).shared = (sh), (c).node = 0,   \
	 (c).stack = 0, (c).timed = 0, (c).pshared = 0,                                    \
	 (c).pc = (uintptr_t)__builtin_return_address(0),                                 \
	 (c).cfa = (uintptr_t)__builtin_dwarf_cfa(), vigil_locks__enter(&(c), (fn)))

static inline int vigil_locks__on(void)
{
	return (vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS)) && vigil_rt__active();
}

/* The calling thread's slot; NULL before its first lock call. */
extern __thread struct vigil_lthread *vigil_lthread_me VIGIL_HID;
/* Claims a slot for the calling thread (first lock call); NULL when all are taken. */
struct vigil_lthread *vigil_locks__claim(void) VIGIL_HID;

static inline struct vigil_lthread *vigil_locks__me(void)
{
	struct vigil_lthread *t = vigil_lthread_me;

	return __builtin_expect(t != NULL, 1) ? t : vigil_locks__claim();
}

/* The uncontended path takes neither the guard nor errno: the real trylock and a push
 * touch neither. Every function below that does more (a stack, a table, a report)
 * enters the guard and gives errno back as it found it. */
static inline int vigil_locks__enter(struct vigil_lkcall *c, unsigned fn)
{
	if (!vigil_locks__on())
		return 0;
	if (fn)
		vigil_sigsafe__check(fn);
	c->t = vigil_locks__me();
	return c->t != NULL;
}

/* pthread_cond_signal (all = 0) or _broadcast (all = 1) was called. */
void vigil_locks__cond_wake(uintptr_t cond, int all) VIGIL_HID;

/* Cond signal/broadcast: the signal-safety check and the wakeup count. */
static inline void vigil_locks__wake(const void *cond, int all)
{
	if (!vigil_locks__on())
		return;
	vigil_sigsafe__check(VIGIL_FN_PTHREAD_COND);
	vigil_locks__cond_wake((uintptr_t)cond, all);
}

/* Order edges from every lock the thread holds to c's (a stack only for new ones). */
void vigil_locks__order(struct vigil_lkcall *c) VIGIL_HID;

/* The stack of an acquisition of an outer lock, captured as it is taken. */
uint32_t vigil_locks__capture(void) VIGIL_HID;

static inline void vigil_locks__push(struct vigil_lkcall *c)
{
	struct vigil_lthread *t = c->t;

	if (__builtin_expect(vigil_outer_locks[vigil_outer__slot(c->addr)] == c->addr, 0) &&
	    !c->stack)
		c->stack = vigil_locks__capture();
	if (__builtin_expect(t->nheld < VIGIL_HELD_MAX, 1))
		t->held[t->nheld++] = (struct vigil_held){
			.addr = c->addr, .pc = c->pc, .cfa = c->cfa, .node = c->node,
			.stack = c->stack, .kind = c->kind, .shared = c->shared};
}

/* Taken without waiting: recorded as held; order checked unless it was a trylock
 * (which never blocks, so adds no order). */
static inline void vigil_locks__acquired(struct vigil_lkcall *c, int order)
{
	if (order && c->t->nheld)
		vigil_locks__order(c);
	vigil_locks__push(c);
}
/* Busy: self_deadlock says the caller itself holds it in a way the call can never get
 * (reported as double-lock before blocking); order checked; the wait is published
 * for the watchdog. */
void vigil_locks__wait_begin(struct vigil_lkcall *c, int self_deadlock) VIGIL_HID;
/* The blocking call returned; acquired: it holds the lock now. */
void vigil_locks__wait_end(struct vigil_lkcall *c, int acquired) VIGIL_HID;
int vigil_locks__released_inner(struct vigil_lkcall *c) VIGIL_HID;

/* Released: forgets the most recent hold of addr; false if this thread had none. */
static inline int vigil_locks__released(struct vigil_lkcall *c)
{
	struct vigil_lthread *t = c->t;

	if (__builtin_expect(t->nheld && t->held[t->nheld - 1].addr == c->addr, 1)) {
		t->nheld--;
		return 1;
	}
	return vigil_locks__released_inner(c);
}
/* This thread holds addr (shared: how, when it does). */
int vigil_locks__holds(const struct vigil_lkcall *c, int *shared) VIGIL_HID;
/* A misuse at this call: kind, reason, the owner's tid (0 unknown) and another
 * address for the details (0 none); once per call site and kind. */
void vigil_locks__misuse(struct vigil_lkcall *c, unsigned fkind, unsigned reason,
			 uint32_t owner, uintptr_t other) VIGIL_HID;
/* init/destroy: the address holds a new lock, or none. */
void vigil_locks__retire(uintptr_t addr) VIGIL_HID;
/* Cond wait: the mutex leaves the held list for the wait and comes back after. */
void vigil_locks__cond_wait_begin(struct vigil_lkcall *cond, uintptr_t mutex) VIGIL_HID;
void vigil_locks__cond_wait_end(struct vigil_lkcall *cond, uintptr_t mutex) VIGIL_HID;
/* Threads waiting on the cond now and not yet woken (own count: glibc's is private);
 * a destroy right after a broadcast is allowed. */
unsigned vigil_locks__cond_waiters(uintptr_t cond) VIGIL_HID;


int vigil_locks__init(void) VIGIL_HID;
/* Contention findings, at exit. */
void vigil_locks__at_exit(void) VIGIL_HID;
/* Appends the thread checks' counters to kv; returns how many. */
unsigned vigil_locks__stats(struct vigil_rec_kv *kv, unsigned max) VIGIL_HID;
/* Every lthread slot (for the watchdog): count of slots ever used. */
struct vigil_lthread *vigil_locks__threads(unsigned *n) VIGIL_HID;
/* The stack where h was taken, rebuilt from the stack (pcs, cfas) of a later moment
 * of the same thread; interned id. */
uint32_t vigil_locks__held_stack(const struct vigil_held *h, const uintptr_t *pcs,
				 const uintptr_t *cfas, unsigned n) VIGIL_HID;
void vigil_locks__fork_lock(void) VIGIL_HID;
void vigil_locks__fork_unlock(int child) VIGIL_HID;

/* deadlock.c */
void vigil_deadlock__start(void) VIGIL_HID;
void vigil_deadlock__after_fork_child(void) VIGIL_HID;

#endif
