/* SPDX-License-Identifier: MIT */
/* Heap error findings: what each kind records (stacks, details) in one place, and the
 * classification of a pointer the allocator does not know. Called inside the guard. */
#ifndef VIGIL_HEAPERR_H
#define VIGIL_HEAPERR_H

#include <stddef.h>
#include <stdint.h>

#include "heaptab.h"
#include "hidden.h"

void vigil_heaperr__double_free(const struct vigil_block *b, unsigned op, uint32_t stack) VIGIL_HID;
void vigil_heaperr__mismatch(const struct vigil_block *b, unsigned op, uint32_t stack) VIGIL_HID;
void vigil_heaperr__overflow(const struct vigil_block *b, uint64_t bad, unsigned detected_by,
			     uint32_t stack) VIGIL_HID;
/* A libc call about to touch n bytes of block b: past its end, or b is freed. */
void vigil_heaperr__at_call(const struct vigil_block *b, uint64_t n, int write,
			    uint32_t stack) VIGIL_HID;
void vigil_heaperr__write_after_free(const struct vigil_block *b, uint64_t off) VIGIL_HID;
/* n == 0: a single size over the limit; else calloc(n, size) overflowed. */
void vigil_heaperr__bad_size(size_t size, size_t n) VIGIL_HID;
/* A release of a pointer the heap table does not hold. Returns 0 when it looks like
 * a block of the real allocator that vigil never saw (the caller frees it as usual),
 * 1 when it was reported as invalid-free (the caller must not pass it on). */
int vigil_heaperr__invalid_free(void *p, unsigned op, uint32_t stack) VIGIL_HID;

#endif
