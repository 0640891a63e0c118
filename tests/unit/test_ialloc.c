// SPDX-License-Identifier: MIT
/* Unit tests for preload/ialloc.c: the internal allocator's promises (zeroed, 16-byte
 * aligned, reuse by size class, big requests mapped alone) and its list of mapped
 * ranges (the leak scan treats them as holes).
 * Criterion runs each test in a fresh process, so every test starts with no arenas. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ialloc.h"

#define ARENA (1ul << 20)

/* True when [lo, hi) overlaps a range vigil_ialloc__ranges reports. */
static int overlaps(uintptr_t lo, uintptr_t hi)
{
	static uintptr_t r[4096][2];
	unsigned n = vigil_ialloc__ranges(r, 4096);

	for (unsigned i = 0; i < n; i++)
		if (lo < r[i][1] && r[i][0] < hi)
			return 1;
	return 0;
}

static int all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return 0;
	return 1;
}

Test(ialloc, zeroed)
{
	static const size_t sizes[] = {1, 7, 16, 17, 100, 1000, 4096, 65536, 65537, 300000};

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = vigil_ialloc(sizes[i]);

		cr_assert_not_null(p, "size %zu", sizes[i]);
		cr_assert(all_zero(p, sizes[i]), "fresh block of %zu not zeroed", sizes[i]);
		memset(p, 0xff, sizes[i]);
		vigil_ifree(p, sizes[i]);
		p = vigil_ialloc(sizes[i]);
		cr_assert_not_null(p);
		cr_assert(all_zero(p, sizes[i]), "reused block of %zu not zeroed", sizes[i]);
	}
}

Test(ialloc, reused_block_zeroed_to_class_size)
{
	/* A 100-byte request is served from the 128-byte class: a later 128-byte request
	 * may get the same block and must not see the old tail. */
	unsigned char *p = vigil_ialloc(128), *q;

	memset(p, 0xee, 128);
	vigil_ifree(p, 128);
	q = vigil_ialloc(100);
	cr_assert_eq(q, p);
	memset(q, 0xdd, 100);
	vigil_ifree(q, 100);
	q = vigil_ialloc(128);
	cr_assert_eq(q, p);
	cr_assert(all_zero(q, 128));
}

Test(ialloc, aligned_16)
{
	uint64_t x = 0x2545f4914f6cdd1dull;

	for (unsigned i = 0; i < 5000; i++) {
		size_t size;
		void *p;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		size = (size_t)(x % 3000) + 1;
		p = vigil_ialloc(size);
		cr_assert_not_null(p);
		cr_assert_eq((uintptr_t)p % 16, 0, "size %zu got %p", size, p);
		if (i % 3 == 0)
			vigil_ifree(p, size);
	}
}

Test(ialloc, free_then_alloc_reuses)
{
	void *a = vigil_ialloc(100), *b = vigil_ialloc(100), *c;

	cr_assert_neq(a, b);
	vigil_ifree(a, 100);
	c = vigil_ialloc(100);
	cr_assert_eq(c, a, "a freed block of the same class is handed out again");
	/* Another class does not take it. */
	vigil_ifree(b, 100);
	c = vigil_ialloc(16);
	cr_assert_neq(c, b);
	c = vigil_ialloc(128);
	cr_assert_eq(c, b, "100 and 128 share a size class");
}

Test(ialloc, free_null_and_zero_size)
{
	void *p, *q;
	size_t m;

	vigil_ifree(NULL, 100);
	vigil_ifree(NULL, 1ul << 20);
	p = vigil_ialloc(0);
	q = vigil_ialloc(0);
	cr_assert_not_null(p);
	cr_assert_not_null(q);
	cr_assert_neq(p, q, "two live zero-size blocks must differ");
	m = vigil_ialloc__mapped_bytes();
	vigil_ifree(p, 0);
	cr_assert_eq(vigil_ialloc(0), p);
	cr_assert_eq(vigil_ialloc__mapped_bytes(), m);
}

Test(ialloc, small_blocks_do_not_overlap)
{
	enum { N = 20000, SZ = 100, CLS = 128 };
	unsigned char **p = calloc(N, sizeof(*p));

	cr_assert_not_null(p);
	/* 20000 x 128 bytes spans three arenas. */
	for (unsigned i = 0; i < N; i++) {
		p[i] = vigil_ialloc(SZ);
		cr_assert_not_null(p[i]);
		memset(p[i], (int)(i & 0xff), CLS);
	}
	for (unsigned i = 0; i < N; i++)
		for (unsigned k = 0; k < CLS; k++)
			cr_assert_eq(p[i][k], i & 0xff, "block %u byte %u overwritten", i, k);
	cr_assert_geq(vigil_ialloc__mapped_bytes(), 3 * ARENA);
	free(p);
}

Test(ialloc, big_allocation)
{
	size_t before = vigil_ialloc__mapped_bytes();
	unsigned char *p = vigil_ialloc(65537), *q;

	cr_assert_not_null(p);
	/* Mapped on its own: page aligned, rounded up to whole pages. */
	cr_assert_eq((uintptr_t)p % 4096, 0);
	cr_assert_eq(vigil_ialloc__mapped_bytes(), before + 69632);
	memset(p, 0x5a, 65537);
	cr_assert(overlaps((uintptr_t)p, (uintptr_t)p + 1));
	cr_assert(overlaps((uintptr_t)p + 69631, (uintptr_t)p + 69632));

	q = vigil_ialloc(4u << 20);
	cr_assert_not_null(q);
	cr_assert(all_zero(q, 4u << 20));
	cr_assert_eq(vigil_ialloc__mapped_bytes(), before + 69632 + (4u << 20));

	vigil_ifree(p, 65537);
	cr_assert_eq(vigil_ialloc__mapped_bytes(), before + (4u << 20));
	cr_assert_not(overlaps((uintptr_t)p, (uintptr_t)p + 1),
		      "an unmapped big block is no longer vigil memory");
	vigil_ifree(q, 4u << 20);
	cr_assert_eq(vigil_ialloc__mapped_bytes(), before);
}

Test(ialloc, largest_small_class_from_arena)
{
	/* Exactly 64 KiB is still a size class, carved from the 1 MiB arena. */
	void *a = vigil_ialloc(1);
	void *b = vigil_ialloc(65536);

	cr_assert_eq(vigil_ialloc__mapped_bytes(), ARENA);
	cr_assert((uintptr_t)b > (uintptr_t)a && (uintptr_t)b < (uintptr_t)a + ARENA,
		  "64 KiB block %p should share the arena at %p", b, a);
}

Test(ialloc, overlaps_mapped_ranges)
{
	unsigned char *p = vigil_ialloc(64);
	int local = 0;
	uintptr_t arena_lo;

	cr_assert_not_null(p);
	cr_assert(overlaps((uintptr_t)p, (uintptr_t)p + 64));
	cr_assert(overlaps((uintptr_t)p - 8, (uintptr_t)p + 8));
	cr_assert_not(overlaps((uintptr_t)&local, (uintptr_t)(&local + 1)),
		      "the test's own stack is not vigil memory");
	cr_assert_not(overlaps(0, 4096));
	/* The first block of a fresh process starts its first arena: [lo, lo) is empty
	 * and the range ending at lo only touches it. */
	arena_lo = (uintptr_t)p;
	cr_assert_eq(arena_lo % 4096, 0);
	cr_assert_not(overlaps(arena_lo - 4096, arena_lo));
	cr_assert(overlaps(arena_lo - 4096, arena_lo + 1));
	cr_assert(overlaps(arena_lo + ARENA - 1, arena_lo + ARENA));
	cr_assert_not(overlaps(arena_lo + ARENA, arena_lo + ARENA + 4096));
}

Test(ialloc, ranges_list_mappings)
{
	uintptr_t r[8][2];
	unsigned char *small, *big;
	unsigned n;

	cr_assert_eq(vigil_ialloc__ranges(r, 8), 0);
	small = vigil_ialloc(10);
	big = vigil_ialloc(200000);
	n = vigil_ialloc__ranges(r, 8);
	cr_assert_eq(n, 2);
	/* Order is not promised: find each. */
	for (unsigned i = 0; i < 2; i++) {
		if (r[i][0] == (uintptr_t)small) {
			cr_assert_eq(r[i][1], (uintptr_t)small + ARENA);
		} else {
			cr_assert_eq(r[i][0], (uintptr_t)big);
			cr_assert_eq(r[i][1], (uintptr_t)big + 200704, "200000 rounds to 49 pages");
		}
	}
	cr_assert_neq(r[0][0], r[1][0]);
	/* max caps the copy, and nothing is written past it. */
	r[1][0] = r[1][1] = 0x5a5a;
	cr_assert_eq(vigil_ialloc__ranges(r, 1), 1);
	cr_assert_eq(r[1][0], 0x5a5a);
	cr_assert_eq(r[1][1], 0x5a5a);
	cr_assert_eq(vigil_ialloc__ranges(r, 0), 0);
	/* Freeing the big block drops its range; small frees keep the arena. */
	vigil_ifree(big, 200000);
	vigil_ifree(small, 10);
	cr_assert_eq(vigil_ialloc__ranges(r, 8), 1);
	cr_assert_eq(r[0][0], (uintptr_t)small);
}

Test(ialloc, mapped_bytes_grows)
{
	size_t m0 = vigil_ialloc__mapped_bytes(), m1, m2;

	cr_assert_eq(m0, 0, "nothing mapped before the first allocation");
	cr_assert_not_null(vigil_ialloc(32));
	m1 = vigil_ialloc__mapped_bytes();
	cr_assert_eq(m1, ARENA);
	/* Filling the arena needs a second one. */
	for (unsigned i = 0; i < 16; i++)
		cr_assert_not_null(vigil_ialloc(65536));
	m2 = vigil_ialloc__mapped_bytes();
	cr_assert_eq(m2, 2 * ARENA);
	/* Small frees do not unmap. */
	vigil_ifree(vigil_ialloc(1000), 1000);
	cr_assert_eq(vigil_ialloc__mapped_bytes(), m2);
}

#define NTHREADS 4
#define PER_THREAD 20000

struct worker {
	unsigned idx;
	int bad;
};

/* Each thread stamps its blocks with its id and checks the stamp survives while it
 * allocates and frees around them: a block handed out twice would be overwritten. */
static void *churn(void *arg)
{
	struct worker *w = arg;
	static __thread unsigned char *live[256];
	uint32_t stamp = 0x11111111u * (w->idx + 1);

	for (unsigned i = 0; i < PER_THREAD; i++) {
		unsigned slot = i % 256;
		size_t size = 16 + (i % 7) * 40;

		if (live[slot]) {
			for (unsigned k = 0; k < 16; k += 4)
				if (memcmp(live[slot] + k, &stamp, 4))
					w->bad++;
			vigil_ifree(live[slot], 16 + ((i - 256) % 7) * 40);
		}
		live[slot] = vigil_ialloc(size);
		if (!live[slot] || !all_zero(live[slot], size)) {
			w->bad++;
			continue;
		}
		for (unsigned k = 0; k < 16; k += 4)
			memcpy(live[slot] + k, &stamp, 4);
	}
	return NULL;
}

Test(ialloc, concurrent_alloc_free)
{
	static struct worker w[NTHREADS];
	pthread_t th[NTHREADS];

	for (unsigned i = 0; i < NTHREADS; i++) {
		w[i].idx = i;
		cr_assert_eq(pthread_create(&th[i], NULL, churn, &w[i]), 0);
	}
	for (unsigned i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(w[i].bad, 0, "thread %u saw %d corrupted or unzeroed blocks", i,
			     w[i].bad);
	}
}
