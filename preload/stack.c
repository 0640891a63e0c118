// SPDX-License-Identifier: MIT
/* Capturing stacks is the dominant cost of the heap checks: unwind.c walks with a
 * per-PC rule cache and a per-thread memo of the last walk, and the result is
 * interned so each distinct stack is stored and written once. */
#define UNW_LOCAL_ONLY
#include <libunwind.h>
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
	/* The global cache sits behind one mutex: a fork while another thread holds it
	 * would leave the child's unwinder locked forever. Per-thread caches take no
	 * shared lock. */
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
	vigil_stacks = vigil_stacktab__new(max_stacks);
	return vigil_stacks ? 0 : -ENOMEM;
}

/* A thread allocates and frees from a handful of sites over and over: the last few
 * stacks it interned are remembered so a repeat skips the table's hash and lock. */
#define RECENT 4

struct recent {
	uint32_t id;
	unsigned depth;
	uintptr_t pcs[VIGIL_STACK_DEPTH_MAX];
};

static __thread struct recent recent[RECENT];
static __thread unsigned recent_next;

uint32_t vigil_stack__capture_depth(unsigned depth)
{
	uintptr_t pcs[VIGIL_STACK_DEPTH_MAX];
	unsigned n = vigil_unwind__capture(pcs, depth, 1);
	struct recent *r;
	uint32_t id;

	if (!n)
		return 0;
	for (unsigned i = 0; i < RECENT; i++) {
		r = &recent[i];
		if (r->depth == n && r->id && r->pcs[0] == pcs[0] &&
		    !memcmp(r->pcs, pcs, n * sizeof(*pcs)))
			return r->id;
	}
	id = vigil_stacktab__intern(vigil_stacks, pcs, n);
	if (id) {
		r = &recent[recent_next++ % RECENT];
		r->id = id;
		r->depth = n;
		memcpy(r->pcs, pcs, n * sizeof(*pcs));
	}
	return id;
}

uint32_t vigil_stack__capture(void)
{
	return vigil_stack__capture_depth(vigil_rt.opt.stack_depth);
}

unsigned vigil_stack__from_ucontext(void *uc, uintptr_t *pcs, unsigned max)
{
	unw_cursor_t c;
	unw_word_t ip;
	unsigned n = 0;

	if (unw_init_local2(&c, (unw_context_t *)uc, UNW_INIT_SIGNAL_FRAME) < 0)
		return 0;
	do {
		if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || !ip)
			break;
		pcs[n++] = (uintptr_t)ip;
	} while (n < max && unw_step(&c) > 0);
	return n;
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
