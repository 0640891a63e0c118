// SPDX-License-Identifier: MIT
/* Capturing stacks is the dominant cost of the heap checks: unw_backtrace walks with
 * libunwind's cached fast path, and the result is interned so each distinct stack is
 * stored and written once. */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "modmap.h"
#include "rawlog.h"
#include "rt.h"
#include "stack.h"

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

uint32_t vigil_stack__capture(void)
{
	void *buf[VIGIL_STACK_DEPTH_MAX + 8];
	unsigned depth = vigil_rt.opt.stack_depth;
	int n = unw_backtrace(buf, (int)(depth + 8));
	int skip = 0;

	while (skip < n && (uintptr_t)buf[skip] >= vigil_rt.self_start &&
	       (uintptr_t)buf[skip] < vigil_rt.self_end)
		skip++;
	n -= skip;
	if (n <= 0)
		return 0;
	if ((unsigned)n > depth)
		n = (int)depth;
	return vigil_stacktab__intern(vigil_stacks, (const uintptr_t *)(buf + skip), (unsigned)n);
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
