// SPDX-License-Identifier: MIT
/* Unit tests for preload/stacktab.c: interning pc arrays to stable 32-bit ids, the
 * capacity bound, the once-per-generation write claim, and concurrent interning. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "stacktab.h"

Test(stacktab, same_pcs_same_id)
{
	struct vigil_stacktab *t = vigil_stacktab__new(64);
	uintptr_t a[] = {0x401000, 0x401100, 0x401200};
	uintptr_t b[] = {0x401000, 0x401100, 0x401200};
	uint32_t ia, ib;

	cr_assert_not_null(t);
	ia = vigil_stacktab__intern(t, a, 3);
	ib = vigil_stacktab__intern(t, b, 3);
	cr_assert_neq(ia, 0);
	cr_assert_eq(ia, ib);
	cr_assert_eq(vigil_stacktab__count(t), 1);
	cr_assert_eq(vigil_stacktab__overflow(t), 0);
}

Test(stacktab, different_pcs_different_ids)
{
	struct vigil_stacktab *t = vigil_stacktab__new(64);
	uintptr_t a[] = {0x401000, 0x401100, 0x401200};
	uintptr_t b[] = {0x401000, 0x401100, 0x401208};
	uintptr_t c[] = {0x401100, 0x401000, 0x401200}; /* same set, other order */
	uint32_t ia, ib, ic;

	ia = vigil_stacktab__intern(t, a, 3);
	ib = vigil_stacktab__intern(t, b, 3);
	ic = vigil_stacktab__intern(t, c, 3);
	cr_assert_neq(ia, 0);
	cr_assert_neq(ib, 0);
	cr_assert_neq(ic, 0);
	cr_assert_neq(ia, ib);
	cr_assert_neq(ia, ic);
	cr_assert_neq(ib, ic);
	cr_assert_eq(vigil_stacktab__count(t), 3);
}

Test(stacktab, depth_matters)
{
	struct vigil_stacktab *t = vigil_stacktab__new(64);
	uintptr_t pcs[] = {0x401000, 0x401100, 0x401200, 0};
	uint32_t i2, i3, i4, i0;

	i2 = vigil_stacktab__intern(t, pcs, 2);
	i3 = vigil_stacktab__intern(t, pcs, 3);
	/* A trailing zero word must not make depth 4 equal to depth 3. */
	i4 = vigil_stacktab__intern(t, pcs, 4);
	i0 = vigil_stacktab__intern(t, pcs, 0);
	cr_assert_neq(i2, 0);
	cr_assert_neq(i3, 0);
	cr_assert_neq(i4, 0);
	cr_assert_neq(i0, 0);
	cr_assert_neq(i2, i3);
	cr_assert_neq(i3, i4);
	cr_assert_neq(i2, i4);
	cr_assert_neq(i0, i2);
	cr_assert_eq(vigil_stacktab__intern(t, pcs, 3), i3);
	cr_assert_eq(vigil_stacktab__count(t), 4);
}

Test(stacktab, get_returns_pcs)
{
	struct vigil_stacktab *t = vigil_stacktab__new(64);
	uintptr_t a[] = {0x7f0000001234, 0x7f0000005678, 0x401abc, 0x401def, 0x1};
	uintptr_t b[] = {0xdeadbeef};
	const uintptr_t *got;
	unsigned depth = 99;
	uint32_t ia, ib;

	ia = vigil_stacktab__intern(t, a, 5);
	ib = vigil_stacktab__intern(t, b, 1);
	/* The table keeps its own copy: scribbling on ours must not show. */
	memset(a, 0, sizeof(a));
	cr_assert_eq(vigil_stacktab__get(t, ia, &got, &depth), 0);
	cr_assert_eq(depth, 5);
	cr_assert_eq(got[0], 0x7f0000001234);
	cr_assert_eq(got[1], 0x7f0000005678);
	cr_assert_eq(got[2], 0x401abc);
	cr_assert_eq(got[3], 0x401def);
	cr_assert_eq(got[4], 0x1);
	cr_assert_eq(vigil_stacktab__get(t, ib, &got, &depth), 0);
	cr_assert_eq(depth, 1);
	cr_assert_eq(got[0], 0xdeadbeef);
}

Test(stacktab, get_unknown_id)
{
	struct vigil_stacktab *t = vigil_stacktab__new(8);
	uintptr_t a[] = {0x1000};
	const uintptr_t *got = (const uintptr_t *)0x1;
	unsigned depth = 77;
	uint32_t id;

	cr_assert_eq(vigil_stacktab__get(t, 0, &got, &depth), -ENOENT);
	cr_assert_eq(vigil_stacktab__get(t, 1, &got, &depth), -ENOENT);
	id = vigil_stacktab__intern(t, a, 1);
	cr_assert_eq(id, 1);
	cr_assert_eq(vigil_stacktab__get(t, 2, &got, &depth), -ENOENT);
	cr_assert_eq(vigil_stacktab__get(t, 9, &got, &depth), -ENOENT);
	cr_assert_eq(vigil_stacktab__get(t, UINT32_MAX, &got, &depth), -ENOENT);
	/* Out-parameters are written only on success. */
	cr_assert_eq(got, (const uintptr_t *)0x1);
	cr_assert_eq(depth, 77);
}

Test(stacktab, ids_never_zero_and_dense)
{
	enum { N = 5000 };
	struct vigil_stacktab *t = vigil_stacktab__new(N);
	static unsigned char seen[N + 1];

	for (unsigned i = 0; i < N; i++) {
		uintptr_t pcs[3] = {0x400000 + i * 16, 0x500000, i};
		uint32_t id = vigil_stacktab__intern(t, pcs, 3);
		cr_assert_neq(id, 0, "stack %u got id 0", i);
		cr_assert_leq(id, N, "stack %u got id %u beyond the capacity", i, id);
		cr_assert_eq(seen[id], 0, "id %u handed out twice", id);
		seen[id] = 1;
	}
	cr_assert_eq(vigil_stacktab__count(t), N);
	cr_assert_eq(vigil_stacktab__overflow(t), 0);
	for (unsigned i = 0; i < N; i++) {
		uintptr_t pcs[3] = {0x400000 + i * 16, 0x500000, i};
		uint32_t id = vigil_stacktab__intern(t, pcs, 3);
		const uintptr_t *got;
		unsigned depth;

		cr_assert_eq(vigil_stacktab__get(t, id, &got, &depth), 0);
		cr_assert_eq(depth, 3);
		cr_assert_eq(got[0], pcs[0]);
		cr_assert_eq(got[2], pcs[2]);
	}
}

Test(stacktab, bounded)
{
	struct vigil_stacktab *t = vigil_stacktab__new(4);
	uint32_t ids[4];

	for (unsigned i = 0; i < 4; i++) {
		uintptr_t pcs[] = {0x1000 + i};
		ids[i] = vigil_stacktab__intern(t, pcs, 1);
		cr_assert_neq(ids[i], 0);
	}
	for (unsigned i = 0; i < 3; i++) {
		uintptr_t pcs[] = {0x2000 + i};
		cr_assert_eq(vigil_stacktab__intern(t, pcs, 1), 0);
	}
	cr_assert_eq(vigil_stacktab__overflow(t), 3);
	cr_assert_eq(vigil_stacktab__count(t), 4);
	/* A full table still answers for the stacks it holds, without counting. */
	for (unsigned i = 0; i < 4; i++) {
		uintptr_t pcs[] = {0x1000 + i};
		cr_assert_eq(vigil_stacktab__intern(t, pcs, 1), ids[i]);
	}
	cr_assert_eq(vigil_stacktab__overflow(t), 3);
}

Test(stacktab, claim_write_once_per_generation)
{
	struct vigil_stacktab *t = vigil_stacktab__new(16);
	uintptr_t a[] = {0x1000, 0x2000};
	uintptr_t b[] = {0x3000};
	uint32_t ia = vigil_stacktab__intern(t, a, 2);
	uint32_t ib = vigil_stacktab__intern(t, b, 1);

	cr_assert_eq(vigil_stacktab__claim_write(t, ia, 1), 1);
	cr_assert_eq(vigil_stacktab__claim_write(t, ia, 1), 0);
	cr_assert_eq(vigil_stacktab__claim_write(t, ia, 1), 0);
	/* Claims are per stack. */
	cr_assert_eq(vigil_stacktab__claim_write(t, ib, 1), 1);
	cr_assert_eq(vigil_stacktab__claim_write(t, ib, 1), 0);
	/* A new log (fork child, exec) needs the stack written again. */
	cr_assert_eq(vigil_stacktab__claim_write(t, ia, 2), 1);
	cr_assert_eq(vigil_stacktab__claim_write(t, ia, 2), 0);
	cr_assert_eq(vigil_stacktab__claim_write(t, ib, 2), 1);
	cr_assert_eq(vigil_stacktab__claim_write(t, ib, 2), 0);
	/* Unknown ids are never claimed. */
	cr_assert_eq(vigil_stacktab__claim_write(t, 0, 1), 0);
	cr_assert_eq(vigil_stacktab__claim_write(t, 15, 1), 0);
	cr_assert_eq(vigil_stacktab__claim_write(t, 1000, 1), 0);
}

/* Four threads intern overlapping sets: stack k is interned by every thread whose
 * range covers k, in a thread-specific order, so the same stack races on its shard. */
#define NTHREADS 4
#define NSTACKS 4000
#define SPAN 2000 /* each thread covers [tid * 666, tid * 666 + SPAN) */

struct worker {
	struct vigil_stacktab *t;
	unsigned idx;
	uint32_t ids[NSTACKS];
};

static pthread_barrier_t start;

static void stack_of(unsigned k, uintptr_t pcs[4])
{
	pcs[0] = 0x400000 + (uintptr_t)k * 8;
	pcs[1] = 0x7f0000000000 + (uintptr_t)(k % 7);
	pcs[2] = 0x500000 + (uintptr_t)(k / 3);
	pcs[3] = k;
}

static void *intern_range(void *arg)
{
	struct worker *w = arg;
	unsigned lo = w->idx * 666, hi = lo + SPAN;

	pthread_barrier_wait(&start);
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned n = 0; n < SPAN; n++) {
			/* Odd threads walk backwards so they meet the even ones mid-range. */
			unsigned k = w->idx & 1 ? hi - 1 - n : lo + n;
			uintptr_t pcs[4];
			uint32_t id;

			stack_of(k, pcs);
			id = vigil_stacktab__intern(w->t, pcs, 4);
			if (w->ids[k] && w->ids[k] != id)
				w->ids[k] = UINT32_MAX; /* inconsistent: flagged for the main thread */
			else
				w->ids[k] = id;
		}
	}
	return NULL;
}

Test(stacktab, concurrent_intern_consistent)
{
	struct vigil_stacktab *t = vigil_stacktab__new(NSTACKS);
	static struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	static uint32_t final[NSTACKS];
	static unsigned char used[NSTACKS + 1];
	unsigned distinct = 0;

	cr_assert_eq(pthread_barrier_init(&start, NULL, NTHREADS), 0);
	for (unsigned i = 0; i < NTHREADS; i++) {
		w[i].t = t;
		w[i].idx = i;
		cr_assert_eq(pthread_create(&th[i], NULL, intern_range, &w[i]), 0);
	}
	for (unsigned i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&start);

	for (unsigned k = 0; k < NSTACKS; k++) {
		for (unsigned i = 0; i < NTHREADS; i++) {
			uint32_t id = w[i].ids[k];
			if (!id)
				continue;
			cr_assert_neq(id, UINT32_MAX, "thread %u saw two ids for stack %u", i, k);
			if (!final[k])
				final[k] = id;
			cr_assert_eq(id, final[k], "stack %u: thread %u got %u, another got %u",
				     k, i, id, final[k]);
		}
		if (!final[k])
			continue;
		cr_assert_eq(used[final[k]], 0, "id %u given to two different stacks", final[k]);
		used[final[k]] = 1;
		distinct++;
	}
	/* Thread 3 covers [1998, 3998): stacks 3998 and 3999 were never interned. */
	cr_assert_eq(distinct, 3 * 666 + SPAN);
	cr_assert_eq(vigil_stacktab__count(t), distinct);
	cr_assert_eq(vigil_stacktab__overflow(t), 0);
	for (unsigned k = 0; k < NSTACKS; k++) {
		const uintptr_t *got;
		unsigned depth;
		uintptr_t want[4];

		if (!final[k])
			continue;
		stack_of(k, want);
		cr_assert_eq(vigil_stacktab__get(t, final[k], &got, &depth), 0);
		cr_assert_eq(depth, 4);
		cr_assert_arr_eq(got, want, sizeof(want), "stack %u: wrong pcs behind id", k);
	}
}

struct claimer {
	struct vigil_stacktab *t;
	uint32_t id;
	unsigned wins[3]; /* per generation 1..3 */
};

static pthread_barrier_t claim_start;

static void *claim(void *arg)
{
	struct claimer *c = arg;

	for (unsigned gen = 1; gen <= 3; gen++) {
		pthread_barrier_wait(&claim_start);
		for (unsigned n = 0; n < 1000; n++)
			c->wins[gen - 1] += (unsigned)vigil_stacktab__claim_write(c->t, c->id, gen);
	}
	return NULL;
}

Test(stacktab, concurrent_claim_single_winner)
{
	struct vigil_stacktab *t = vigil_stacktab__new(4);
	uintptr_t pcs[] = {0xabc, 0xdef};
	static struct claimer c[NTHREADS];
	pthread_t th[NTHREADS];
	uint32_t id = vigil_stacktab__intern(t, pcs, 2);

	cr_assert_neq(id, 0);
	cr_assert_eq(pthread_barrier_init(&claim_start, NULL, NTHREADS), 0);
	for (unsigned i = 0; i < NTHREADS; i++) {
		c[i].t = t;
		c[i].id = id;
		cr_assert_eq(pthread_create(&th[i], NULL, claim, &c[i]), 0);
	}
	for (unsigned i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&claim_start);
	for (unsigned gen = 0; gen < 3; gen++) {
		unsigned total = 0;

		for (unsigned i = 0; i < NTHREADS; i++)
			total += c[i].wins[gen];
		cr_assert_eq(total, 1, "generation %u: %u writers claimed the stack", gen + 1,
			     total);
	}
}
