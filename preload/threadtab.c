// SPDX-License-Identifier: MIT
/* The thread table: bounded, one lock (thread creation and joins are rare next to
 * locks and allocations), a hash on pthread_t. A joined thread, or a detached one
 * that has exited, stays until its handle is reused or the table needs the room: it
 * is what tells a second join from a first. */
#include <errno.h>
#include <string.h>

#include "ialloc.h"
#include "lock.h"
#include "threadtab.h"
#include "vigil/finding.h"

enum state {
	ST_JOINABLE = 1,
	ST_DETACHED,
	ST_JOINED,
};

struct entry {
	uint64_t th;       /* 0 until known */
	uint64_t done_seq; /* when it was joined or detached: the oldest go first */
	uint32_t gen;      /* 0: free */
	uint32_t next;     /* hash chain, or free list: index + 1, 0 ends it */
	uint32_t create_stack, create_tid, tid;
	uint32_t end_stack, end_tid;   /* the join or detach that ended it */
	uint32_t join_stack, join_tid; /* the join in progress */
	uint8_t state, exited, joining, hashed;
};

struct vigil_thrtab {
	vigil_lock_t lock;
	unsigned max, nused, nbuckets;
	uint32_t free_head;
	uint32_t gen;
	uint64_t seq, created, overflow;
	size_t size;
	uint32_t *buckets;
	struct entry *e;
};

struct vigil_thrtab *vigil_thrtab__new(unsigned max)
{
	struct vigil_thrtab *t;
	unsigned nb = 1;
	size_t size;

	if (!max)
		return NULL;
	while (nb < max)
		nb <<= 1;
	size = sizeof(*t) + nb * sizeof(uint32_t) + (size_t)max * sizeof(struct entry);
	t = vigil_ialloc(size);
	if (!t)
		return NULL;
	t->size = size;
	t->max = max;
	t->nbuckets = nb;
	t->buckets = (uint32_t *)(t + 1);
	t->e = (struct entry *)(t->buckets + nb);
	return t;
}

void vigil_thrtab__free(struct vigil_thrtab *t)
{
	if (t)
		vigil_ifree(t, t->size);
}

static unsigned bucket_of(const struct vigil_thrtab *t, uint64_t th)
{
	return (unsigned)((th * 0x9e3779b97f4a7c15ull) >> 32) & (t->nbuckets - 1);
}

static struct entry *get(struct vigil_thrtab *t, struct vigil_thr_ref ref)
{
	if (!ref.gen || ref.idx >= t->nused || t->e[ref.idx].gen != ref.gen)
		return NULL;
	return &t->e[ref.idx];
}

static int find_locked(struct vigil_thrtab *t, uint64_t th)
{
	for (uint32_t i = t->buckets[bucket_of(t, th)]; i; i = t->e[i - 1].next)
		if (t->e[i - 1].th == th)
			return (int)(i - 1);
	return -1;
}

static void unhash(struct vigil_thrtab *t, unsigned idx)
{
	uint32_t *p = &t->buckets[bucket_of(t, t->e[idx].th)];

	while (*p && *p != idx + 1)
		p = &t->e[*p - 1].next;
	if (*p)
		*p = t->e[idx].next;
	t->e[idx].hashed = 0;
}

static void release(struct vigil_thrtab *t, unsigned idx)
{
	struct entry *e = &t->e[idx];

	if (e->hashed)
		unhash(t, idx);
	e->gen = 0;
	e->next = t->free_head;
	t->free_head = idx + 1;
}

static int finished(const struct entry *e)
{
	return e->gen && (e->state == ST_JOINED || (e->state == ST_DETACHED && e->exited));
}

/* Makes room by forgetting finished threads: those that finished before the newest
 * max/2, or all of them if that frees nothing. A second join of a thread forgotten
 * so goes unreported; the threads that still need an entry are never forgotten. */
static void evict(struct vigil_thrtab *t)
{
	uint64_t keep = t->max / 2, below = t->seq > keep ? t->seq - keep : 0;
	int freed = 0;

	for (int pass = 0; pass < 2 && !freed; pass++) {
		for (unsigned i = 0; i < t->nused; i++)
			if (finished(&t->e[i]) && (pass || t->e[i].done_seq <= below)) {
				release(t, i);
				freed = 1;
			}
	}
}

static int take(struct vigil_thrtab *t)
{
	uint32_t i;

	if (!t->free_head && t->nused < t->max)
		return (int)t->nused++;
	if (!t->free_head)
		evict(t);
	i = t->free_head;
	if (!i)
		return -1;
	t->free_head = t->e[i - 1].next;
	return (int)(i - 1);
}

int vigil_thrtab__add(struct vigil_thrtab *t, uint32_t create_stack, uint32_t create_tid,
		      int detached, struct vigil_thr_ref *ref)
{
	struct entry *e;
	int i;

	vigil_lock__acquire(&t->lock);
	i = take(t);
	if (i < 0) {
		t->overflow++;
		vigil_lock__release(&t->lock);
		*ref = (struct vigil_thr_ref){0, 0};
		return -ENOSPC;
	}
	e = &t->e[i];
	memset(e, 0, sizeof(*e));
	if (!++t->gen)
		t->gen = 1;
	e->gen = t->gen;
	e->state = detached ? ST_DETACHED : ST_JOINABLE;
	if (detached)
		e->done_seq = ++t->seq;
	e->create_stack = create_stack;
	e->create_tid = create_tid;
	t->created++;
	*ref = (struct vigil_thr_ref){(uint32_t)i, e->gen};
	vigil_lock__release(&t->lock);
	return 0;
}

void vigil_thrtab__cancel(struct vigil_thrtab *t, struct vigil_thr_ref ref)
{
	vigil_lock__acquire(&t->lock);
	if (get(t, ref)) {
		release(t, ref.idx);
		t->created--;
	}
	vigil_lock__release(&t->lock);
}

/* An older entry with the same handle belongs to a thread glibc is done with (joined,
 * or detached and exited): the handle is now this thread's. */
static void set_handle_locked(struct vigil_thrtab *t, unsigned idx, uint64_t th)
{
	struct entry *e = &t->e[idx];
	uint32_t *b;
	int old;

	if (e->hashed || !th)
		return;
	old = find_locked(t, th);
	if (old >= 0)
		release(t, (unsigned)old);
	e->th = th;
	b = &t->buckets[bucket_of(t, th)];
	e->next = *b;
	*b = idx + 1;
	e->hashed = 1;
}

/* A thread that has not started is blocked on this lock in started() before its
 * first line of the program's code: it cannot have freed *th yet. */
void vigil_thrtab__set_handle(struct vigil_thrtab *t, struct vigil_thr_ref ref,
			      const uint64_t *th)
{
	struct entry *e;

	vigil_lock__acquire(&t->lock);
	e = get(t, ref);
	if (e && !e->hashed)
		set_handle_locked(t, ref.idx, *th);
	vigil_lock__release(&t->lock);
}

void vigil_thrtab__started(struct vigil_thrtab *t, struct vigil_thr_ref ref, uint64_t th,
			   uint32_t tid)
{
	struct entry *e;

	vigil_lock__acquire(&t->lock);
	e = get(t, ref);
	if (e) {
		set_handle_locked(t, ref.idx, th);
		e->tid = tid;
	}
	vigil_lock__release(&t->lock);
}

void vigil_thrtab__exited(struct vigil_thrtab *t, struct vigil_thr_ref ref)
{
	struct entry *e;

	vigil_lock__acquire(&t->lock);
	e = get(t, ref);
	if (e)
		e->exited = 1;
	vigil_lock__release(&t->lock);
}

unsigned vigil_thrtab__join_begin(struct vigil_thrtab *t, uint64_t th, uint32_t stack,
				  uint32_t tid, struct vigil_thr_join *j,
				  struct vigil_thr_misuse *m)
{
	unsigned reason = 0;
	struct entry *e;
	int i;

	*j = (struct vigil_thr_join){{0, 0}, 0};
	vigil_lock__acquire(&t->lock);
	i = find_locked(t, th);
	if (i < 0) {
		vigil_lock__release(&t->lock);
		return 0;
	}
	e = &t->e[i];
	j->ref = (struct vigil_thr_ref){(uint32_t)i, e->gen};
	*m = (struct vigil_thr_misuse){.create_stack = e->create_stack,
				       .create_tid = e->create_tid,
				       .other_stack = e->end_stack,
				       .other_tid = e->end_tid};
	switch ((enum state)e->state) {
	case ST_JOINED:
		reason = VIGIL_REASON_JOINED_TWICE;
		break;
	case ST_DETACHED:
		reason = VIGIL_REASON_JOIN_DETACHED;
		break;
	case ST_JOINABLE:
		if (e->joining) {
			reason = VIGIL_REASON_JOINED_TWICE;
			m->other_stack = e->join_stack;
			m->other_tid = e->join_tid;
			break;
		}
		e->joining = 1;
		e->join_stack = stack;
		e->join_tid = tid;
		j->counted = 1;
		break;
	}
	vigil_lock__release(&t->lock);
	return reason;
}

void vigil_thrtab__join_end(struct vigil_thrtab *t, const struct vigil_thr_join *j, int joined,
			    uint32_t stack, uint32_t tid)
{
	struct entry *e;

	vigil_lock__acquire(&t->lock);
	e = get(t, j->ref);
	if (e) {
		if (j->counted)
			e->joining = 0;
		if (joined) {
			e->state = ST_JOINED;
			e->exited = 1;
			e->end_stack = stack;
			e->end_tid = tid;
			e->done_seq = ++t->seq;
		}
	}
	vigil_lock__release(&t->lock);
}

struct vigil_thr_ref vigil_thrtab__find(struct vigil_thrtab *t, uint64_t th)
{
	struct vigil_thr_ref ref = {0, 0};
	int i;

	vigil_lock__acquire(&t->lock);
	i = find_locked(t, th);
	if (i >= 0)
		ref = (struct vigil_thr_ref){(uint32_t)i, t->e[i].gen};
	vigil_lock__release(&t->lock);
	return ref;
}

void vigil_thrtab__detached(struct vigil_thrtab *t, struct vigil_thr_ref ref, uint32_t stack,
			    uint32_t tid)
{
	struct entry *e;

	vigil_lock__acquire(&t->lock);
	e = get(t, ref);
	if (e && e->state == ST_JOINABLE) {
		e->state = ST_DETACHED;
		e->end_stack = stack;
		e->end_tid = tid;
		e->done_seq = ++t->seq;
	}
	vigil_lock__release(&t->lock);
}

unsigned vigil_thrtab__leaks(struct vigil_thrtab *t, uint32_t self_tid,
			     struct vigil_thr_leak *out, unsigned max)
{
	unsigned n = 0, k;

	vigil_lock__acquire(&t->lock);
	for (unsigned i = 0; i < t->nused; i++) {
		const struct entry *e = &t->e[i];

		if (!e->gen || e->state != ST_JOINABLE || e->joining ||
		    (e->tid && e->tid == self_tid))
			continue;
		for (k = 0; k < n && out[k].create_stack != e->create_stack; k++)
			;
		if (k == n) {
			if (n == max)
				continue;
			out[n++] = (struct vigil_thr_leak){.create_stack = e->create_stack,
							   .create_tid = e->create_tid};
		}
		out[k].threads++;
		out[k].running += !e->exited;
	}
	vigil_lock__release(&t->lock);
	return n;
}

void vigil_thrtab__stats(struct vigil_thrtab *t, uint64_t *created, uint64_t *overflow)
{
	vigil_lock__acquire(&t->lock);
	*created = t->created;
	*overflow = t->overflow;
	vigil_lock__release(&t->lock);
}

void vigil_thrtab__lock(struct vigil_thrtab *t)
{
	vigil_lock__acquire(&t->lock);
}

void vigil_thrtab__unlock(struct vigil_thrtab *t)
{
	vigil_lock__release(&t->lock);
}

/* The generation counter goes on: a reference the forking thread kept never
 * matches an entry made in the child. */
void vigil_thrtab__reset_after_fork(struct vigil_thrtab *t)
{
	vigil_lock__reset(&t->lock);
	memset(t->buckets, 0, t->nbuckets * sizeof(uint32_t));
	t->nused = 0;
	t->free_head = 0;
	t->created = 0;
	t->overflow = 0;
}
