/* SPDX-License-Identifier: MIT */
/* Stack walking with no unwinding library: return addresses of the calling thread's
 * stack, or of an interrupted context, from a cache of per-pc unwind rules. */
#ifndef VIGIL_UNWIND_H
#define VIGIL_UNWIND_H

#include <stdint.h>

#include "hidden.h"

/* Fills pcs with at most max return addresses, innermost first: pcs[0] is the return
 * address into the caller of this function. With skip_own, leading frames inside the
 * object that holds this code (libvigil.so) are dropped first. Returns the count; a
 * walk that cannot go on returns the frames it has. Takes no lock on the hot path;
 * the first call in a thread allocates (stack bounds, the walk memo), so callers hold
 * the vigil guard. */
unsigned vigil_unwind__capture(uintptr_t *pcs, unsigned max, unsigned skip_own)
	__attribute__((visibility("hidden"), noinline));

/* The same with skip_own, and cfas[i] = the stack pointer of pcs[i]'s frame right
 * after the call returns (the CFA of the frame it returns from): a frame that called
 * an interposer is recognised later by the interposer's __builtin_dwarf_cfa(). */
unsigned vigil_unwind__capture_cfa(uintptr_t *pcs, uintptr_t *cfas, unsigned max)
	__attribute__((visibility("hidden"), noinline));

/* The same from a signal handler's ucontext: pcs[0] is the interrupted pc itself,
 * the rest are return addresses (interrupted pcs past nested signal frames).
 * Async-signal-safe: no lock, no allocation, every stack page checked readable. */
unsigned vigil_unwind__from_context(const void *ucontext, uintptr_t *pcs, unsigned max)
	VIGIL_HID;

/* Forgets every cached rule: called after dlclose, when code can move. */
void vigil_unwind__flush(void) VIGIL_HID;
/* True when addr lies in the calling thread's stack (the bounds the walk uses; the
 * first call in a thread may allocate: call it inside the guard). */
int vigil_unwind__on_stack(uintptr_t addr) VIGIL_HID;
/* Gives back the calling thread's memo; later captures in it walk without one. */
void vigil_unwind__thread_exit(void) VIGIL_HID;

/* Counters for the STATS record and tests: unwind rules computed from CFI (cache
 * misses) and walks that ended at a frame they could not step through (no CFI, CFI
 * not followed, a read outside the stack). Hits are not counted: a shared counter on
 * the hot path would cost more than the lookup. */
struct vigil_unwind_stats {
	uint64_t fills;
	uint64_t truncated;
};

void vigil_unwind__stats(struct vigil_unwind_stats *out) VIGIL_HID;

#endif
