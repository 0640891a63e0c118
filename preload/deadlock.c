// SPDX-License-Identifier: MIT
/* The deadlock watchdog: a thread of vigil's own, started the first time a lock
 * call has to wait, with every signal blocked and the guard held for good. It
 * follows waits (thread -> lock it waits on -> a thread holding that lock -> ...) and
 * reports a cycle whose threads have all been blocked past the threshold, while
 * the program still hangs: the finding is durable in the raw log at once. */
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "fbuild.h"
#include "locks.h"
#include "vigil/finding.h"

#define CHAIN_MAX 16

static int started;

static void report(struct vigil_lthread **chain, const struct vigil_held **held,
		   const uint64_t *seq, unsigned k)
{
	struct vigil_fbuild f = {0};
	unsigned first = 0;

	/* Start from the thread that has waited longest: the same hang reads the same
	 * way every time. */
	for (unsigned i = 1; i < k; i++)
		if (chain[i]->wait_t0 < chain[first]->wait_t0)
			first = i;
	for (unsigned m = 0; m < k; m++) {
		unsigned i = (first + m) % k;
		struct vigil_lthread *t = chain[i];
		/* t holds the lock the previous thread of the cycle waits on. */
		const struct vigil_held *h = held[(i + k - 1) % k];

		vigil_fb__stack(&f, t->wait_stack, (uint32_t)t->tid, VIGIL_ROLE_BLOCKED);
		vigil_fb__stack(&f, vigil_locks__held_stack(h, t->wait_pcs, t->wait_cfas, t->wait_n),
				(uint32_t)t->tid, VIGIL_ROLE_HELD);
	}
	vigil_fb__kv(&f, VIGIL_KEY_ADDR, chain[first]->wait_addr);
	vigil_fb__kv(&f, VIGIL_KEY_LOCK_KIND, chain[first]->wait_kind);
	vigil_fb__kv(&f, VIGIL_KEY_THREADS, k);
	vigil_fb__kv(&f, VIGIL_KEY_CYCLE_LOCKS, k);
	/* Only if nothing moved while the report was made. */
	for (unsigned i = 0; i < k; i++)
		if (__atomic_load_n(&chain[i]->wait_seq, __ATOMIC_ACQUIRE) != seq[i] ||
		    !__atomic_load_n(&chain[i]->wait_addr, __ATOMIC_ACQUIRE))
			return;
	vigil_fb__emit(&f, VIGIL_FK_DEADLOCK, VIGIL_SEV_ERROR);
	for (unsigned i = 0; i < k; i++)
		chain[i]->reported_seq = seq[i];
	/* Someone is watching a hung program: say so now, not only in the report. */
	vigil_msg("deadlock: threads blocked in a lock cycle, reported (`vigil report` ",
		  "shows it while the program hangs)");
}

/* One search from a blocked thread: the threads on the current path, the hold that
 * blocks each one's predecessor, and their wait sequence numbers. */
struct path {
	struct vigil_lthread *pool, *start;
	unsigned npool;
	uint64_t now, threshold;
	struct vigil_lthread *chain[CHAIN_MAX];
	const struct vigil_held *held[CHAIN_MAX];
	uint64_t seq[CHAIN_MAX];
};

/* A wait that counts: blocked past the threshold, not reported yet, and without a
 * timeout (a timed wait ends by itself). */
static int stuck(const struct path *p, struct vigil_lthread *u, uintptr_t *lock, uint64_t *seq)
{
	*lock = __atomic_load_n(&u->wait_addr, __ATOMIC_ACQUIRE);
	*seq = __atomic_load_n(&u->wait_seq, __ATOMIC_ACQUIRE);
	return *lock && u->tid && !u->wait_timed && p->now - u->wait_t0 >= p->threshold &&
	       u->reported_seq != *seq;
}

/* Depth-first over "u waits for a lock that v holds" (an rwlock may have several
 * holders); true once a cycle back to the start was reported. */
static int follow(struct path *p, struct vigil_lthread *u, unsigned k)
{
	uintptr_t lock;
	uint64_t seq;

	if (k >= CHAIN_MAX || !stuck(p, u, &lock, &seq))
		return 0;
	p->chain[k] = u;
	p->seq[k] = seq;
	for (unsigned i = 0; i < p->npool; i++) {
		struct vigil_lthread *v = &p->pool[i];
		unsigned nheld, on_path = 0;

		if (!__atomic_load_n(&v->tid, __ATOMIC_ACQUIRE))
			continue;
		nheld = __atomic_load_n(&v->nheld, __ATOMIC_RELAXED);
		for (unsigned j = 0; j < nheld && j < VIGIL_HELD_MAX; j++) {
			if (v->held[j].addr != lock)
				continue;
			p->held[k] = &v->held[j];
			/* A thread relocking its own lock was reported as double-lock
			 * when it blocked. */
			if (v == p->start) {
				if (k == 0)
					break;
				report(p->chain, p->held, p->seq, k + 1);
				return 1;
			}
			for (unsigned m = 1; m <= k; m++)
				on_path |= p->chain[m] == v;
			/* A cycle the start only leads into is found from its members. */
			if (!on_path && follow(p, v, k + 1))
				return 1;
			break;
		}
	}
	return 0;
}

static void scan(uint64_t threshold)
{
	struct path p = {.now = vigil_now_ns(), .threshold = threshold};

	p.pool = vigil_locks__threads(&p.npool);
	for (unsigned i = 0; i < p.npool; i++) {
		p.start = &p.pool[i];
		follow(&p, p.start, 0);
	}
}

static void *watchdog(void *arg)
{
	uint64_t threshold = (uint64_t)vigil_rt.opt.deadlock_ms * 1000000u;
	uint64_t tick = threshold / 4;
	struct timespec ts;

	(void)arg;
	vigil_guard__enter();
	if (tick > 100000000u)
		tick = 100000000u;
	if (tick < 5000000u)
		tick = 5000000u;
	ts.tv_sec = (time_t)(tick / 1000000000u);
	ts.tv_nsec = (long)(tick % 1000000000u);
	for (;;) {
		nanosleep(&ts, NULL);
		if (vigil_rt__state() != VIGIL_READY)
			continue;
		scan(threshold);
	}
	return NULL;
}

void vigil_deadlock__start(void)
{
	sigset_t all, old;
	pthread_t th;

	if (__atomic_load_n(&started, __ATOMIC_RELAXED) ||
	    __atomic_exchange_n(&started, 1, __ATOMIC_ACQ_REL))
		return;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (vigil_real.pthread_create(&th, NULL, watchdog, NULL) == 0)
		pthread_detach(th);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void vigil_deadlock__after_fork_child(void)
{
	started = 0;
}
