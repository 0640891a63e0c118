/* SPDX-License-Identifier: MIT */
/* Guarded sampling: a sampled few allocations live alone on a page between two
 * PROT_NONE guard pages, right-aligned against the next guard (overflows fault) or
 * left-aligned after the previous one (underflows fault); a freed slot turns
 * PROT_NONE and stays so while other slots serve (use after free faults). The fault
 * handler turns such a fault into a finding before anything else happens. */
#ifndef VIGIL_GUARDPOOL_H
#define VIGIL_GUARDPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "heaptab.h"
#include "hidden.h"

int vigil_guardpool__init(unsigned nslots) VIGIL_HID;

/* The pool's address range, set once by init (0, 0 without a pool). */
extern uintptr_t vigil_guardpool_lo VIGIL_HID, vigil_guardpool_hi VIGIL_HID;

/* Cheap range test, safe in any state: it sits on every free. */
static inline int vigil_guardpool__owns(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	return a >= vigil_guardpool_lo && a < __atomic_load_n(&vigil_guardpool_hi, __ATOMIC_ACQUIRE);
}
/* A block on a guarded page, or NULL (no free slot, too big, alignment too big). */
void *vigil_guardpool__alloc(size_t size, size_t align, unsigned op, uint32_t stack,
			     uint32_t tid) VIGIL_HID;
/* Releases p: 0 and the block as it was; -EALREADY and the block on a double free;
 * -ENOENT when p is not the start of a live or freed pool block. */
int vigil_guardpool__free(void *p, uint32_t free_stack, uint32_t free_tid,
			  struct vigil_block *out) VIGIL_HID;
int vigil_guardpool__find(const void *p, struct vigil_block *out) VIGIL_HID;
/* Called first by the SIGSEGV handler: 1 when addr is in the pool and the fault was
 * reported (and, with --on-error continue, the page made accessible so the faulting
 * instruction can run again). */
int vigil_guardpool__fault(uintptr_t addr, void *uc) VIGIL_HID;

/* fork(2) */
void vigil_guardpool__lock(void) VIGIL_HID;
void vigil_guardpool__unlock(int reset) VIGIL_HID;

#endif
