// SPDX-License-Identifier: MIT
/* Capturing stacks is the dominant cost of the heap checks: unwind.c walks with a
 * per-PC rule cache and a per-thread memo of the last walk, and the result is
 * interned so each distinct stack is stored and written once. */
#include <errno.h>
#include <string.h>

#include "modmap.h"
#include "rawlog.h"
#include "rt.h"
#include "stack.h"
#include "unwind.h"

struct vigil_stacktab *vigil_stacks;

/* Ids handed to uninterned stacks count down from here, away from table ids. */
static uint32_t raw_next = 0xffffffffu;

int vigil_stack__init(unsigned max_stacks)
{
	vigil_stacks = vigil_stacktab__new(max_stacks);
	return vigil_stacks ? 0 : -ENOMEM;
}

/* A thread allocates and frees from a handful of sites over and over: the last few
 * stacks it interned are remembered so a repeat skips the table's hash and lock. Per
 * thread (every thread's stack pays for static TLS) only their ids are kept, and
 * where the table holds their pcs, which stay put: a repeat is compared there. */
#define RECENT 4

struct recent {
	const uintptr_t *pcs;
	uintptr_t sig; /* the two innermost pcs: tells paths into one call site apart */
	uint32_t id;
	uint32_t depth;
};

static __thread struct recent recent[RECENT];
static __thread unsigned recent_next;

static inline uintptr_t sig_of(const uintptr_t *pcs, unsigned n)
{
	return pcs[0] ^ (n > 1 ? pcs[1] << 1 : 0);
}

uint32_t vigil_stack__capture_depth(unsigned depth)
{
	uintptr_t pcs[VIGIL_STACK_DEPTH_MAX];
	unsigned n = vigil_unwind__capture(pcs, depth, 1), have_n;
	const uintptr_t *have;
	struct recent *r;
	uintptr_t sig;
	uint32_t id;

	if (!n)
		return 0;
	sig = sig_of(pcs, n);
	for (unsigned i = 0; i < RECENT; i++) {
		r = &recent[i];
		if (r->id && r->depth == n && r->sig == sig && !memcmp(r->pcs, pcs, n * sizeof(*pcs)))
			return r->id;
	}
	id = vigil_stacktab__intern(vigil_stacks, pcs, n);
	if (id && !vigil_stacktab__get(vigil_stacks, id, &have, &have_n) && have_n == n) {
		r = &recent[recent_next++ % RECENT];
		*r = (struct recent){.pcs = have, .sig = sig, .id = id, .depth = n};
	}
	return id;
}

uint32_t vigil_stack__capture(void)
{
	return vigil_stack__capture_depth(vigil_rt.opt.stack_depth);
}

unsigned vigil_stack__from_ucontext(void *uc, uintptr_t *pcs, unsigned max)
{
	return vigil_unwind__from_context(uc, pcs, max);
}

static void write_stack_rec(uint32_t id, const uintptr_t *pcs, unsigned depth)
{
	char rec[sizeof(struct vigil_rec_stack) + (VIGIL_STACK_DEPTH_MAX + 8) * 8];
	size_t sz = vigil_rawlog__enc_stack(rec, sizeof(rec), (uint32_t)vigil_gettid(),
					    vigil_now_ns(), id, pcs, depth);

	if (sz)
		vigil_rawlog__append(rec, sz);
}

void vigil_stack__write(uint32_t id)
{
	const uintptr_t *pcs;
	unsigned depth;

	if (!id || vigil_stacktab__get(vigil_stacks, id, &pcs, &depth))
		return;
	if (!vigil_stacktab__claim_write(vigil_stacks, id, vigil_rawlog__gen()))
		return;
	vigil_modmap__ensure(pcs, depth, 1);
	write_stack_rec(id, pcs, depth);
}

uint32_t vigil_stack__write_raw(const uintptr_t *pcs, unsigned depth, int may_scan)
{
	uint32_t id = __atomic_fetch_sub(&raw_next, 1, __ATOMIC_RELAXED);

	if (depth > VIGIL_STACK_DEPTH_MAX + 8)
		depth = VIGIL_STACK_DEPTH_MAX + 8;
	vigil_modmap__ensure(pcs, depth, may_scan);
	write_stack_rec(id, pcs, depth);
	return id;
}
