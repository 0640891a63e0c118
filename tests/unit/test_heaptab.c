// SPDX-License-Identifier: MIT
/* Unit tests for preload/heaptab.c: the live-block table, checked against a simple
 * array model, with probe clusters built on purpose, the capacity bound and threads. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heaptab.h"
#include "vigil/finding.h"

/* Deterministic PRNG (xorshift64*): a failing sequence must replay identically. */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static struct vigil_block blk(uintptr_t ptr, uint64_t size, uint32_t stack, uint32_t tid,
			      uint8_t kind)
{
	struct vigil_block b = {.ptr = ptr, .size = size, .stack = stack, .tid = tid,
				.kind = kind};
	return b;
}

static unsigned long count_locked(struct vigil_heaptab *t)
{
	unsigned long n;

	vigil_heaptab__lock_all(t);
	n = vigil_heaptab__count_locked(t);
	vigil_heaptab__unlock_all(t, 0);
	return n;
}

Test(heaptab, insert_find_remove)
{
	struct vigil_heaptab *t = vigil_heaptab__new(1000);
	struct vigil_block b = blk(0x55550010, 48, 7, 0x123456, VIGIL_OP_NEW_ARRAY);
	struct vigil_block got;
	struct vigil_heap_stats st;

	cr_assert_not_null(t);
	cr_assert_eq(vigil_heaptab__insert(t, &b), 0);
	memset(&got, 0xa5, sizeof(got));
	cr_assert_eq(vigil_heaptab__find(t, 0x55550010, &got), 0);
	cr_assert_eq(got.ptr, 0x55550010);
	cr_assert_eq(got.size, 48);
	cr_assert_eq(got.stack, 7);
	cr_assert_eq(got.tid, 0x123456);
	cr_assert_eq(got.kind, VIGIL_OP_NEW_ARRAY);
	/* Interior addresses are not blocks: lookups are by exact start. */
	cr_assert_eq(vigil_heaptab__find(t, 0x55550018, &got), -ENOENT);

	vigil_heaptab__stats(t, &st);
	cr_assert_eq(st.live_blocks, 1);
	cr_assert_eq(st.live_bytes, 48);
	cr_assert_eq(st.overflow, 0);

	memset(&got, 0, sizeof(got));
	cr_assert_eq(vigil_heaptab__remove(t, 0x55550010, &got), 0);
	cr_assert_eq(got.ptr, 0x55550010);
	cr_assert_eq(got.size, 48);
	cr_assert_eq(got.stack, 7);
	cr_assert_eq(got.tid, 0x123456);
	cr_assert_eq(got.kind, VIGIL_OP_NEW_ARRAY);
	cr_assert_eq(vigil_heaptab__find(t, 0x55550010, &got), -ENOENT);

	vigil_heaptab__stats(t, &st);
	cr_assert_eq(st.live_blocks, 0);
	cr_assert_eq(st.live_bytes, 0);
}

Test(heaptab, remove_unknown)
{
	struct vigil_heaptab *t = vigil_heaptab__new(1000);
	struct vigil_block b = blk(0x1000, 16, 1, 1, VIGIL_OP_MALLOC);
	struct vigil_block got = blk(0xfeed, 1, 2, 3, VIGIL_OP_NEW);

	/* Before any insert no shard has slots at all. */
	cr_assert_eq(vigil_heaptab__remove(t, 0x1000, &got), -ENOENT);
	cr_assert_eq(vigil_heaptab__find(t, 0x1000, &got), -ENOENT);
	cr_assert_eq(vigil_heaptab__insert(t, &b), 0);
	cr_assert_eq(vigil_heaptab__remove(t, 0x2000, &got), -ENOENT);
	cr_assert_eq(vigil_heaptab__remove(t, 0x1000, NULL), 0);
	/* A double free is a second remove of the same pointer. */
	cr_assert_eq(vigil_heaptab__remove(t, 0x1000, &got), -ENOENT);
	/* Out-parameter untouched on failure. */
	cr_assert_eq(got.ptr, 0xfeed);
	cr_assert_eq(got.size, 1);
	cr_assert_eq(got.kind, VIGIL_OP_NEW);
	cr_assert_eq(count_locked(t), 0);
}

Test(heaptab, kinds_round_trip)
{
	struct vigil_heaptab *t = vigil_heaptab__new(16);
	const uint8_t kinds[] = {VIGIL_OP_MALLOC, VIGIL_OP_NEW, VIGIL_OP_NEW_ARRAY};

	for (unsigned i = 0; i < 3; i++) {
		struct vigil_block b = blk(0x9000 + i * 32, i + 1, 100 + i, 0xffffff - i, kinds[i]);
		cr_assert_eq(vigil_heaptab__insert(t, &b), 0);
	}
	for (unsigned i = 0; i < 3; i++) {
		struct vigil_block got;
		cr_assert_eq(vigil_heaptab__find(t, 0x9000 + i * 32, &got), 0);
		cr_assert_eq(got.kind, kinds[i]);
		cr_assert_eq(got.tid, 0xffffff - i);
		cr_assert_eq(got.stack, 100 + i);
		cr_assert_eq(got.size, i + 1);
	}
}

Test(heaptab, reinsert_replaces)
{
	struct vigil_heaptab *t = vigil_heaptab__new(2);
	struct vigil_block a = blk(0x4000, 10, 1, 1, VIGIL_OP_MALLOC);
	struct vigil_block a2 = blk(0x4000, 20, 2, 2, VIGIL_OP_NEW);
	struct vigil_block b = blk(0x5000, 5, 3, 3, VIGIL_OP_MALLOC);
	struct vigil_block c = blk(0x6000, 7, 4, 4, VIGIL_OP_MALLOC);
	struct vigil_block got;
	struct vigil_heap_stats st;

	cr_assert_eq(vigil_heaptab__insert(t, &a), 0);
	/* The allocator handed 0x4000 out again behind our back: newest wins. */
	cr_assert_eq(vigil_heaptab__insert(t, &a2), 0);
	cr_assert_eq(vigil_heaptab__find(t, 0x4000, &got), 0);
	cr_assert_eq(got.size, 20);
	cr_assert_eq(got.stack, 2);
	cr_assert_eq(got.kind, VIGIL_OP_NEW);
	vigil_heaptab__stats(t, &st);
	cr_assert_eq(st.live_blocks, 1);
	cr_assert_eq(st.live_bytes, 20);
	/* The replaced block does not use up capacity. */
	cr_assert_eq(vigil_heaptab__insert(t, &b), 0);
	cr_assert_eq(vigil_heaptab__insert(t, &c), -ENOSPC);
	vigil_heaptab__stats(t, &st);
	cr_assert_eq(st.live_blocks, 2);
	cr_assert_eq(st.live_bytes, 25);
	cr_assert_eq(st.overflow, 1);
}

Test(heaptab, bounded)
{
	enum { MAX = 10 };
	struct vigil_heaptab *t = vigil_heaptab__new(MAX);
	struct vigil_heap_stats st;
	struct vigil_block got;

	for (unsigned i = 0; i < MAX; i++) {
		struct vigil_block b = blk(0x10000 + i * 64, 100, 1, 1, VIGIL_OP_MALLOC);
		cr_assert_eq(vigil_heaptab__insert(t, &b), 0, "insert %u", i);
	}
	for (unsigned i = 0; i < 3; i++) {
		struct vigil_block b = blk(0x20000 + i * 64, 1000, 1, 1, VIGIL_OP_MALLOC);
		cr_assert_eq(vigil_heaptab__insert(t, &b), -ENOSPC, "overflow insert %u", i);
		cr_assert_eq(vigil_heaptab__find(t, b.ptr, &got), -ENOENT);
	}
	vigil_heaptab__stats(t, &st);
	cr_assert_eq(st.live_blocks, MAX);
	cr_assert_eq(st.live_bytes, MAX * 100);
	cr_assert_eq(st.overflow, 3);
	cr_assert_eq(count_locked(t), MAX);

	/* A free makes room again. */
	cr_assert_eq(vigil_heaptab__remove(t, 0x10000, NULL), 0);
	{
		struct vigil_block b = blk(0x30000, 1, 1, 1, VIGIL_OP_MALLOC);
		struct vigil_block c = blk(0x30040, 1, 1, 1, VIGIL_OP_MALLOC);
		cr_assert_eq(vigil_heaptab__insert(t, &b), 0);
		cr_assert_eq(vigil_heaptab__insert(t, &c), -ENOSPC);
	}
	vigil_heaptab__stats(t, &st);
	cr_assert_eq(st.live_blocks, MAX);
	cr_assert_eq(st.live_bytes, (MAX - 1) * 100 + 1);
	cr_assert_eq(st.overflow, 4);
}

/* The table's hash, copied so the test can choose pointers that share a shard and a
 * home slot: random pointers almost never build the long runs backward shift is for. */
static uint64_t mix(uintptr_t p)
{
	uint64_t h = p >> 4;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

#define CAP0 1024 /* a shard's first capacity */

/* Pointers in shard 0 whose home slot (at the first capacity) is `home`. */
static unsigned pick(uintptr_t *out, unsigned want, unsigned home, uintptr_t *cursor)
{
	unsigned n = 0;

	for (; n < want; *cursor += 16) {
		uint64_t h = mix(*cursor);
		if ((h & 63) == 0 && ((h >> 6) & (CAP0 - 1)) == home)
			out[n++] = *cursor;
	}
	return n;
}

static void check_live(struct vigil_heaptab *t, const uintptr_t *p, const int *live, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct vigil_block got;
		int r = vigil_heaptab__find(t, p[i], &got);

		if (live[i]) {
			cr_assert_eq(r, 0, "live pointer %u (%#lx) lost", i, (unsigned long)p[i]);
			cr_assert_eq(got.size, p[i] & 0xfff, "pointer %u has the wrong size", i);
		} else {
			cr_assert_eq(r, -ENOENT, "removed pointer %u (%#lx) still found", i,
				     (unsigned long)p[i]);
		}
	}
}

/* Runs sharing home slots H, H+1 and H+2, where H = CAP0 - 2 also wraps the run past
 * the end of the slot array. Removing from the middle and head of such a cluster must
 * leave every other member reachable from its home. */
static void cluster_case(unsigned home, const unsigned *order, unsigned norder)
{
	enum { PER = 4, N = 3 * PER };
	struct vigil_heaptab *t = vigil_heaptab__new(1000);
	uintptr_t p[N], cursor = 0x100000;
	int live[N];
	struct vigil_heap_stats st;
	uint64_t bytes = 0;

	/* Interleave the homes so members of one home are not contiguous in the run. */
	for (unsigned h = 0; h < 3; h++) {
		uintptr_t tmp[PER];
		pick(tmp, PER, (home + h) & (CAP0 - 1), &cursor);
		for (unsigned i = 0; i < PER; i++)
			p[i * 3 + h] = tmp[i];
	}
	for (unsigned i = 0; i < N; i++) {
		struct vigil_block b = blk(p[i], p[i] & 0xfff, i + 1, 1, VIGIL_OP_MALLOC);
		cr_assert_eq(vigil_heaptab__insert(t, &b), 0);
		live[i] = 1;
		bytes += p[i] & 0xfff;
	}
	check_live(t, p, live, N);
	for (unsigned k = 0; k < norder; k++) {
		unsigned i = order[k];
		struct vigil_block got;

		cr_assert_eq(vigil_heaptab__remove(t, p[i], &got), 0, "remove %u", i);
		cr_assert_eq(got.ptr, p[i]);
		cr_assert_eq(got.stack, i + 1);
		live[i] = 0;
		bytes -= p[i] & 0xfff;
		check_live(t, p, live, N);
	}
	vigil_heaptab__stats(t, &st);
	cr_assert_eq(st.live_blocks, N - norder);
	cr_assert_eq(st.live_bytes, bytes);
	/* Re-inserting into the holes keeps everything findable. */
	for (unsigned k = 0; k < norder; k++) {
		unsigned i = order[k];
		struct vigil_block b = blk(p[i], p[i] & 0xfff, i + 1, 1, VIGIL_OP_MALLOC);
		cr_assert_eq(vigil_heaptab__insert(t, &b), 0);
		live[i] = 1;
	}
	check_live(t, p, live, N);
	cr_assert_eq(count_locked(t), N);
}

Test(heaptab, backward_shift_cluster_middle)
{
	const unsigned order[] = {4, 1, 7, 0, 10, 5};

	cluster_case(500, order, 6);
}

Test(heaptab, backward_shift_cluster_wraps)
{
	/* Slots 1022, 1023, then 0.. : the run crosses the end of the array. */
	const unsigned order[] = {0, 3, 2, 11, 6, 1, 9};

	cluster_case(CAP0 - 2, order, 7);
}

Test(heaptab, backward_shift_cluster_all)
{
	const unsigned order[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

	cluster_case(CAP0 - 1, order, 12);
}

/* The reference model: a flat array indexed like the pointer pool. */
struct model {
	uintptr_t *ptr;
	struct vigil_block *blk;
	int *live;
	unsigned n;
	unsigned long count;
	uint64_t bytes;
};

struct visit_ctx {
	const struct model *m;
	unsigned long visits;
	unsigned char *seen;
	int bad;
};

static long model_index(const struct model *m, uintptr_t p)
{
	/* Pool pointers are base + i * 48. */
	if (p < m->ptr[0] || (p - m->ptr[0]) % 48)
		return -1;
	if ((p - m->ptr[0]) / 48 >= m->n)
		return -1;
	return (long)((p - m->ptr[0]) / 48);
}

static void visit(const struct vigil_block *b, void *arg)
{
	struct visit_ctx *c = arg;
	long i = model_index(c->m, b->ptr);

	c->visits++;
	if (i < 0 || !c->m->live[i] || c->seen[i] || b->size != c->m->blk[i].size ||
	    b->stack != c->m->blk[i].stack || b->tid != c->m->blk[i].tid ||
	    b->kind != c->m->blk[i].kind) {
		c->bad++;
		return;
	}
	c->seen[i] = 1;
}

static void check_model(struct vigil_heaptab *t, const struct model *m)
{
	struct vigil_heap_stats st;
	struct visit_ctx c = {.m = m, .seen = calloc(m->n, 1)};

	cr_assert_not_null(c.seen);
	vigil_heaptab__stats(t, &st);
	cr_assert_eq(st.live_blocks, m->count);
	cr_assert_eq(st.live_bytes, m->bytes);
	cr_assert_eq(st.overflow, 0);
	vigil_heaptab__lock_all(t);
	cr_assert_eq(vigil_heaptab__count_locked(t), m->count);
	vigil_heaptab__foreach_locked(t, visit, &c);
	vigil_heaptab__unlock_all(t, 0);
	cr_assert_eq(c.bad, 0, "foreach visited %d blocks that are not live as such", c.bad);
	cr_assert_eq(c.visits, m->count);
	for (unsigned i = 0; i < m->n; i++)
		cr_assert_eq(c.seen[i], m->live[i], "pool pointer %u: live %d, visited %d", i,
			     m->live[i], c.seen[i]);
	free(c.seen);
}

Test(heaptab, random_ops_match_model)
{
	enum { POOL = 30000, OPS = 200000 };
	struct vigil_heaptab *t = vigil_heaptab__new(1ul << 20);
	struct model m = {.n = POOL};

	m.ptr = calloc(POOL, sizeof(*m.ptr));
	m.blk = calloc(POOL, sizeof(*m.blk));
	m.live = calloc(POOL, sizeof(*m.live));
	cr_assert(m.ptr && m.blk && m.live);
	/* malloc-like addresses: 16-aligned, 48 apart, clustered in one region. */
	for (unsigned i = 0; i < POOL; i++)
		m.ptr[i] = 0x5555a0000000 + (uintptr_t)i * 48;
	rng_state = 0x9e3779b97f4a7c15ull;

	for (unsigned op = 0; op < OPS; op++) {
		unsigned i = (unsigned)(rnd() % POOL);
		unsigned what = (unsigned)(rnd() % 10);
		struct vigil_block got;

		if (what == 0) {
			int r = vigil_heaptab__find(t, m.ptr[i], &got);
			cr_assert_eq(r, m.live[i] ? 0 : -ENOENT, "op %u: find %u", op, i);
			if (m.live[i])
				cr_assert_eq(got.size, m.blk[i].size, "op %u: find %u size", op, i);
		} else if (m.live[i]) {
			cr_assert_eq(vigil_heaptab__remove(t, m.ptr[i], &got), 0,
				     "op %u: remove of live %u", op, i);
			cr_assert_eq(got.ptr, m.ptr[i]);
			cr_assert_eq(got.size, m.blk[i].size, "op %u: remove %u size", op, i);
			cr_assert_eq(got.stack, m.blk[i].stack);
			cr_assert_eq(got.tid, m.blk[i].tid);
			cr_assert_eq(got.kind, m.blk[i].kind);
			m.live[i] = 0;
			m.count--;
			m.bytes -= m.blk[i].size;
		} else if (what < 3) {
			cr_assert_eq(vigil_heaptab__remove(t, m.ptr[i], &got), -ENOENT,
				     "op %u: remove of dead %u", op, i);
		} else {
			m.blk[i] = blk(m.ptr[i], rnd() % 100000, (uint32_t)(rnd() % 1000000) + 1,
				       (uint32_t)(rnd() & 0xffffff), (uint8_t)(rnd() % 3));
			cr_assert_eq(vigil_heaptab__insert(t, &m.blk[i]), 0, "op %u: insert %u",
				     op, i);
			m.live[i] = 1;
			m.count++;
			m.bytes += m.blk[i].size;
		}
		if (op % 20000 == 19999)
			check_model(t, &m);
	}
	cr_assert_gt(m.count, 1000, "the model should hold a sizeable live set");
	check_model(t, &m);
	/* Drain: every remaining block comes out exactly once. */
	for (unsigned i = 0; i < POOL; i++) {
		int r = vigil_heaptab__remove(t, m.ptr[i], NULL);
		cr_assert_eq(r, m.live[i] ? 0 : -ENOENT, "drain %u", i);
		if (m.live[i]) {
			m.live[i] = 0;
			m.count--;
			m.bytes -= m.blk[i].size;
		}
	}
	check_model(t, &m);
	cr_assert_eq(m.count, 0);
	free(m.ptr);
	free(m.blk);
	free(m.live);
}

Test(heaptab, foreach_visits_live_set)
{
	enum { N = 5000 };
	struct vigil_heaptab *t = vigil_heaptab__new(N);
	struct model m = {.n = N};

	m.ptr = calloc(N, sizeof(*m.ptr));
	m.blk = calloc(N, sizeof(*m.blk));
	m.live = calloc(N, sizeof(*m.live));
	cr_assert(m.ptr && m.blk && m.live);
	for (unsigned i = 0; i < N; i++) {
		m.ptr[i] = 0x7000000 + (uintptr_t)i * 48;
		m.blk[i] = blk(m.ptr[i], i * 3 + 1, i + 1, i, (uint8_t)(i % 3));
		cr_assert_eq(vigil_heaptab__insert(t, &m.blk[i]), 0);
		m.live[i] = 1;
		m.count++;
		m.bytes += m.blk[i].size;
	}
	check_model(t, &m);
	for (unsigned i = 0; i < N; i += 3) {
		cr_assert_eq(vigil_heaptab__remove(t, m.ptr[i], NULL), 0);
		m.live[i] = 0;
		m.count--;
		m.bytes -= m.blk[i].size;
	}
	check_model(t, &m);
	cr_assert_eq(m.count, N - (N + 2) / 3);
	free(m.ptr);
	free(m.blk);
	free(m.live);
}

/* Four threads on disjoint pointers: each inserts its set, frees two thirds in a
 * scattered order, re-allocates some, and keeps a known survivor set. */
#define NTHREADS 4
#define PER_THREAD 40000

struct worker {
	struct vigil_heaptab *t;
	unsigned idx;
	int errors;
};

static uintptr_t thread_ptr(unsigned idx, unsigned j)
{
	return ((uintptr_t)(idx + 1) << 36) + (uintptr_t)j * 32;
}

static void *churn(void *arg)
{
	struct worker *w = arg;

	for (unsigned j = 0; j < PER_THREAD; j++) {
		struct vigil_block b = blk(thread_ptr(w->idx, j), j % 512 + 1, j + 1, w->idx + 1,
					   VIGIL_OP_MALLOC);
		if (vigil_heaptab__insert(w->t, &b))
			w->errors++;
	}
	/* 7919 is prime and coprime with PER_THREAD: visits every j once, scattered. */
	for (unsigned n = 0; n < PER_THREAD; n++) {
		unsigned j = (unsigned)(((uint64_t)n * 7919) % PER_THREAD);
		struct vigil_block got;

		if (j % 3 == 0)
			continue;
		if (vigil_heaptab__remove(w->t, thread_ptr(w->idx, j), &got) ||
		    got.size != j % 512 + 1 || got.tid != w->idx + 1)
			w->errors++;
		if (j % 3 == 1) {
			struct vigil_block b = blk(thread_ptr(w->idx, j), 8, j + 1, w->idx + 1,
						   VIGIL_OP_NEW);
			if (vigil_heaptab__insert(w->t, &b) ||
			    vigil_heaptab__remove(w->t, b.ptr, NULL))
				w->errors++;
		}
	}
	return NULL;
}

Test(heaptab, concurrent_disjoint)
{
	struct vigil_heaptab *t = vigil_heaptab__new(NTHREADS * PER_THREAD);
	static struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	struct vigil_heap_stats st;
	uint64_t bytes = 0;
	unsigned long live = 0;

	for (unsigned i = 0; i < NTHREADS; i++) {
		w[i].t = t;
		w[i].idx = i;
		cr_assert_eq(pthread_create(&th[i], NULL, churn, &w[i]), 0);
	}
	for (unsigned i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(w[i].errors, 0, "thread %u: %d failed operations", i, w[i].errors);
	}
	for (unsigned i = 0; i < NTHREADS; i++) {
		for (unsigned j = 0; j < PER_THREAD; j++) {
			struct vigil_block got;
			int r = vigil_heaptab__find(t, thread_ptr(i, j), &got);

			if (j % 3) {
				cr_assert_eq(r, -ENOENT, "thread %u block %u should be gone", i, j);
				continue;
			}
			cr_assert_eq(r, 0, "thread %u block %u lost", i, j);
			cr_assert_eq(got.size, j % 512 + 1);
			cr_assert_eq(got.stack, j + 1);
			cr_assert_eq(got.tid, i + 1);
			live++;
			bytes += j % 512 + 1;
		}
	}
	vigil_heaptab__stats(t, &st);
	cr_assert_eq(st.live_blocks, live);
	cr_assert_eq(st.live_bytes, bytes);
	cr_assert_eq(st.overflow, 0);
	cr_assert_eq(count_locked(t), live);
}
