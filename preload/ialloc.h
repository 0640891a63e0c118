/* SPDX-License-Identifier: MIT */
/* The internal allocator: all memory vigil itself needs comes from mmap'd arenas here,
 * never from the allocator it interposes. Thread-safe. It has no limit of its own:
 * the tables that use it are bounded (max_stacks, max_blocks). */
#ifndef VIGIL_IALLOC_H
#define VIGIL_IALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "hidden.h"

/* Zeroed memory, 16-byte aligned, or NULL when mmap fails. */
void *vigil_ialloc(size_t size) VIGIL_HID;
void vigil_ifree(void *p, size_t size) VIGIL_HID;

/* Copies up to max mapped ranges as lo,hi pairs; returns how many. */
unsigned vigil_ialloc__ranges(uintptr_t (*out)[2], unsigned max) VIGIL_HID;

size_t vigil_ialloc__mapped_bytes(void) VIGIL_HID;

/* fork(2) support: the lock is taken before fork and released or reset after. */
void vigil_ialloc__lock(void) VIGIL_HID;
void vigil_ialloc__unlock(void) VIGIL_HID;
void vigil_ialloc__reset_lock(void) VIGIL_HID;

#endif
