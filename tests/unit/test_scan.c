// SPDX-License-Identifier: MIT
/* Unit tests for preload/scan.c: reachability over synthetic heaps whose blocks are
 * real memory owned by the test, so the scan reads exactly the words placed in them. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scan.h"

#define GUARD 64            /* work-list entries past n, to catch overruns */
#define CANARY 0xc0ffee11u

/* Blocks of `words` words, `stride` words apart, so a gap follows every block and one
 * past its end points into no block. */
struct heap {
	uintptr_t *mem;
	size_t stride;
	struct vigil_scan_block *b;
	uint32_t *work;
	struct vigil_scan s;
};

static void heap_init(struct heap *h, size_t n, size_t words, size_t stride)
{
	memset(h, 0, sizeof(*h));
	h->stride = stride;
	h->mem = calloc(n * stride + 1, sizeof(uintptr_t));
	h->b = calloc(n ? n : 1, sizeof(*h->b));
	h->work = malloc((n + GUARD) * sizeof(*h->work));
	cr_assert(h->mem && h->b && h->work);
	for (size_t i = 0; i < n + GUARD; i++)
		h->work[i] = CANARY;
	for (size_t i = 0; i < n; i++) {
		h->b[i].lo = (uintptr_t)&h->mem[i * stride];
		h->b[i].hi = h->b[i].lo + words * sizeof(uintptr_t);
		h->b[i].stack = (uint32_t)i + 1;
	}
	h->s.b = h->b;
	h->s.n = n;
	h->s.work = h->work;
	h->s.nwork = 0;
}

static void heap_free(struct heap *h)
{
	free(h->mem);
	free(h->b);
	free(h->work);
}

/* Word k of block i. */
static uintptr_t *word(struct heap *h, size_t i, size_t k)
{
	return &h->mem[i * h->stride + k];
}

static uintptr_t addr(const struct heap *h, size_t i)
{
	return h->b[i].lo;
}

static void root(struct heap *h, const uintptr_t *r, size_t n)
{
	vigil_scan__root_range(&h->s, (uintptr_t)r, (uintptr_t)(r + n), 0);
}

static void check_guard(const struct heap *h)
{
	cr_assert_eq(h->s.nwork, 0, "work list not drained: %zu left", h->s.nwork);
	for (size_t i = h->s.n; i < h->s.n + GUARD; i++)
		cr_assert_eq(h->work[i], CANARY, "work list overran its n entries (slot %zu)", i);
}

static const char *state_name(unsigned s)
{
	static const char *const names[] = {"UNSEEN", "REACHABLE", "DIRECT", "INDIRECT",
					    "SOURCE"};
	return s < 5 ? names[s] : "?";
}

static void expect(const struct heap *h, size_t i, unsigned state)
{
	cr_assert_eq(h->b[i].state, state, "block %zu: expected %s, got %s", i,
		     state_name(state), state_name(h->b[i].state));
}

Test(scan, root_reference_is_reachable)
{
	struct heap h;
	uintptr_t roots[4] = {0, 0, 0, 0};

	heap_init(&h, 3, 4, 8);
	roots[2] = addr(&h, 1);
	root(&h, roots, 4);
	vigil_scan__classify(&h.s);
	expect(&h, 0, VIGIL_SCAN_DIRECT);
	expect(&h, 1, VIGIL_SCAN_REACHABLE);
	expect(&h, 2, VIGIL_SCAN_DIRECT);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, unreferenced_is_direct)
{
	struct heap h;
	uintptr_t roots[2] = {0x1234, 0};

	heap_init(&h, 4, 2, 4);
	root(&h, roots, 2);
	for (size_t i = 0; i < 4; i++)
		expect(&h, i, VIGIL_SCAN_UNSEEN);
	vigil_scan__classify(&h.s);
	for (size_t i = 0; i < 4; i++)
		expect(&h, i, VIGIL_SCAN_DIRECT);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, reachability_is_transitive)
{
	struct heap h;
	uintptr_t roots[1];

	/* root -> 3 -> 0 -> 2; 1 and 4 hang off nothing. */
	heap_init(&h, 5, 4, 8);
	roots[0] = addr(&h, 3);
	*word(&h, 3, 1) = addr(&h, 0);
	*word(&h, 0, 3) = addr(&h, 2);
	root(&h, roots, 1);
	vigil_scan__classify(&h.s);
	expect(&h, 0, VIGIL_SCAN_REACHABLE);
	expect(&h, 1, VIGIL_SCAN_DIRECT);
	expect(&h, 2, VIGIL_SCAN_REACHABLE);
	expect(&h, 3, VIGIL_SCAN_REACHABLE);
	expect(&h, 4, VIGIL_SCAN_DIRECT);
	check_guard(&h);
	heap_free(&h);
}

/* A leaked struct holding pointers: itself direct, its children indirect, whatever
 * the address order (the struct is classified before or after its children). */
static void leaked_struct(size_t parent)
{
	struct heap h;
	uintptr_t roots[1] = {0};
	size_t k = 0;

	heap_init(&h, 5, 4, 8);
	for (size_t i = 0; i < 5; i++)
		if (i != parent && i != 2)
			*word(&h, parent, k++) = addr(&h, i);
	/* Block 2 is a grandchild, reached through the first child. */
	*word(&h, parent == 0 ? 1 : 0, 2) = addr(&h, 2);
	root(&h, roots, 1);
	vigil_scan__classify(&h.s);
	for (size_t i = 0; i < 5; i++)
		expect(&h, i, i == parent ? VIGIL_SCAN_DIRECT : VIGIL_SCAN_INDIRECT);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, leaked_struct_parent_first)
{
	leaked_struct(0);
}

Test(scan, leaked_struct_parent_last)
{
	leaked_struct(4);
}

Test(scan, leaked_struct_parent_middle)
{
	leaked_struct(3);
}

Test(scan, cycle_of_two_one_direct)
{
	struct heap h;
	int direct = 0, indirect = 0;

	heap_init(&h, 2, 2, 4);
	*word(&h, 0, 0) = addr(&h, 1);
	*word(&h, 1, 1) = addr(&h, 0);
	vigil_scan__classify(&h.s);
	for (size_t i = 0; i < 2; i++) {
		direct += h.b[i].state == VIGIL_SCAN_DIRECT;
		indirect += h.b[i].state == VIGIL_SCAN_INDIRECT;
	}
	cr_assert_eq(direct, 1);
	cr_assert_eq(indirect, 1);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, cycle_of_three_one_direct)
{
	struct heap h;
	int direct = 0, indirect = 0;

	/* 2 -> 0 -> 1 -> 2 */
	heap_init(&h, 3, 2, 4);
	*word(&h, 2, 0) = addr(&h, 0);
	*word(&h, 0, 0) = addr(&h, 1);
	*word(&h, 1, 1) = addr(&h, 2);
	vigil_scan__classify(&h.s);
	for (size_t i = 0; i < 3; i++) {
		direct += h.b[i].state == VIGIL_SCAN_DIRECT;
		indirect += h.b[i].state == VIGIL_SCAN_INDIRECT;
	}
	cr_assert_eq(direct, 1);
	cr_assert_eq(indirect, 2);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, cycle_entered_from_leak_is_indirect)
{
	struct heap h;

	/* 0 <-> 1 is a cycle; 2 (leaked) points into it, so 2 alone is direct: the
	 * cycle is referenced from outside and needs no representative of its own. */
	heap_init(&h, 3, 2, 4);
	*word(&h, 0, 0) = addr(&h, 1);
	*word(&h, 1, 0) = addr(&h, 0);
	*word(&h, 2, 1) = addr(&h, 1);
	vigil_scan__classify(&h.s);
	expect(&h, 0, VIGIL_SCAN_INDIRECT);
	expect(&h, 1, VIGIL_SCAN_INDIRECT);
	expect(&h, 2, VIGIL_SCAN_DIRECT);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, leak_into_cycle_from_lower_address)
{
	struct heap h;

	/* As above with the leaked entry block first in address order. */
	heap_init(&h, 3, 2, 4);
	*word(&h, 0, 1) = addr(&h, 1);
	*word(&h, 1, 0) = addr(&h, 2);
	*word(&h, 2, 0) = addr(&h, 1);
	vigil_scan__classify(&h.s);
	expect(&h, 0, VIGIL_SCAN_DIRECT);
	expect(&h, 1, VIGIL_SCAN_INDIRECT);
	expect(&h, 2, VIGIL_SCAN_INDIRECT);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, self_reference_is_direct)
{
	struct heap h;

	heap_init(&h, 1, 2, 4);
	*word(&h, 0, 1) = addr(&h, 0);
	vigil_scan__classify(&h.s);
	expect(&h, 0, VIGIL_SCAN_DIRECT);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, leak_pointing_to_reachable_leaves_it_reachable)
{
	struct heap h;
	uintptr_t roots[1];

	heap_init(&h, 2, 2, 4);
	roots[0] = addr(&h, 1);
	*word(&h, 0, 0) = addr(&h, 1);
	root(&h, roots, 1);
	vigil_scan__classify(&h.s);
	expect(&h, 0, VIGIL_SCAN_DIRECT);
	expect(&h, 1, VIGIL_SCAN_REACHABLE);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, interior_pointers_keep_reachable)
{
	struct heap h;
	uintptr_t roots[3];

	heap_init(&h, 4, 4, 8);
	roots[0] = addr(&h, 0) + 8;                        /* second word */
	roots[1] = h.b[1].hi - 1;                          /* last byte, unaligned */
	roots[2] = addr(&h, 2) + 3;                        /* unaligned, first word */
	root(&h, roots, 3);
	vigil_scan__classify(&h.s);
	expect(&h, 0, VIGIL_SCAN_REACHABLE);
	expect(&h, 1, VIGIL_SCAN_REACHABLE);
	expect(&h, 2, VIGIL_SCAN_REACHABLE);
	expect(&h, 3, VIGIL_SCAN_DIRECT);
	heap_free(&h);
}

Test(scan, one_past_end_does_not_count)
{
	struct heap h;
	uintptr_t roots[2];

	heap_init(&h, 3, 4, 8);
	roots[0] = h.b[0].hi;      /* one past the end, inside the gap */
	roots[1] = h.b[1].lo - 1;  /* one before the start */
	root(&h, roots, 2);
	vigil_scan__classify(&h.s);
	expect(&h, 0, VIGIL_SCAN_DIRECT);
	expect(&h, 1, VIGIL_SCAN_DIRECT);
	expect(&h, 2, VIGIL_SCAN_DIRECT);
	heap_free(&h);
}

Test(scan, one_past_end_of_abutting_block_is_next_block)
{
	struct heap h;
	uintptr_t roots[1];

	/* stride == words: blocks touch, so hi of 0 is lo of 1. */
	heap_init(&h, 2, 4, 4);
	roots[0] = h.b[0].hi;
	root(&h, roots, 1);
	expect(&h, 0, VIGIL_SCAN_UNSEEN);
	expect(&h, 1, VIGIL_SCAN_REACHABLE);
	heap_free(&h);
}

Test(scan, root_range_aligns_inward)
{
	struct heap h;
	uintptr_t r[4];

	heap_init(&h, 4, 2, 4);
	for (size_t i = 0; i < 4; i++)
		r[i] = addr(&h, i);
	/* [r+1, r+31): whole words r[1] and r[2] only; r[0] and r[3] are cut. */
	vigil_scan__root_range(&h.s, (uintptr_t)r + 1, (uintptr_t)r + 31, 0);
	expect(&h, 0, VIGIL_SCAN_UNSEEN);
	expect(&h, 1, VIGIL_SCAN_REACHABLE);
	expect(&h, 2, VIGIL_SCAN_REACHABLE);
	expect(&h, 3, VIGIL_SCAN_UNSEEN);
	/* Empty and inverted ranges read nothing. */
	vigil_scan__root_range(&h.s, (uintptr_t)r, (uintptr_t)r, 0);
	vigil_scan__root_range(&h.s, (uintptr_t)(r + 4), (uintptr_t)r, 0);
	expect(&h, 0, VIGIL_SCAN_UNSEEN);
	expect(&h, 3, VIGIL_SCAN_UNSEEN);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, root_words_registers)
{
	struct heap h;
	uintptr_t regs[6] = {0, 42, 0, 0, 0xffffffffffffffff, 0};

	/* The registers hold 2 (interior) and 0, and 0 points to 3; nothing holds 1. */
	heap_init(&h, 4, 4, 8);
	regs[0] = addr(&h, 2) + 16;
	regs[5] = addr(&h, 0);
	*word(&h, 0, 3) = addr(&h, 3);
	vigil_scan__root_words(&h.s, regs, 6);
	expect(&h, 0, VIGIL_SCAN_REACHABLE);
	expect(&h, 1, VIGIL_SCAN_UNSEEN);
	expect(&h, 2, VIGIL_SCAN_REACHABLE);
	expect(&h, 3, VIGIL_SCAN_REACHABLE);
	vigil_scan__classify(&h.s);
	expect(&h, 1, VIGIL_SCAN_DIRECT);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, root_words_count_is_words)
{
	struct heap h;
	uintptr_t regs[2];

	heap_init(&h, 2, 2, 4);
	regs[0] = addr(&h, 0);
	regs[1] = addr(&h, 1);
	vigil_scan__root_words(&h.s, regs, 1);
	expect(&h, 0, VIGIL_SCAN_REACHABLE);
	expect(&h, 1, VIGIL_SCAN_UNSEEN);
	heap_free(&h);
}

/* One heap with every shape above: roots reach 0 -> 1 (interior) and 6; 2 is a leaked
 * struct holding 3 and 4; 5 <-> 7 is a leaked cycle; 8 is leaked and points at 6. */
#define MIXED_N 9

static void mixed_heap(struct heap *h, uintptr_t *roots, int safe)
{
	heap_init(h, MIXED_N, 6, 10);
	h->s.safe = safe;
	roots[0] = addr(h, 0);
	roots[1] = 7;
	roots[2] = addr(h, 6) + 40;
	*word(h, 0, 5) = addr(h, 1) + 8;
	*word(h, 2, 0) = addr(h, 3);
	*word(h, 2, 4) = addr(h, 4) + 47;
	*word(h, 5, 2) = addr(h, 7);
	*word(h, 7, 3) = addr(h, 5);
	*word(h, 8, 1) = addr(h, 6);
	/* One past the end of 1 from inside the cycle: must not reach anything. */
	*word(h, 5, 5) = h->b[1].hi;
}

static const unsigned mixed_expected[MIXED_N] = {
	VIGIL_SCAN_REACHABLE, VIGIL_SCAN_REACHABLE, VIGIL_SCAN_DIRECT,
	VIGIL_SCAN_INDIRECT, VIGIL_SCAN_INDIRECT, VIGIL_SCAN_DIRECT,
	VIGIL_SCAN_REACHABLE, VIGIL_SCAN_INDIRECT, VIGIL_SCAN_DIRECT,
};

Test(scan, mixed_heap_direct)
{
	struct heap h;
	uintptr_t roots[3];

	mixed_heap(&h, roots, 0);
	root(&h, roots, 3);
	vigil_scan__classify(&h.s);
	for (size_t i = 0; i < MIXED_N; i++)
		expect(&h, i, mixed_expected[i]);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, safe_mode_same_result)
{
	struct heap h;
	uintptr_t roots[3];

	mixed_heap(&h, roots, 1);
	root(&h, roots, 3);
	vigil_scan__classify(&h.s);
	for (size_t i = 0; i < MIXED_N; i++)
		expect(&h, i, mixed_expected[i]);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, safe_root_range_argument)
{
	struct heap h;
	uintptr_t roots[3];

	/* s.safe off, the per-call flag on: the roots go through process_vm_readv. */
	mixed_heap(&h, roots, 0);
	vigil_scan__root_range(&h.s, (uintptr_t)roots, (uintptr_t)(roots + 3), 1);
	vigil_scan__classify(&h.s);
	for (size_t i = 0; i < MIXED_N; i++)
		expect(&h, i, mixed_expected[i]);
	heap_free(&h);
}

Test(scan, safe_root_range_survives_unmapped_page)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct heap h;
	char *m;
	uintptr_t *p0, *p2;

	heap_init(&h, 4, 2, 4);
	m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(m, MAP_FAILED);
	p0 = (uintptr_t *)(m + pg - 16);
	p2 = (uintptr_t *)(m + 2 * pg + 8);
	p0[0] = addr(&h, 0);
	p2[0] = addr(&h, 2);
	((uintptr_t *)m)[0] = addr(&h, 3);
	cr_assert_eq(munmap(m + pg, pg), 0);
	/* Starting mid-page puts page boundaries inside the read chunks. */
	vigil_scan__root_range(&h.s, (uintptr_t)m + 8, (uintptr_t)m + 3 * pg, 1);
	expect(&h, 0, VIGIL_SCAN_REACHABLE);
	expect(&h, 1, VIGIL_SCAN_UNSEEN);
	expect(&h, 2, VIGIL_SCAN_REACHABLE);
	expect(&h, 3, VIGIL_SCAN_UNSEEN); /* before lo */
	munmap(m, pg);
	munmap(m + 2 * pg, pg);
	heap_free(&h);
}

Test(scan, root_gaps_skip_blocks)
{
	struct heap h;
	uintptr_t *region;

	/* Blocks 0..3 live inside one "mapping" with gaps between them; the gaps are
	 * program memory (roots), the blocks are not. Block 4 and 5 are elsewhere. */
	heap_init(&h, 6, 4, 8);
	region = h.mem;
	*word(&h, 0, 0) = addr(&h, 4);  /* inside a block: not a root */
	*word(&h, 1, 6) = addr(&h, 5);  /* in the gap after block 1: a root */
	*word(&h, 2, 4) = addr(&h, 3);  /* first gap word after block 2: a root */
	vigil_scan__root_gaps(&h.s, (uintptr_t)region, (uintptr_t)(region + 4 * 8), 0);
	expect(&h, 0, VIGIL_SCAN_UNSEEN);
	expect(&h, 1, VIGIL_SCAN_UNSEEN);
	expect(&h, 2, VIGIL_SCAN_UNSEEN);
	expect(&h, 3, VIGIL_SCAN_REACHABLE);
	expect(&h, 4, VIGIL_SCAN_UNSEEN);
	expect(&h, 5, VIGIL_SCAN_REACHABLE);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, root_gaps_range_starting_inside_block)
{
	struct heap h;

	/* The range starts in the middle of block 0: its tail is still block memory. */
	heap_init(&h, 4, 4, 8);
	*word(&h, 0, 3) = addr(&h, 2);
	*word(&h, 0, 5) = addr(&h, 3);  /* gap after block 0 */
	vigil_scan__root_gaps(&h.s, addr(&h, 0) + 16, addr(&h, 1), 0);
	expect(&h, 2, VIGIL_SCAN_UNSEEN);
	expect(&h, 3, VIGIL_SCAN_REACHABLE);
	heap_free(&h);
}

Test(scan, sort_sorts)
{
	enum { N = 1000 };
	struct vigil_scan_block *b = calloc(N, sizeof(*b));
	struct vigil_scan s = {.b = b, .n = N};
	uint64_t x = 88172645463325252ull;

	cr_assert_not_null(b);
	for (size_t i = 0; i < N; i++) {
		b[i].lo = 0x10000 + i * 64;
		b[i].hi = b[i].lo + 32;
		b[i].stack = (uint32_t)i + 1000;
	}
	/* Fisher-Yates with a fixed xorshift seed. */
	for (size_t i = N - 1; i > 0; i--) {
		struct vigil_scan_block t;
		size_t j;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = x % (i + 1);
		t = b[i];
		b[i] = b[j];
		b[j] = t;
	}
	cr_assert_neq(b[0].lo, 0x10000, "the shuffle should move the first block");
	vigil_scan__sort(&s);
	for (size_t i = 0; i < N; i++) {
		cr_assert_eq(b[i].lo, 0x10000 + i * 64, "position %zu", i);
		cr_assert_eq(b[i].hi, b[i].lo + 32, "hi moved without its lo at %zu", i);
		cr_assert_eq(b[i].stack, i + 1000, "stack moved without its block at %zu", i);
	}
	free(b);
}

Test(scan, sort_small)
{
	struct vigil_scan_block b[3] = {
		{.lo = 300, .hi = 310}, {.lo = 100, .hi = 110}, {.lo = 200, .hi = 210}};
	struct vigil_scan s = {.b = b, .n = 0};

	vigil_scan__sort(&s);
	cr_assert_eq(b[0].lo, 300);
	s.n = 1;
	vigil_scan__sort(&s);
	cr_assert_eq(b[0].lo, 300);
	s.n = 2;
	vigil_scan__sort(&s);
	cr_assert_eq(b[0].lo, 100);
	cr_assert_eq(b[1].lo, 300);
	cr_assert_eq(b[2].lo, 200);
	s.n = 3;
	vigil_scan__sort(&s);
	cr_assert_eq(b[0].lo, 100);
	cr_assert_eq(b[1].lo, 200);
	cr_assert_eq(b[2].lo, 300);
}

Test(scan, find_boundaries)
{
	struct vigil_scan_block b[4] = {
		{.lo = 0x1000, .hi = 0x1010},
		{.lo = 0x1010, .hi = 0x1020}, /* abuts the first */
		{.lo = 0x2000, .hi = 0x2001}, /* malloc(0)-like: one byte */
		{.lo = 0x3000, .hi = 0x3100},
	};
	struct vigil_scan s = {.b = b, .n = 4};
	struct vigil_scan empty = {.b = b, .n = 0};

	cr_assert_eq(vigil_scan__find(&s, 0), -1);
	cr_assert_eq(vigil_scan__find(&s, 0xfff), -1);
	cr_assert_eq(vigil_scan__find(&s, 0x1000), 0);
	cr_assert_eq(vigil_scan__find(&s, 0x100f), 0);
	cr_assert_eq(vigil_scan__find(&s, 0x1010), 1);
	cr_assert_eq(vigil_scan__find(&s, 0x101f), 1);
	cr_assert_eq(vigil_scan__find(&s, 0x1020), -1);
	cr_assert_eq(vigil_scan__find(&s, 0x1fff), -1);
	cr_assert_eq(vigil_scan__find(&s, 0x2000), 2);
	cr_assert_eq(vigil_scan__find(&s, 0x2001), -1);
	cr_assert_eq(vigil_scan__find(&s, 0x3000), 3);
	cr_assert_eq(vigil_scan__find(&s, 0x30ff), 3);
	cr_assert_eq(vigil_scan__find(&s, 0x3100), -1);
	cr_assert_eq(vigil_scan__find(&s, UINTPTR_MAX), -1);
	cr_assert_eq(vigil_scan__find(&empty, 0x1000), -1);
}

Test(scan, any_in)
{
	struct vigil_scan_block b[3] = {
		{.lo = 0x1000, .hi = 0x1100},
		{.lo = 0x2000, .hi = 0x2100},
		{.lo = 0x3000, .hi = 0x3100},
	};
	struct vigil_scan s = {.b = b, .n = 3};
	struct vigil_scan empty = {.b = b, .n = 0};

	cr_assert_eq(vigil_scan__any_in(&s, 0, 0x1000), 0, "hi is exclusive");
	cr_assert_eq(vigil_scan__any_in(&s, 0, 0x1001), 1);
	cr_assert_eq(vigil_scan__any_in(&s, 0x1000, 0x1001), 1, "lo is inclusive");
	/* Inside a block but holding no block start. */
	cr_assert_eq(vigil_scan__any_in(&s, 0x1001, 0x10ff), 0);
	cr_assert_eq(vigil_scan__any_in(&s, 0x1001, 0x2000), 0);
	cr_assert_eq(vigil_scan__any_in(&s, 0x1001, 0x2001), 1);
	cr_assert_eq(vigil_scan__any_in(&s, 0x2500, 0x3500), 1);
	cr_assert_eq(vigil_scan__any_in(&s, 0x3001, UINTPTR_MAX), 0);
	cr_assert_eq(vigil_scan__any_in(&s, 0, UINTPTR_MAX), 1);
	cr_assert_eq(vigil_scan__any_in(&empty, 0, UINTPTR_MAX), 0);
}

/* 100k list nodes of two words: {next, payload}. */
#define LIST_N 100000

static void link_list(struct heap *h, int forward)
{
	for (size_t i = 0; i + 1 < LIST_N; i++) {
		if (forward)
			*word(h, i, 0) = addr(h, i + 1);
		else
			*word(h, i + 1, 0) = addr(h, i);
	}
}

Test(scan, long_list_reachable)
{
	struct heap h;
	uintptr_t roots[1];

	heap_init(&h, LIST_N, 2, 4);
	link_list(&h, 1);
	roots[0] = addr(&h, 0);
	root(&h, roots, 1);
	vigil_scan__classify(&h.s);
	for (size_t i = 0; i < LIST_N; i++)
		expect(&h, i, VIGIL_SCAN_REACHABLE);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, long_list_leaked_forward)
{
	struct heap h;

	heap_init(&h, LIST_N, 2, 4);
	link_list(&h, 1);
	vigil_scan__classify(&h.s);
	expect(&h, 0, VIGIL_SCAN_DIRECT);
	for (size_t i = 1; i < LIST_N; i++)
		expect(&h, i, VIGIL_SCAN_INDIRECT);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, long_list_leaked_backward)
{
	struct heap h;

	/* Head at the highest address: classification meets the tail first, so each
	 * node is direct until its predecessor is expanded. */
	heap_init(&h, LIST_N, 2, 4);
	link_list(&h, 0);
	vigil_scan__classify(&h.s);
	for (size_t i = 0; i + 1 < LIST_N; i++)
		expect(&h, i, VIGIL_SCAN_INDIRECT);
	expect(&h, LIST_N - 1, VIGIL_SCAN_DIRECT);
	check_guard(&h);
	heap_free(&h);
}

Test(scan, wide_fanout_fills_work_list_exactly)
{
	struct heap h;
	uintptr_t roots[1];
	uintptr_t *table;

	/* Block 0 becomes a pointer table to every other block: n - 1 entries queued at
	 * once, the most the work list ever holds. The table is its own allocation, so
	 * the blocks are sorted again. */
	heap_init(&h, LIST_N, 2, 4);
	table = calloc(LIST_N, sizeof(*table));
	cr_assert_not_null(table);
	for (size_t i = 1; i < LIST_N; i++)
		table[i] = addr(&h, i) + 8;
	h.b[0].lo = (uintptr_t)table;
	h.b[0].hi = (uintptr_t)(table + LIST_N);
	vigil_scan__sort(&h.s);
	roots[0] = (uintptr_t)table;
	root(&h, roots, 1);
	for (size_t i = 0; i < LIST_N; i++)
		expect(&h, i, VIGIL_SCAN_REACHABLE);
	check_guard(&h);
	heap_free(&h);
	free(table);
}

Test(scan, wide_leaked_fanout)
{
	struct heap h;
	uintptr_t *table;
	long t;

	heap_init(&h, LIST_N, 2, 4);
	table = calloc(LIST_N, sizeof(*table));
	cr_assert_not_null(table);
	for (size_t i = 1; i < LIST_N; i++)
		table[i] = addr(&h, i);
	h.b[0].lo = (uintptr_t)table;
	h.b[0].hi = (uintptr_t)(table + LIST_N);
	vigil_scan__sort(&h.s);
	t = vigil_scan__find(&h.s, (uintptr_t)table);
	cr_assert_geq(t, 0);
	vigil_scan__classify(&h.s);
	for (size_t i = 0; i < LIST_N; i++)
		expect(&h, i, (long)i == t ? VIGIL_SCAN_DIRECT : VIGIL_SCAN_INDIRECT);
	check_guard(&h);
	heap_free(&h);
	free(table);
}
