// SPDX-License-Identifier: MIT
/* Snapshots walk the heap table shard by shard (allocation goes on meanwhile) and
 * add up live bytes per allocation stack. The largest sites are followed: each keeps
 * one point per snapshot, up to MAX_POINTS; when the arrays fill, every other point
 * is dropped and the period doubles, so a run of any length keeps a full curve. */
#include <sched.h>
#include <string.h>

#include "emit.h"
#include "growth.h"
#include "heap.h"
#include "ialloc.h"
#include "lock.h"
#include "rt.h"
#include "stack.h"
#include "vigil/finding.h"

#define MAX_SITES 128
#define MAX_POINTS 64
#define MIN_POINTS 6
#define MIN_SITE_BYTES (64u << 10)  /* smaller sites are not followed */
#define MIN_GROWTH (1u << 20)       /* reported growth: at least 1 MiB ... */
#define MIN_RATIO 2                 /* ... and at least doubled */

struct site {
	uint32_t stack;
	unsigned first;               /* index of its first point */
	uint64_t bytes[MAX_POINTS];
};

static struct site sites[MAX_SITES];
static unsigned nsites;
static uint64_t t_ms[MAX_POINTS];
static unsigned npoints;
static uint64_t period_ns, next_due, start_ns;
static int busy;

struct agg {
	uint32_t *stack;
	uint64_t *bytes;
	unsigned cap;
};

static void add(const struct vigil_block *b, void *arg)
{
	struct agg *a = arg;
	unsigned h;

	if (b->state != VIGIL_BLOCK_LIVE || !b->stack)
		return;
	for (h = (b->stack * 0x9e3779b1u) & (a->cap - 1); a->stack[h] && a->stack[h] != b->stack;
	     h = (h + 1) & (a->cap - 1))
		;
	a->stack[h] = b->stack;
	a->bytes[h] += b->size;
}

static uint64_t lookup(const struct agg *a, uint32_t stack)
{
	for (unsigned h = (stack * 0x9e3779b1u) & (a->cap - 1); a->stack[h];
	     h = (h + 1) & (a->cap - 1))
		if (a->stack[h] == stack)
			return a->bytes[h];
	return 0;
}

static void decimate(void)
{
	for (unsigned i = 0; i < MAX_POINTS / 2; i++)
		t_ms[i] = t_ms[2 * i];
	for (unsigned s = 0; s < nsites; s++) {
		for (unsigned i = 0; i < MAX_POINTS / 2; i++)
			sites[s].bytes[i] = sites[s].bytes[2 * i];
		sites[s].first /= 2;
	}
	npoints = MAX_POINTS / 2;
	period_ns *= 2;
}

static void snapshot(uint64_t now)
{
	struct agg a;
	unsigned stacks = vigil_stacktab__count(vigil_stacks);

	a.cap = 64;
	while (a.cap < 2 * stacks + 64)
		a.cap *= 2;
	a.stack = vigil_ialloc(a.cap * sizeof(*a.stack));
	a.bytes = vigil_ialloc(a.cap * sizeof(*a.bytes));
	if (a.stack && a.bytes) {
		vigil_heaptab__foreach(vigil_heap, add, &a);
		if (npoints == MAX_POINTS)
			decimate();
		t_ms[npoints] = (now - start_ns) / 1000000;
		for (unsigned s = 0; s < nsites; s++)
			sites[s].bytes[npoints] = lookup(&a, sites[s].stack);
		/* Follow new big sites from now on. */
		for (unsigned h = 0; h < a.cap && nsites < MAX_SITES; h++) {
			unsigned s;
			if (!a.stack[h] || a.bytes[h] < MIN_SITE_BYTES)
				continue;
			for (s = 0; s < nsites && sites[s].stack != a.stack[h]; s++)
				;
			if (s < nsites)
				continue;
			memset(&sites[nsites], 0, sizeof(sites[nsites]));
			sites[nsites].stack = a.stack[h];
			sites[nsites].first = npoints;
			sites[nsites].bytes[npoints] = a.bytes[h];
			nsites++;
		}
		npoints++;
	}
	if (a.stack)
		vigil_ifree(a.stack, a.cap * sizeof(*a.stack));
	if (a.bytes)
		vigil_ifree(a.bytes, a.cap * sizeof(*a.bytes));
}

void vigil_growth__tick(void)
{
	uint64_t now = vigil_now_ns();

	if (!period_ns) {
		/* First call: the clock starts now. Races only repeat these stores. */
		period_ns = (uint64_t)vigil_rt.opt.growth_interval_ms * 1000000;
		start_ns = now;
		__atomic_store_n(&next_due, now + period_ns, __ATOMIC_RELEASE);
		return;
	}
	if (now < __atomic_load_n(&next_due, __ATOMIC_ACQUIRE) ||
	    __atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		return;
	vigil_guard__enter();
	snapshot(now);
	vigil_guard__leave();
	__atomic_store_n(&next_due, now + period_ns, __ATOMIC_RELEASE);
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

/* Steady growth: enough points, most steps up, at least doubled and by MIN_GROWTH,
 * and still near its peak at the last point (not a burst that was freed). */
static int grew(const struct site *s)
{
	unsigned n = npoints - s->first, ups = 0;
	uint64_t first, last, peak = 0;

	if (n < MIN_POINTS)
		return 0;
	first = s->bytes[s->first];
	last = s->bytes[npoints - 1];
	for (unsigned i = s->first; i < npoints; i++) {
		if (i > s->first && s->bytes[i] > s->bytes[i - 1])
			ups++;
		if (s->bytes[i] > peak)
			peak = s->bytes[i];
	}
	return ups * 4 >= (n - 1) * 3 && last >= first * MIN_RATIO && last - first >= MIN_GROWTH &&
	       last * 10 >= peak * 9;
}

void vigil_growth__report(void)
{
	/* Wait out a snapshot another thread may be taking; none starts after. */
	while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		sched_yield();
	for (unsigned s = 0; s < nsites; s++) {
		struct vigil_rec_fstack st = {.stack_id = sites[s].stack,
					      .role = VIGIL_ROLE_ALLOCATION};
		struct vigil_rec_kv kv[2 + 2 * MAX_POINTS];
		unsigned nkv = 0;

		if (!grew(&sites[s]))
			continue;
		kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_BYTES,
						  .value = sites[s].bytes[npoints - 1]};
		for (unsigned i = sites[s].first; i < npoints && nkv + 2 <= 2 + 2 * MAX_POINTS; i++) {
			kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_SERIES_T_MS, .value = t_ms[i]};
			kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_SERIES_BYTES,
							  .value = sites[s].bytes[i]};
		}
		vigil_emit__finding(VIGIL_FK_HEAP_GROWTH, VIGIL_SEV_WARNING, 1, &st, 1, kv, nkv);
	}
}

void vigil_growth__after_fork_child(void)
{
	nsites = 0;
	npoints = 0;
	period_ns = 0;
	busy = 0;
}
