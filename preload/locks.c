// SPDX-License-Identifier: MIT
/* Held-lock lists, waits, misuse reports and contention for the lock interposers.
 * The uncontended path costs a push and a pop on a per-thread list; everything that
 * needs a stack, a table lookup or a lock is kept for nested acquisitions (order
 * edges), busy locks (waits) and misuse. */
#include <pthread.h>
#include <string.h>

#include "fbuild.h"
#include "ialloc.h"
#include "lock.h"
#include "lockorder.h"
#include "locks.h"
#include "locktab.h"
#include "stack.h"
#include "unwind.h"

#define MAX_LTHREADS 4096
#define SEEN_SLOTS 1024
#define TOP_CONTENDED 10

static struct vigil_lthread *pool; /* [MAX_LTHREADS] */
static unsigned npool;
static vigil_lock_t pool_lock;
static pthread_key_t exit_key;
static int have_key;
__thread struct vigil_lthread *vigil_lthread_me;
static uint64_t contended_waits, contended_ns;
static unsigned nlive; /* threads with a slot */
static uintptr_t seen[SEEN_SLOTS]; /* call sites already reported, by kind */
uintptr_t vigil_outer_locks[VIGIL_OUTER_SLOTS];

/* Around every slow path: vigil's own calls pass through, errno is the program's. */
#define SLOW_BEGIN() int saved_errno_ = errno; vigil_guard__enter()
#define SLOW_END() (vigil_guard__leave(), errno = saved_errno_)

/* A waiter leaves its wait (returned, timed out or cancelled): a wakeup meant for it
 * is used up. */
static void cond_left(struct vigil_lnode *n)
{
	uint32_t w = __atomic_load_n(&n->cond_woken, __ATOMIC_RELAXED);

	__atomic_sub_fetch(&n->cond_waiters, 1, __ATOMIC_RELAXED);
	while (w && !__atomic_compare_exchange_n(&n->cond_woken, &w, w - 1, 0, __ATOMIC_RELAXED,
						 __ATOMIC_RELAXED))
		;
}

static void on_thread_exit(void *p)
{
	struct vigil_lthread *t = p;

	if (!t)
		return;
	t->nheld = 0;
	if (t->cond_wait) {
		/* Cancelled inside a cond wait: it waits no more. */
		struct vigil_lnode *n = vigil_locktab__node(vigil_locktab__get(t->cond_wait, 0, 0));

		if (n)
			cond_left(n);
		t->cond_wait = 0;
	}
	__atomic_store_n(&t->wait_addr, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t->tid, 0, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&nlive, 1, __ATOMIC_RELAXED);
	vigil_lthread_me = NULL;
}

int vigil_locks__init(void)
{
	pool = vigil_ialloc(sizeof(*pool) * MAX_LTHREADS);
	if (!pool || vigil_locktab__init(vigil_rt.opt.max_locks) ||
	    vigil_lockorder__init(vigil_rt.opt.max_locks * 2))
		return -1;
	have_key = !pthread_key_create(&exit_key, on_thread_exit);
	return 0;
}

struct vigil_lthread *vigil_locks__claim(void)
{
	struct vigil_lthread *t = NULL;

	if (!pool)
		return NULL;
	SLOW_BEGIN();
	vigil_lock__acquire(&pool_lock);
	for (unsigned i = 0; i < npool && !t; i++)
		if (!__atomic_load_n(&pool[i].tid, __ATOMIC_ACQUIRE))
			t = &pool[i];
	if (!t && npool < MAX_LTHREADS)
		t = &pool[npool++];
	if (t) {
		memset(t, 0, sizeof(*t));
		t->tid = vigil_gettid();
		__atomic_add_fetch(&nlive, 1, __ATOMIC_RELAXED);
	}
	vigil_lock__release(&pool_lock);
	vigil_lthread_me = t;
	if (t && have_key)
		pthread_setspecific(exit_key, t);
	SLOW_END();
	return t;
}

struct vigil_lthread *vigil_locks__threads(unsigned *n)
{
	*n = __atomic_load_n(&npool, __ATOMIC_ACQUIRE);
	return pool;
}

uint32_t vigil_locks__held_stack(const struct vigil_held *h, const uintptr_t *pcs,
				 const uintptr_t *cfas, unsigned n)
{
	uintptr_t out[VIGIL_STACK_DEPTH_MAX];
	unsigned k = 0, j = 0, depth = vigil_rt.opt.stack_depth;

	if (h->stack)
		return h->stack;
	out[k++] = h->pc;
	/* Rebuilt: the frame that took h is the one whose call returned to sp ==
	 * h->cfa. If it is still on the stack, its callers follow, exact. If it has
	 * returned (the lock was taken in a helper), the live frames above it stand in
	 * for its callers: the first of them shows where its function is now, which may
	 * not be the line that called the helper. */
	while (j < n && cfas[j] < h->cfa)
		j++;
	if (j < n && cfas[j] == h->cfa)
		j++;
	for (; j < n && k < depth && k < VIGIL_STACK_DEPTH_MAX; j++)
		out[k++] = pcs[j];
	return vigil_stacktab__intern(vigil_stacks, out, k);
}

/* The current stack with CFAs, captured once per lock call when first needed. */
struct here {
	struct vigil_lkcall *c;
	const struct vigil_held *h;
	uintptr_t *pcs, *cfas;
	unsigned n;
	int have;
	uint32_t id;
};

static void here_capture(struct here *s)
{
	unsigned depth = vigil_rt.opt.stack_depth;

	if (s->have)
		return;
	s->have = 1;
	if (depth > VIGIL_WAIT_DEPTH)
		depth = VIGIL_WAIT_DEPTH;
	s->n = vigil_unwind__capture_cfa(s->pcs, s->cfas, depth);
	s->id = s->n ? vigil_stacktab__intern(vigil_stacks, s->pcs, s->n) : 0;
}

static void make_stacks(void *arg, uint32_t *acq, uint32_t *held)
{
	struct here *s = arg;

	here_capture(s);
	*acq = s->id;
	s->c->stack = s->id;
	*held = vigil_locks__held_stack(s->h, s->pcs, s->cfas, s->n);
}

/* The node of a lock, made if needed; an rwlock's node learns whether it lets a
 * reader in while others read (glibc's default; not the writer-preferring kind). */
static uint32_t node_of(uintptr_t addr, unsigned kind)
{
	uint32_t id = vigil_locktab__get(addr, kind, 1);
	struct vigil_lnode *n = vigil_locktab__node(id);

	if (n && kind == VIGIL_LK_RWLOCK)
		n->readers_first = ((const pthread_rwlock_t *)addr)->__data.__flags !=
				   PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP;
	return id;
}

static void order_check(struct vigil_lkcall *c, struct here *s)
{
	struct vigil_lthread *t = c->t;
	uint32_t to, gates[VIGIL_GATES_MAX];

	for (unsigned i = 0; i < t->nheld; i++)
		if (t->held[i].addr == c->addr)
			return; /* a recursive or read relock adds no order */
	to = c->node = node_of(c->addr, c->kind);
	if (!to)
		return;
	for (unsigned i = 0; i < t->nheld; i++)
		if (!t->held[i].node)
			t->held[i].node = node_of(t->held[i].addr, t->held[i].kind);
	for (unsigned i = 0; i < t->nheld; i++) {
		const struct vigil_held *h = &t->held[i];
		unsigned ng = 0, flags = (h->shared ? VIGIL_EDGE_FROM_SHARED : 0) |
					 (c->shared ? VIGIL_EDGE_TO_SHARED : 0);

		if (!h->node)
			continue;
		/* A gate serialises only if held exclusively: readers share it. */
		for (unsigned j = 0; j < t->nheld && ng < VIGIL_GATES_MAX; j++)
			if (j != i && t->held[j].node && t->held[j].node != h->node &&
			    !t->held[j].shared)
				gates[ng++] = t->held[j].node;
		s->h = h;
		if (vigil_outer_locks[vigil_outer__slot(h->addr)] != h->addr)
			vigil_outer_locks[vigil_outer__slot(h->addr)] = h->addr;
		vigil_lockorder__edge(h->node, to, flags, h->stack, gates, ng, make_stacks, s);
	}
}

uint32_t vigil_locks__capture(void)
{
	uint32_t id;
	SLOW_BEGIN();

	id = vigil_stack__capture();
	SLOW_END();
	return id;
}

void vigil_locks__order(struct vigil_lkcall *c)
{
	uintptr_t pcs[VIGIL_WAIT_DEPTH], cfas[VIGIL_WAIT_DEPTH];
	struct here s = {.c = c, .pcs = pcs, .cfas = cfas};
	SLOW_BEGIN();

	order_check(c, &s);
	SLOW_END();
}

static int seen_before(unsigned kind, uintptr_t pc)
{
	uintptr_t key = pc ^ ((uintptr_t)kind << 56);
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0, s = (unsigned)(h >> 54); i < 8; i++, s = (s + 1) % SEEN_SLOTS) {
		uintptr_t cur = __atomic_load_n(&seen[s], __ATOMIC_RELAXED);

		if (cur == key)
			return 1;
		if (!cur && __atomic_compare_exchange_n(&seen[s], &cur, key, 0, __ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
			return 0;
		if (cur == key)
			return 1;
	}
	return 0; /* full around here: report, the emitter caps */
}

static void misuse_at(struct vigil_lkcall *c, struct here *s, unsigned fkind, unsigned reason,
		      uint32_t owner, uintptr_t other)
{
	struct vigil_fbuild f = {0};
	uint32_t tid = (uint32_t)c->t->tid;

	if (seen_before(fkind, c->pc))
		return;
	here_capture(s);
	vigil_fb__stack(&f, s->id, tid,
			fkind == VIGIL_FK_DOUBLE_LOCK ? VIGIL_ROLE_ACQUIRE : VIGIL_ROLE_CALL);
	/* Where this thread took the lock it now relocks or destroys. */
	for (unsigned i = c->t->nheld; i-- > 0;)
		if (c->t->held[i].addr == c->addr) {
			vigil_fb__stack(&f, vigil_locks__held_stack(&c->t->held[i], s->pcs,
								    s->cfas, s->n),
					tid, VIGIL_ROLE_HELD);
			break;
		}
	vigil_fb__kv(&f, VIGIL_KEY_ADDR, c->addr);
	vigil_fb__kv(&f, VIGIL_KEY_LOCK_KIND, c->kind);
	if (reason)
		vigil_fb__kv(&f, VIGIL_KEY_REASON, reason);
	if (owner)
		vigil_fb__kv(&f, VIGIL_KEY_OWNER_TID, owner);
	if (other)
		vigil_fb__kv(&f, VIGIL_KEY_OTHER_ADDR, other);
	vigil_fb__emit(&f, fkind, VIGIL_SEV_ERROR);
}

void vigil_locks__misuse(struct vigil_lkcall *c, unsigned fkind, unsigned reason,
			 uint32_t owner, uintptr_t other)
{
	uintptr_t pcs[VIGIL_WAIT_DEPTH], cfas[VIGIL_WAIT_DEPTH];
	struct here s = {.c = c, .pcs = pcs, .cfas = cfas};
	SLOW_BEGIN();

	misuse_at(c, &s, fkind, reason, owner, other);
	SLOW_END();
}

void vigil_locks__wait_begin(struct vigil_lkcall *c, int self_deadlock)
{
	struct vigil_lthread *t = c->t;
	/* The wait's stack is the watchdog's too: captured into the thread's slot. */
	struct here s = {.c = c, .pcs = t->wait_pcs, .cfas = t->wait_cfas};
	SLOW_BEGIN();

	here_capture(&s);
	t->wait_n = s.n;
	if (self_deadlock)
		misuse_at(c, &s, VIGIL_FK_DOUBLE_LOCK, 0, (uint32_t)t->tid, 0);
	if (t->nheld)
		order_check(c, &s);
	t->wait_stack = c->stack = s.id;
	t->wait_kind = c->kind;
	t->wait_timed = c->timed;
	t->wait_seq++;
	c->t0 = t->wait_t0 = vigil_now_ns();
	__atomic_store_n(&t->wait_addr, c->addr, __ATOMIC_RELEASE);
	/* The watchdog makes the program multithreaded: only where a deadlock among its
	 * threads is possible - not for a lock shared with other processes, nor from
	 * a signal handler (pthread_create is not async-signal-safe there). */
	if (!c->pshared && !vigil_sig_depth && __atomic_load_n(&nlive, __ATOMIC_RELAXED) > 1)
		vigil_deadlock__start();
	SLOW_END();
}

void vigil_locks__wait_end(struct vigil_lkcall *c, int acquired)
{
	struct vigil_lthread *t = c->t;
	uint64_t dt, max;
	struct vigil_lnode *n;
	SLOW_BEGIN();

	dt = vigil_now_ns() - c->t0;
	__atomic_store_n(&t->wait_addr, 0, __ATOMIC_RELEASE);
	__atomic_add_fetch(&contended_waits, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&contended_ns, dt, __ATOMIC_RELAXED);
	n = vigil_locktab__node(vigil_locktab__get(c->addr, c->kind, 1));
	if (n) {
		__atomic_add_fetch(&n->wait_ns, dt, __ATOMIC_RELAXED);
		__atomic_add_fetch(&n->waits, 1, __ATOMIC_RELAXED);
		max = __atomic_load_n(&n->max_wait_ns, __ATOMIC_RELAXED);
		while (dt > max && !__atomic_compare_exchange_n(&n->max_wait_ns, &max, dt, 0,
								 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		if (dt > max) {
			__atomic_store_n(&n->max_wait_stack, t->wait_stack, __ATOMIC_RELAXED);
			__atomic_store_n(&n->max_wait_tid, (uint32_t)t->tid, __ATOMIC_RELAXED);
		}
	}
	if (acquired)
		vigil_locks__push(c);
	SLOW_END();
}

int vigil_locks__holds(const struct vigil_lkcall *c, int *shared)
{
	const struct vigil_lthread *t = c->t;

	for (unsigned i = t->nheld; i-- > 0;)
		if (t->held[i].addr == c->addr) {
			if (shared)
				*shared = t->held[i].shared;
			return 1;
		}
	return 0;
}

int vigil_locks__released_inner(struct vigil_lkcall *c)
{
	struct vigil_lthread *t = c->t;

	for (unsigned i = t->nheld; i-- > 0;)
		if (t->held[i].addr == c->addr) {
			/* By hand: memmove here would be vigil's own interposer. */
			for (unsigned j = i + 1; j < t->nheld; j++)
				t->held[j - 1] = t->held[j];
			t->nheld--;
			return 1;
		}
	return 0;
}

void vigil_locks__retire(uintptr_t addr)
{
	SLOW_BEGIN();
	vigil_locktab__retire(addr);
	SLOW_END();
}

void vigil_locks__cond_wait_begin(struct vigil_lkcall *cond, uintptr_t mutex)
{
	struct vigil_lnode *n;
	struct vigil_lkcall m = *cond;
	SLOW_BEGIN();

	n = vigil_locktab__node(vigil_locktab__get(cond->addr, cond->kind, 1));
	if (n) {
		uintptr_t prev = __atomic_load_n(&n->cond_mutex, __ATOMIC_RELAXED);

		if (prev && prev != mutex && __atomic_load_n(&n->cond_waiters, __ATOMIC_RELAXED))
			vigil_locks__misuse(cond, VIGIL_FK_COND_WAIT_NOT_OWNER,
					    VIGIL_REASON_OTHER_MUTEX, 0, prev);
		__atomic_store_n(&n->cond_mutex, mutex, __ATOMIC_RELAXED);
		__atomic_add_fetch(&n->cond_waiters, 1, __ATOMIC_RELAXED);
		cond->t->cond_wait = cond->addr;
	}
	m.addr = mutex;
	vigil_locks__released(&m);
	SLOW_END();
}

void vigil_locks__cond_wait_end(struct vigil_lkcall *cond, uintptr_t mutex)
{
	struct vigil_lnode *n;
	struct vigil_lkcall m = *cond;
	SLOW_BEGIN();

	n = vigil_locktab__node(vigil_locktab__get(cond->addr, cond->kind, 0));
	if (n && cond->t->cond_wait)
		cond_left(n);
	cond->t->cond_wait = 0;
	m.addr = mutex;
	m.kind = cond->kind == VIGIL_LK_CND ? VIGIL_LK_MTX : VIGIL_LK_MUTEX;
	m.shared = 0;
	m.node = 0;
	vigil_locks__push(&m);
	SLOW_END();
}

void vigil_locks__cond_wake(uintptr_t cond, int all)
{
	struct vigil_lnode *n = vigil_locktab__node(vigil_locktab__get(cond, 0, 0));
	uint32_t waiters, woken;

	if (!n)
		return;
	waiters = __atomic_load_n(&n->cond_waiters, __ATOMIC_RELAXED);
	woken = __atomic_load_n(&n->cond_woken, __ATOMIC_RELAXED);
	if (woken < waiters)
		__atomic_store_n(&n->cond_woken, all ? waiters : woken + 1, __ATOMIC_RELAXED);
}

unsigned vigil_locks__cond_waiters(uintptr_t cond)
{
	struct vigil_lnode *n = vigil_locktab__node(vigil_locktab__get(cond, 0, 0));
	uint32_t waiters, woken;

	if (!n)
		return 0;
	waiters = __atomic_load_n(&n->cond_waiters, __ATOMIC_RELAXED);
	woken = __atomic_load_n(&n->cond_woken, __ATOMIC_RELAXED);
	return waiters > woken ? waiters - woken : 0;
}

static void report_contention(const struct vigil_lnode *n)
{
	struct vigil_fbuild f = {0};

	vigil_fb__stack(&f, n->max_wait_stack, n->max_wait_tid, VIGIL_ROLE_BLOCKED);
	vigil_fb__kv(&f, VIGIL_KEY_ADDR, n->addr);
	vigil_fb__kv(&f, VIGIL_KEY_LOCK_KIND, n->kind);
	vigil_fb__kv(&f, VIGIL_KEY_WAIT_NS, n->wait_ns);
	vigil_fb__kv(&f, VIGIL_KEY_WAITS, n->waits);
	vigil_fb__kv(&f, VIGIL_KEY_MAX_WAIT_NS, n->max_wait_ns);
	vigil_fb__emit(&f, VIGIL_FK_LOCK_CONTENTION, VIGIL_SEV_INFO);
}

void vigil_locks__at_exit(void)
{
	uint64_t min = (uint64_t)vigil_rt.opt.contention_ms * 1000000u;
	const struct vigil_lnode *top[TOP_CONTENDED];
	unsigned ntop = 0, count = vigil_locktab__count();

	/* The most waited-on locks over the threshold, longest total wait first. */
	for (uint32_t id = 1; id <= count; id++) {
		const struct vigil_lnode *n = vigil_locktab__node(id);
		unsigned at;

		if (!n || !n->waits || n->wait_ns < min)
			continue;
		for (at = ntop; at > 0 && top[at - 1]->wait_ns < n->wait_ns; at--)
			;
		if (at >= TOP_CONTENDED)
			continue;
		if (ntop < TOP_CONTENDED)
			ntop++;
		memmove(&top[at + 1], &top[at], (ntop - 1 - at) * sizeof(top[0]));
		top[at] = n;
	}
	for (unsigned i = 0; i < ntop; i++)
		report_contention(top[i]);
}

unsigned vigil_locks__stats(struct vigil_rec_kv *kv, unsigned max)
{
	uint64_t edges, overflow, gated, cut;
	unsigned n = 0;

	if (!pool || max < 8)
		return 0;
	vigil_lockorder__stats(&edges, &overflow, &gated, &cut);
#define KV(k, v) kv[n++] = (struct vigil_rec_kv){.key = (k), .value = (v)}
	KV(VIGIL_KEY_LOCKS, vigil_locktab__count());
	KV(VIGIL_KEY_LOCK_OVERFLOW, vigil_locktab__overflow());
	KV(VIGIL_KEY_LOCK_EDGES, edges);
	KV(VIGIL_KEY_EDGE_OVERFLOW, overflow);
	KV(VIGIL_KEY_GATED_CYCLES, gated);
	KV(VIGIL_KEY_CYCLE_SEARCHES_CUT, cut);
	KV(VIGIL_KEY_CONTENDED_WAITS, __atomic_load_n(&contended_waits, __ATOMIC_RELAXED));
	KV(VIGIL_KEY_CONTENDED_NS, __atomic_load_n(&contended_ns, __ATOMIC_RELAXED));
#undef KV
	return n;
}

void vigil_locks__fork_lock(void)
{
	vigil_lockorder__lock();
	vigil_locktab__lock();
	vigil_lock__acquire(&pool_lock);
}

void vigil_locks__fork_unlock(int child)
{
	if (child) {
		/* Only the forking thread lives on, under a new tid. */
		vigil_lock__reset(&pool_lock);
		for (unsigned i = 0; i < npool; i++)
			if (&pool[i] != vigil_lthread_me) {
				pool[i].tid = 0;
				pool[i].nheld = 0;
				pool[i].wait_addr = 0;
			}
		if (vigil_lthread_me)
			vigil_lthread_me->tid = vigil_gettid();
		nlive = vigil_lthread_me != NULL;
		vigil_deadlock__after_fork_child();
	} else {
		vigil_lock__release(&pool_lock);
	}
	vigil_locktab__unlock(child);
	vigil_lockorder__unlock(child);
}
