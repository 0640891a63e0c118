// SPDX-License-Identifier: MIT
/* Edges live in an open-addressed table keyed by (from, to), filled and never emptied,
 * so the common case - an edge seen before - is one lock-free probe. Each node lists
 * its outgoing edges; a cycle is searched for only when an edge is made (or loses a
 * gate), depth-first and bounded, under the graph lock. The finding is written after
 * the lock is dropped. */
#include <string.h>

#include "fbuild.h"
#include "ialloc.h"
#include "lock.h"
#include "lockorder.h"
#include "locktab.h"
#include "vigil/finding.h"

#define DEPTH_MAX 16
#define WORK_MAX 4096 /* edges a cycle search may try */

struct edge {
	uint32_t from, to;
	uint32_t next_out; /* next edge leaving `from` */
	uint32_t acq_stack, held_stack, tid;
	uint8_t multi;     /* taken by more than one thread */
	uint8_t from_shared, to_shared; /* only ever held / taken for reading */
	uint8_t held_exact; /* held_stack was captured when `from` was taken */
	uint8_t ngates;
	uint32_t gates[VIGIL_GATES_MAX];
};

static struct edge *edges; /* [1..cap] */
static uint32_t *slots;
static uint32_t cap, mask, used, epoch;
static uint64_t overflow, gated, searches_cut;
static vigil_lock_t lock;

int vigil_lockorder__init(unsigned max_edges)
{
	uint32_t n = 16;

	while (n < 2 * max_edges)
		n <<= 1;
	edges = vigil_ialloc(sizeof(*edges) * ((size_t)max_edges + 1));
	slots = vigil_ialloc(sizeof(*slots) * n);
	if (!edges || !slots)
		return -1;
	cap = max_edges;
	mask = n - 1;
	return 0;
}

static inline uint32_t hash(uint32_t from, uint32_t to)
{
	uint64_t h = (((uint64_t)from << 32) | to) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32);
}

static uint32_t find(uint32_t from, uint32_t to, uint32_t *free_slot)
{
	for (uint32_t i = hash(from, to) & mask, n = 0; n <= mask; i = (i + 1) & mask, n++) {
		uint32_t id = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);

		if (!id) {
			*free_slot = i;
			return 0;
		}
		if (edges[id].from == from && edges[id].to == to)
			return id;
	}
	*free_slot = ~0u;
	return 0;
}

struct cycle {
	uint32_t edge[DEPTH_MAX + 1];
	unsigned n;
};

/* A cycle all of whose edges were taken under one common lock cannot deadlock. */
static int is_gated(const struct cycle *c)
{
	const struct edge *e0 = &edges[c->edge[0]];

	for (unsigned g = 0; g < e0->ngates; g++) {
		unsigned in_all = 1;

		for (unsigned i = 1; i < c->n && in_all; i++) {
			const struct edge *e = &edges[c->edge[i]];
			unsigned found = 0;

			for (unsigned k = 0; k < e->ngates; k++)
				found |= e->gates[k] == e0->gates[g];
			in_all = found;
		}
		if (in_all)
			return 1;
	}
	return 0;
}

/* Nor can one that passes through a reader-preferring rwlock taken for reading
 * while another thread holds it for reading: that acquisition never waits. */
static int passes_readers(const struct cycle *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		const struct edge *in = &edges[c->edge[i]], *out = &edges[c->edge[(i + 1) % c->n]];
		const struct vigil_lnode *x = vigil_locktab__node(in->to);

		if (in->to_shared && out->from_shared && x && x->readers_first)
			return 1;
	}
	return 0;
}

static int harmless(const struct cycle *c)
{
	return is_gated(c) || passes_readers(c);
}

/* Any path from the closing edge's target back to its source, each node visited
 * once: time linear in the edges, so a cycle within DEPTH_MAX is never missed for
 * lack of budget. */
static int reach(uint32_t closing, struct cycle *c)
{
	uint32_t cursor[DEPTH_MAX];
	uint32_t goal = edges[closing].from;
	unsigned d = 0;
	struct vigil_lnode *n = vigil_locktab__node(edges[closing].to);

	if (!n)
		return 0;
	epoch++;
	n->visit = epoch;
	cursor[0] = n->first_out;
	c->edge[0] = closing;
	for (;;) {
		uint32_t e = cursor[d];

		if (!e) {
			if (!d)
				return 0;
			d--;
			continue;
		}
		cursor[d] = edges[e].next_out;
		c->edge[d + 1] = e;
		if (edges[e].to == goal) {
			c->n = d + 2;
			return 1;
		}
		n = vigil_locktab__node(edges[e].to);
		if (!n || n->visit == epoch || d + 1 >= DEPTH_MAX)
			continue;
		n->visit = epoch;
		cursor[++d] = n->first_out;
	}
}

/* The simple paths one by one (a node leaves the path when the search backs out of
 * it), for when the cycles found so far were harmless: another path may not be.
 * Bounded in work; *cut is set when the budget ran out. */
static int enumerate(uint32_t closing, struct cycle *c, int *cut)
{
	uint32_t cursor[DEPTH_MAX];
	uint32_t goal = edges[closing].from;
	unsigned d = 0, budget = WORK_MAX;
	struct vigil_lnode *n = vigil_locktab__node(edges[closing].to);

	if (!n)
		return 0;
	epoch++;
	n->visit = epoch; /* on the current path */
	cursor[0] = n->first_out;
	c->edge[0] = closing;
	for (;;) {
		uint32_t e = cursor[d];

		if (!e) {
			if (!d)
				return 0;
			n = vigil_locktab__node(edges[c->edge[d]].to);
			if (n)
				n->visit = 0;
			d--;
			continue;
		}
		if (!budget--) {
			*cut = 1;
			return 0;
		}
		cursor[d] = edges[e].next_out;
		c->edge[d + 1] = e;
		if (edges[e].to == goal) {
			c->n = d + 2;
			if (!harmless(c))
				return 1;
			continue;
		}
		n = vigil_locktab__node(edges[e].to);
		if (!n || n->visit == epoch || d + 1 >= DEPTH_MAX)
			continue;
		n->visit = epoch;
		cursor[++d] = n->first_out;
	}
}

/* A cycle through the closing edge that can deadlock, kept in c; under the graph
 * lock. *harmless_seen: a cycle was found, but only ones that cannot deadlock. */
static int search(uint32_t closing, struct cycle *c, unsigned *harmless_seen)
{
	uint32_t slot, rev = find(edges[closing].to, edges[closing].from, &slot);
	int cut = 0;

	/* The two-lock inversion, the common one: a single probe. */
	if (rev) {
		c->edge[0] = closing;
		c->edge[1] = rev;
		c->n = 2;
		if (!harmless(c))
			return 1;
		++*harmless_seen;
	}
	if (!reach(closing, c))
		return 0;
	if (!harmless(c))
		return 1;
	++*harmless_seen;
	if (enumerate(closing, c, &cut))
		return 1;
	searches_cut += cut;
	return 0;
}

/* Under the lock: the cycle closed by edge id, copied into f; 1 when threads took its
 * edges, 2 when only one thread ever did, 0 when there is none. */
static int check_cycle(uint32_t id, struct vigil_fbuild *f)
{
	const struct edge *e = &edges[id];
	struct cycle c;
	unsigned single = 1, harmless = 0;
	const struct vigil_lnode *to = vigil_locktab__node(e->to);
	const struct vigil_lnode *from = vigil_locktab__node(e->from);

	if (!search(id, &c, &harmless)) {
		if (harmless)
			gated++;
		return 0;
	}
	for (unsigned i = 0; i < c.n; i++) {
		const struct edge *x = &edges[c.edge[i]];

		vigil_fb__stack(f, x->acq_stack, x->tid, VIGIL_ROLE_ACQUIRE);
		vigil_fb__stack(f, x->held_stack, x->tid, VIGIL_ROLE_HELD);
		single &= !x->multi && x->tid == e->tid;
	}
	vigil_fb__kv(f, VIGIL_KEY_ADDR, to ? to->addr : 0);
	vigil_fb__kv(f, VIGIL_KEY_OTHER_ADDR, from ? from->addr : 0);
	vigil_fb__kv(f, VIGIL_KEY_LOCK_KIND, to ? to->kind : 0);
	vigil_fb__kv(f, VIGIL_KEY_CYCLE_LOCKS, c.n);
	vigil_fb__kv(f, VIGIL_KEY_SINGLE_THREAD, single);
	return single ? 2 : 1;
}

static unsigned intersect(uint32_t *set, unsigned n, const uint32_t *with, unsigned nwith)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < nwith; j++)
			if (set[i] == with[j]) {
				set[k++] = set[i];
				break;
			}
	return k;
}

void vigil_lockorder__edge(uint32_t from, uint32_t to, unsigned flags, uint32_t held_exact,
			   const uint32_t *gates, unsigned ngates,
			   void (*make_stacks)(void *arg, uint32_t *acq, uint32_t *held),
			   void *arg)
{
	struct vigil_fbuild f; /* filled only for a report: zeroing it costs more than a lookup */
	uint32_t id, slot, acq = 0, held = 0, tid = (uint32_t)vigil_gettid();
	struct vigil_lnode *n;
	unsigned k;
	int report = 0;

	if (!slots || !from || !to || from == to)
		return;
	f.ns = f.nkv = 0;
	if (ngates > VIGIL_GATES_MAX)
		ngates = VIGIL_GATES_MAX;
	id = find(from, to, &slot);
	if (id) {
		struct edge *e = &edges[id];

		if (!__atomic_load_n(&e->multi, __ATOMIC_RELAXED) && e->tid != tid)
			__atomic_store_n(&e->multi, 1, __ATOMIC_RELAXED);
		/* The edge was made with a rebuilt held stack; this time `from` was
		 * taken as a known outer lock, with its own. */
		if (held_exact && !__atomic_load_n(&e->held_exact, __ATOMIC_RELAXED)) {
			__atomic_store_n(&e->held_stack, held_exact, __ATOMIC_RELAXED);
			__atomic_store_n(&e->held_exact, 1, __ATOMIC_RELAXED);
		}
		if (!__atomic_load_n(&e->ngates, __ATOMIC_RELAXED) &&
		    !(e->from_shared && !(flags & VIGIL_EDGE_FROM_SHARED)) &&
		    !(e->to_shared && !(flags & VIGIL_EDGE_TO_SHARED)))
			return;
		/* Taken now without one of its gates, or exclusively where it was only
		 * ever shared: what made a cycle through it harmless may be gone. */
		vigil_lock__acquire(&lock);
		k = intersect(e->gates, e->ngates, gates, ngates);
		if (k < e->ngates || (e->from_shared && !(flags & VIGIL_EDGE_FROM_SHARED)) ||
		    (e->to_shared && !(flags & VIGIL_EDGE_TO_SHARED))) {
			e->ngates = (uint8_t)k;
			e->from_shared &= !!(flags & VIGIL_EDGE_FROM_SHARED);
			e->to_shared &= !!(flags & VIGIL_EDGE_TO_SHARED);
			report = check_cycle(id, &f);
		}
		vigil_lock__release(&lock);
		goto out;
	}
	make_stacks(arg, &acq, &held);
	vigil_lock__acquire(&lock);
	id = find(from, to, &slot);
	n = vigil_locktab__node(from);
	if (!id && (slot == ~0u || used >= cap || !n)) {
		overflow++;
	} else if (!id) {
		struct edge *e = &edges[++used];

		*e = (struct edge){.from = from, .to = to, .next_out = n->first_out,
				   .acq_stack = acq, .held_stack = held, .tid = tid,
				   .held_exact = held_exact != 0,
				   .from_shared = !!(flags & VIGIL_EDGE_FROM_SHARED),
				   .to_shared = !!(flags & VIGIL_EDGE_TO_SHARED),
				   .ngates = (uint8_t)ngates};
		memcpy(e->gates, gates, ngates * sizeof(gates[0]));
		n->first_out = used;
		if (vigil_locktab__node(to))
			vigil_locktab__node(to)->in_edges++;
		__atomic_store_n(&slots[slot], used, __ATOMIC_RELEASE);
		report = check_cycle(used, &f);
	}
	vigil_lock__release(&lock);
out:
	/* One thread alone cannot deadlock with itself this way, and a lock's identity
	 * may be confused when its memory is reused without init or free (an object
	 * pool): a warning until a second thread takes part. */
	if (report)
		vigil_fb__emit(&f, VIGIL_FK_LOCK_ORDER_INVERSION,
			       report == 2 ? VIGIL_SEV_WARNING : VIGIL_SEV_ERROR);
}

void vigil_lockorder__stats(uint64_t *e, uint64_t *o, uint64_t *g, uint64_t *cut)
{
	*e = used;
	*o = overflow;
	*g = gated;
	*cut = searches_cut;
}

void vigil_lockorder__lock(void)
{
	vigil_lock__acquire(&lock);
}

void vigil_lockorder__unlock(int reset)
{
	if (reset)
		vigil_lock__reset(&lock);
	else
		vigil_lock__release(&lock);
}
