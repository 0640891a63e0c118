/* SPDX-License-Identifier: MIT */
/* The heap check: every allocation and release the interposers (malloc.c, new.c) see
 * goes through here. Full mode tracks every block (stack, redzone, quarantine on
 * free); canary mode tracks a byte-sampled few and lets the rest through at the cost
 * of one load on free. Errors found on these paths become findings at once. */
#ifndef VIGIL_HEAP_H
#define VIGIL_HEAP_H

#include <stddef.h>

#include "heaptab.h"

extern struct vigil_heaptab *vigil_heap __attribute__((visibility("hidden")));

/* The byte pattern of redzones and of the slack of guard-page blocks, and the one
 * freed blocks are filled with while in quarantine. */
#define VIGIL_RZ_BYTE 0xfa
#define VIGIL_FREED_BYTE 0xfd

int vigil_heap__init(void) VIGIL_HID;

/* Only while vigil_rt__active(): the allocating side. align 0 means malloc's.
 * Returns what the real call would, errno included. */
void *vigil_heap__alloc(size_t size, size_t align, unsigned op, int zero) VIGIL_HID;
void *vigil_heap__realloc(void *p, size_t size) VIGIL_HID;

/* In any state: blocks vigil laid out itself (guard pages, canary prefix) must go
 * back the way they came even after vigil stopped checking. */
void vigil_heap__free(void *p, unsigned op) VIGIL_HID;
size_t vigil_heap__usable(void *p) VIGIL_HID;
/* realloc when vigil is not active: only its own layouts need care. */
void *vigil_heap__realloc_passive(void *p, size_t size) VIGIL_HID;

/* True when bytes [size, size + n) of the block at p still hold the redzone pattern;
 * else the offset of the first damaged byte in *bad. */
int vigil_heap__redzone_ok(const struct vigil_block *b, uint64_t *bad) VIGIL_HID;
/* True when a freed block still holds the freed pattern; else the offset of the
 * first byte written after free in *bad. */
int vigil_heap__freed_ok(const struct vigil_block *b, uint64_t *bad) VIGIL_HID;
/* After reporting a heap error: --on-error abort ends the process here. */
void vigil_heap__after_error(void) VIGIL_HID;

/* The bounds check of a libc call (memcpy, strcpy, read, sprintf...) that is about to
 * touch n bytes at p: when p is the start of a tracked block, an access past its end
 * is a heap-overflow and any access to it after free a use-after-free, reported at
 * the call (detected_by "call"). Interior pointers are not checked here (the redzone
 * and quarantine checks still see their damage later). Call only while
 * vigil_rt__active(); it enters the guard itself. Returns 1 when it reported. */
int vigil_heap__check_call(const void *p, size_t n, int write) VIGIL_HID;

/* fork(2) */
void vigil_heap__lock(void) VIGIL_HID;
void vigil_heap__unlock(int reset) VIGIL_HID;

#endif
