/* SPDX-License-Identifier: MIT */
/* The heap check: every allocation and release the interposers (malloc.c, new.c) see
 * goes through here. Full mode tracks every block (stack, redzone, quarantine on
 * free); canary mode tracks a byte-sampled few and lets the rest through at the cost
 * of one load on free. Errors found on these paths become findings at once. */
#ifndef VIGIL_HEAP_H
#define VIGIL_HEAP_H

#include <stddef.h>

#include "guardpool.h"
#include "heaptab.h"
#include "hidden.h"
#include "rt.h"

extern struct vigil_heaptab *vigil_heap VIGIL_HID;

/* The byte pattern of redzones and of the slack of guard-page blocks, and the one
 * freed blocks are filled with while in quarantine. */
#define VIGIL_RZ_BYTE 0xfa
#define VIGIL_FREED_BYTE 0xfd

/* Marks a canary sample: the word before the block. Bit 3 set, so it is never a
 * glibc chunk size (a multiple of 16 with flags in bits 0-2). */
#define VIGIL_HEAP_MAGIC 0x5649474c5f534d38ull

int vigil_heap__init(void) VIGIL_HID;

/* Set once at init: canary mode, and whether the real allocator is glibc's. */
extern int vigil_heap_canary VIGIL_HID;
/* --checks without heap: every allocation call goes straight to the allocator. */
extern int vigil_heap_off VIGIL_HID;

/* Per-thread sampling state (heap.c): bytes left before the next canary sample,
 * allocations left before the next guard-page block, allocations since the last
 * heap-growth look. */
extern __thread long vigil_heap_sample_left VIGIL_HID;
extern __thread unsigned long vigil_heap_guard_left VIGIL_HID;
extern __thread unsigned vigil_heap_growth_tick VIGIL_HID;

/* Canary mode's common case, inline in malloc: this allocation is not sampled for
 * anything, so it goes straight to the real allocator. It takes only the steps that
 * cannot trigger a sample; the next one that might goes the long way (heap.c). */
static inline int vigil_heap__canary_pass(size_t size)
{
	if (!vigil_heap_canary || size > vigil_rt.opt.alloc_size_limit ||
	    !((vigil_heap_growth_tick + 1) & 1023) ||
	    (vigil_rt.opt.guard_rate && vigil_heap_guard_left <= 1) ||
	    vigil_heap_sample_left <= (long)size)
		return 0;
	vigil_heap_growth_tick++;
	if (vigil_rt.opt.guard_rate)
		vigil_heap_guard_left--;
	vigil_heap_sample_left -= (long)size;
	return 1;
}

/* Canary mode's common free, inline: a block that is no sample, not in the guard
 * pool and plainly a real allocator's block (aligned, a plausible header, not near
 * this thread's stack) goes straight back. Anything else takes the long way, which
 * also reports what cannot be a block. */
static inline int vigil_heap__canary_free_pass(const void *p)
{
	uintptr_t a = (uintptr_t)p, sp = (uintptr_t)__builtin_frame_address(0);
	uint64_t w;

	if (!vigil_heap_canary || (a & 15) || !(a & 4095) || vigil_guardpool__owns(p) ||
	    (a - sp < (8u << 20) || sp - a < (8u << 20)))
		return 0;
	w = *(const volatile uint64_t *)(a - 8);
	if (w == VIGIL_HEAP_MAGIC)
		return 0;
	if (!vigil_rt.real_is_glibc)
		return 1;
	w &= ~7ull;
	return w >= 32 && !(w & 15) && w < (1ull << 48);
}

/* Could p be the start of a block vigil checks? Inline, for the hot wrappers: the
 * calls that cannot concern a tracked block cost a few loads. Only for a p the call
 * is about to touch (n > 0, and the call itself dereferences it): a 16-byte aligned p
 * not at a page start has its previous word on the same page, so that word is
 * readable whenever p is. Buffers handed to the kernel (read, recv) may be bad on
 * purpose (EFAULT): those go to vigil_heap__check_call_untrusted. */
static inline int vigil_heap__maybe_block(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	uint64_t w;

	if (!a || (a & 15))
		return 0;
	if (vigil_guardpool__owns(p))
		return 1;
	if (!(a & 4095))
		return !vigil_heap_canary;
	if (!vigil_heap_canary && !vigil_rt.real_is_glibc)
		return 1; /* another allocator's layout: the table decides */
	w = *(const volatile uint64_t *)(a - 8); /* volatile: not the program's object */
	if (vigil_heap_canary)
		return w == VIGIL_HEAP_MAGIC;
	if (!vigil_rt.real_is_glibc)
		return 1;
	w &= ~7ull;
	return w >= 32 && !(w & 15) && w < (1ull << 48);
}

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
/* The same for a pointer that may not be mapped at all: never loads through it. */
int vigil_heap__check_call_untrusted(const void *p, size_t n, int write) VIGIL_HID;

/* fork(2) */
void vigil_heap__lock(void) VIGIL_HID;
void vigil_heap__unlock(int reset) VIGIL_HID;

#endif
