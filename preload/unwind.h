/* SPDX-License-Identifier: MIT */
/* Fast stack capture: return addresses of the calling thread's stack from a cache of
 * per-pc unwind rules, identical to unw_backtrace's but a fraction of its cost. */
#ifndef VIGIL_UNWIND_H
#define VIGIL_UNWIND_H

#include <stdint.h>

/* Fills pcs with at most max return addresses, innermost first: pcs[0] is the return
 * address into the caller of this function. With skip_own, leading frames inside the
 * object that holds this code (libvigil.so) are dropped first. Returns the count.
 * Takes no lock on the hot path; may call malloc once per thread (stack bounds) and
 * unw_backtrace for stacks it cannot walk itself, so callers hold the vigil guard. */
unsigned vigil_unwind__capture(uintptr_t *pcs, unsigned max, unsigned skip_own)
	__attribute__((visibility("hidden"), noinline));

/* Forgets every cached rule: called after dlclose, when code can move. */
void vigil_unwind__flush(void) __attribute__((visibility("hidden")));
/* True when addr lies in the calling thread's stack (the bounds the walk uses; the
 * first call in a thread may allocate: call it inside the guard). */
int vigil_unwind__on_stack(uintptr_t addr) __attribute__((visibility("hidden")));

/* Counters for the STATS record and tests: unwind rules computed from CFI (cache
 * misses) and captures handed to unw_backtrace. Hits are not counted: a shared
 * counter on the hot path would cost more than the lookup. */
struct vigil_unwind_stats {
	uint64_t fills;
	uint64_t fallbacks;
};

void vigil_unwind__stats(struct vigil_unwind_stats *out) __attribute__((visibility("hidden")));

#endif
