/* SPDX-License-Identifier: MIT */
/* /proc/self/maps, read with raw system calls into a caller's array: the leak scan's
 * root discovery and the invalid-free classifier both need to know what an address
 * is (stack, heap, module image, anonymous memory). */
#ifndef VIGIL_MAPS_H
#define VIGIL_MAPS_H

#include <stdint.h>

#include "hidden.h"

struct vigil_map {
	uintptr_t lo, hi;
	uint8_t r, w;
	uint8_t anon;    /* no file behind it */
	uint8_t special; /* [heap], [stack], [vvar], [vdso]... */
	uint8_t stack;   /* the main thread's [stack] */
	uint8_t heap;    /* [heap]: the brk area */
};

/* Fills at most max entries; returns how many, or -errno. */
int vigil_maps__read(struct vigil_map *out, unsigned max) VIGIL_HID;
/* The same, or -EBUSY at once when another thread is reading: for a caller that has
 * stopped the other threads, one of which may hold the reader's buffer. */
int vigil_maps__read_nowait(struct vigil_map *out, unsigned max) VIGIL_HID;
/* What of a (na entries) is still mapped as b says: the overlaps, with b's kind and
 * the permissions both grant. Both sorted, as read. Returns how many went to out. */
unsigned vigil_maps__intersect(const struct vigil_map *a, unsigned na, const struct vigil_map *b,
			       unsigned nb, struct vigil_map *out, unsigned max) VIGIL_HID;
const struct vigil_map *vigil_maps__find(const struct vigil_map *m, unsigned n,
					 uintptr_t addr) VIGIL_HID;
/* The mapping holding addr, read line by line (no table, no allocation): for callers
 * that may run inside the C library's own locks. 0 or -errno. */
int vigil_maps__containing(uintptr_t addr, struct vigil_map *out) VIGIL_HID;
/* fork(2): held across it, so the child never finds the reader's buffer taken. */
void vigil_maps__lock(void) VIGIL_HID;
void vigil_maps__unlock(int reset) VIGIL_HID;

#endif
