// SPDX-License-Identifier: MIT
/* Snapshots add up a quantity per stack (the heap: live bytes of the blocks each
 * allocation stack made, walking the heap table shard by shard while allocation goes
 * on). The largest sites are followed: each keeps one point per snapshot, up to
 * VIGIL_GROWTH_POINTS; when the arrays fill, every other point is dropped and the
 * period doubles, so a run of any length keeps a full curve. */
#include <sched.h>
#include <string.h>

#include "emit.h"
#include "growth.h"
#include "heap.h"
#include "ialloc.h"
#include "rt.h"
#include "series.h"
#include "stack.h"
#include "vigil/finding.h"

#define MIN_POINTS 6
#define MIN_RATIO 2

struct vigil_growth_agg {
	uint32_t *stack;
	uint64_t *v;
	unsigned cap;
};

void vigil_growth__add(struct vigil_growth_agg *a, uint32_t stack, uint64_t v)
{
	unsigned h;

	if (!stack)
		return;
	for (h = (stack * 0x9e3779b1u) & (a->cap - 1); a->stack[h] && a->stack[h] != stack;
	     h = (h + 1) & (a->cap - 1))
		;
	a->stack[h] = stack;
	a->v[h] += v;
}

static uint64_t lookup(const struct vigil_growth_agg *a, uint32_t stack)
{
	for (unsigned h = (stack * 0x9e3779b1u) & (a->cap - 1); a->stack[h];
	     h = (h + 1) & (a->cap - 1))
		if (a->stack[h] == stack)
			return a->v[h];
	return 0;
}

static void decimate(struct vigil_growth *g)
{
	for (unsigned i = 0; i < VIGIL_GROWTH_POINTS / 2; i++)
		g->t_ms[i] = g->t_ms[2 * i];
	for (unsigned s = 0; s < g->nsites; s++) {
		for (unsigned i = 0; i < VIGIL_GROWTH_POINTS / 2; i++)
			g->sites[s].v[i] = g->sites[s].v[2 * i];
		g->sites[s].first /= 2;
	}
	g->npoints = VIGIL_GROWTH_POINTS / 2;
	g->period_ns *= 2;
}

static void snapshot(struct vigil_growth *g, uint64_t now)
{
	struct vigil_growth_agg a;
	unsigned stacks = vigil_stacktab__count(vigil_stacks);

	/* Every site is a stack: twice the stacks there are holds them all. */
	a.cap = 64;
	while (a.cap < 2 * stacks + 64)
		a.cap *= 2;
	a.stack = vigil_ialloc(a.cap * sizeof(*a.stack));
	a.v = vigil_ialloc(a.cap * sizeof(*a.v));
	if (a.stack && a.v) {
		g->collect(&a);
		if (g->npoints == VIGIL_GROWTH_POINTS)
			decimate(g);
		g->t_ms[g->npoints] = (now - g->start_ns) / 1000000;
		for (unsigned s = 0; s < g->nsites; s++)
			g->sites[s].v[g->npoints] = lookup(&a, g->sites[s].stack);
		/* Follow new big sites from now on. */
		for (unsigned h = 0; h < a.cap && g->nsites < VIGIL_GROWTH_SITES; h++) {
			struct vigil_growth_site *site;
			unsigned s;

			if (!a.stack[h] || a.v[h] < g->min_site)
				continue;
			for (s = 0; s < g->nsites && g->sites[s].stack != a.stack[h]; s++)
				;
			if (s < g->nsites)
				continue;
			site = &g->sites[g->nsites++];
			memset(site, 0, sizeof(*site));
			site->stack = a.stack[h];
			site->first = g->npoints;
			site->v[g->npoints] = a.v[h];
		}
		g->npoints++;
	}
	if (a.stack)
		vigil_ifree(a.stack, a.cap * sizeof(*a.stack));
	if (a.v)
		vigil_ifree(a.v, a.cap * sizeof(*a.v));
}

void vigil_growth__tick_of(struct vigil_growth *g)
{
	uint64_t now = vigil_now_ns();

	vigil_series__tick(now);
	if (!g->period_ns) {
		/* First call: the clock starts now. Races only repeat these stores. */
		g->period_ns = (uint64_t)vigil_rt.opt.growth_interval_ms * 1000000;
		g->start_ns = now;
		__atomic_store_n(&g->next_due, now + g->period_ns, __ATOMIC_RELEASE);
		return;
	}
	if (now < __atomic_load_n(&g->next_due, __ATOMIC_ACQUIRE) ||
	    __atomic_exchange_n(&g->busy, 1, __ATOMIC_ACQUIRE))
		return;
	vigil_guard__enter();
	snapshot(g, now);
	vigil_guard__leave();
	__atomic_store_n(&g->next_due, now + g->period_ns, __ATOMIC_RELEASE);
	__atomic_store_n(&g->busy, 0, __ATOMIC_RELEASE);
}

/* Steady growth: enough points, most steps up, at least doubled and by min_growth,
 * and still near its peak at the last point (not a burst that was released). */
static int grew(const struct vigil_growth *g, const struct vigil_growth_site *s)
{
	unsigned n = g->npoints - s->first, ups = 0;
	uint64_t first, last, peak = 0;

	if (n < MIN_POINTS)
		return 0;
	first = s->v[s->first];
	last = s->v[g->npoints - 1];
	for (unsigned i = s->first; i < g->npoints; i++) {
		if (i > s->first && s->v[i] > s->v[i - 1])
			ups++;
		if (s->v[i] > peak)
			peak = s->v[i];
	}
	return ups * 4 >= (n - 1) * 3 && last >= first * MIN_RATIO &&
	       last - first >= g->min_growth && last * 10 >= peak * 9;
}

void vigil_growth__report_of(struct vigil_growth *g)
{
	/* Wait out a snapshot another thread may be taking; none starts after. */
	while (__atomic_exchange_n(&g->busy, 1, __ATOMIC_ACQUIRE))
		sched_yield();
	for (unsigned s = 0; s < g->nsites; s++) {
		const struct vigil_growth_site *site = &g->sites[s];

		if (grew(g, site))
			g->report(&(struct vigil_growth_curve){
				.stack = site->stack, .n = g->npoints - site->first,
				.t_ms = g->t_ms + site->first, .v = site->v + site->first});
	}
}

void vigil_growth__reset(struct vigil_growth *g)
{
	g->nsites = 0;
	g->npoints = 0;
	g->period_ns = 0;
	g->busy = 0;
}

/* heap-growth: live bytes per allocation stack. */

#define HEAP_MIN_SITE_BYTES (64u << 10)
#define HEAP_MIN_GROWTH (1u << 20)

static void heap_add(const struct vigil_block *b, void *arg)
{
	if (b->state == VIGIL_BLOCK_LIVE)
		vigil_growth__add(arg, b->stack, b->size);
}

static void heap_collect(struct vigil_growth_agg *a)
{
	vigil_heaptab__foreach(vigil_heap, heap_add, a);
}

static void heap_report(const struct vigil_growth_curve *c)
{
	struct vigil_rec_fstack st = {.stack_id = c->stack, .role = VIGIL_ROLE_ALLOCATION};
	struct vigil_rec_kv kv[1 + 2 * VIGIL_GROWTH_POINTS];
	unsigned nkv = 0;

	kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_BYTES, .value = c->v[c->n - 1]};
	for (unsigned i = 0; i < c->n; i++) {
		kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_SERIES_T_MS, .value = c->t_ms[i]};
		kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_SERIES_BYTES, .value = c->v[i]};
	}
	vigil_emit__finding(VIGIL_FK_HEAP_GROWTH, VIGIL_SEV_WARNING, 1, &st, 1, kv, nkv);
}

static struct vigil_growth heap_growth = {
	.collect = heap_collect,
	.report = heap_report,
	.min_site = HEAP_MIN_SITE_BYTES,
	.min_growth = HEAP_MIN_GROWTH,
};

void vigil_growth__tick(void)
{
	vigil_growth__tick_of(&heap_growth);
}

void vigil_growth__report(void)
{
	vigil_growth__report_of(&heap_growth);
}

void vigil_growth__after_fork_child(void)
{
	vigil_growth__reset(&heap_growth);
}
