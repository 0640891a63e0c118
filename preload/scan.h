/* SPDX-License-Identifier: MIT */
/* The reachability scan behind the leak check, LSan-style and conservative: every
 * aligned word in the roots that points into a live block (interior pointers count)
 * makes that block reachable, transitively. What remains is leaked; a leaked block
 * reachable from another leaked block is indirect, the others are direct. Pure:
 * unit tests drive it with synthetic heaps. */
#ifndef VIGIL_SCAN_H
#define VIGIL_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "hidden.h"

enum vigil_scan_state {
	VIGIL_SCAN_UNSEEN = 0, /* not reached (yet) */
	VIGIL_SCAN_REACHABLE,
	VIGIL_SCAN_DIRECT,     /* leaked, referenced by no other leaked block */
	VIGIL_SCAN_INDIRECT,   /* leaked, referenced by a leaked block */
	VIGIL_SCAN_SOURCE,     /* internal: the leaked block being expanded */
	VIGIL_SCAN_REFERENCED, /* internal: leaked, some other leaked block points here */
	VIGIL_SCAN_IGNORED,    /* freed, in quarantine: neither root nor candidate */
};

struct vigil_scan_block {
	uintptr_t lo, hi; /* hi > lo even for malloc(0) */
	uint32_t stack;
	uint32_t tid; /* allocating thread, carried into the report */
	uint8_t state;
	uint8_t inherited; /* from before fork: traversed, never reported here */
	uint8_t pad[6];
};

struct vigil_scan {
	struct vigil_scan_block *b; /* sorted by lo, non-overlapping */
	size_t n;
	uint32_t *work;             /* n entries */
	size_t nwork;
	int safe;                   /* read block contents with process_vm_readv */
};

/* Sorts s->b by address. */
void vigil_scan__sort(struct vigil_scan *s) VIGIL_HID;
/* Index of the block holding addr, or -1. */
long vigil_scan__find(const struct vigil_scan *s, uintptr_t addr) VIGIL_HID;
/* True when some block starts inside [lo, hi). */
int vigil_scan__any_in(const struct vigil_scan *s, uintptr_t lo, uintptr_t hi) VIGIL_HID;
/* Roots: a memory range (read directly, or safely when s->safe or safe is set) or an
 * array of candidate words (registers). Reached blocks are marked REACHABLE, and
 * everything they reach, transitively. */
void vigil_scan__root_range(struct vigil_scan *s, uintptr_t lo, uintptr_t hi, int safe) VIGIL_HID;
void vigil_scan__root_words(struct vigil_scan *s, const uintptr_t *w, size_t n) VIGIL_HID;
/* A range minus the blocks inside it: memory of the program that merely shares a
 * mapping with heap blocks (the kernel merges adjacent anonymous mappings). */
void vigil_scan__root_gaps(struct vigil_scan *s, uintptr_t lo, uintptr_t hi, int safe) VIGIL_HID;
/* One word read as the safe scan reads (no fault on unmapped memory): 0, or -1. */
int vigil_scan__read_word(uintptr_t addr, uintptr_t *w) VIGIL_HID;
/* After all roots: classifies every unreached block as DIRECT (no other leaked
 * block points at it; in a cycle nothing else points into, its lowest member) or
 * INDIRECT. */
void vigil_scan__classify(struct vigil_scan *s) VIGIL_HID;

#endif
