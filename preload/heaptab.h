/* SPDX-License-Identifier: MIT */
/* The allocation side table: live block -> size, allocator family, allocation stack.
 * Sharded open addressing, one lock per shard and no global lock on the hot path;
 * bounded by max blocks (blocks over the limit are not tracked and are counted). Pure:
 * no interposition, driven directly by unit tests. */
#ifndef VIGIL_HEAPTAB_H
#define VIGIL_HEAPTAB_H

#include <stdint.h>

#define VIGIL_HID __attribute__((visibility("hidden")))

enum vigil_alloc_kind {
	VIGIL_ALLOC_MALLOC = 0, /* malloc family, freed with free */
	VIGIL_ALLOC_NEW,        /* operator new */
	VIGIL_ALLOC_NEW_ARRAY,  /* operator new[] */
};

struct vigil_block {
	uintptr_t ptr;
	uint64_t size;
	uint32_t stack; /* allocation stack id, 0 if none */
	uint32_t tid;
	uint8_t kind;   /* enum vigil_alloc_kind */
};

struct vigil_heaptab;

struct vigil_heaptab *vigil_heaptab__new(unsigned long max_blocks) VIGIL_HID;
/* 0, or -ENOSPC when the table is full (the block is then untracked). */
int vigil_heaptab__insert(struct vigil_heaptab *t, const struct vigil_block *b) VIGIL_HID;
/* Removes ptr; 0 and the block in *out, or -ENOENT when ptr is not tracked. */
int vigil_heaptab__remove(struct vigil_heaptab *t, uintptr_t ptr, struct vigil_block *out) VIGIL_HID;
int vigil_heaptab__find(struct vigil_heaptab *t, uintptr_t ptr, struct vigil_block *out) VIGIL_HID;

/* With every shard locked (lock_all), visits every live block. */
void vigil_heaptab__lock_all(struct vigil_heaptab *t) VIGIL_HID;
void vigil_heaptab__unlock_all(struct vigil_heaptab *t, int reset) VIGIL_HID;
unsigned long vigil_heaptab__count_locked(struct vigil_heaptab *t) VIGIL_HID;
void vigil_heaptab__foreach_locked(struct vigil_heaptab *t,
				   void (*fn)(const struct vigil_block *, void *), void *ctx) VIGIL_HID;

struct vigil_heap_stats {
	unsigned long live_blocks;
	uint64_t live_bytes;
	unsigned long overflow;
};
void vigil_heaptab__stats(struct vigil_heaptab *t, struct vigil_heap_stats *s) VIGIL_HID;

#endif
