/* SPDX-License-Identifier: MIT */
/* The allocation side table: block -> size, how it was allocated, allocation stack,
 * and, once freed and waiting in quarantine, the free stack. Sharded open addressing,
 * one lock per shard and no global lock on the hot path; bounded by max blocks
 * (blocks over the limit are not tracked and are counted). Pure: no interposition,
 * driven directly by unit tests. */
#ifndef VIGIL_HEAPTAB_H
#define VIGIL_HEAPTAB_H

#include <stdint.h>

#include "hidden.h"

enum vigil_block_state {
	VIGIL_BLOCK_LIVE = 0,
	VIGIL_BLOCK_FREED = 1, /* freed by the program, held in quarantine */
};

enum vigil_block_flags {
	VIGIL_BLOCK_GUARDED = 1u << 0, /* served from the guard-page pool */
	VIGIL_BLOCK_PREFIXED = 1u << 1, /* canary sample: a prefix holds vigil's magic */
	VIGIL_BLOCK_INHERITED = 1u << 2, /* allocated before this process forked off */
	VIGIL_BLOCK_REPORTED = 1u << 3, /* an overflow of it was already reported */
};

#define VIGIL_BLOCK_SIZE_MAX ((1ull << 48) - 1)

struct vigil_block {
	uintptr_t ptr;
	uint64_t size;       /* as requested; at most VIGIL_BLOCK_SIZE_MAX */
	uint32_t stack;      /* allocation stack id, 0 if none */
	uint32_t tid;
	uint32_t free_stack; /* valid when FREED */
	uint32_t free_tid;
	uint8_t kind;        /* enum vigil_heap_op that allocated it */
	uint8_t state;       /* enum vigil_block_state */
	uint8_t flags;       /* enum vigil_block_flags */
};

struct vigil_heaptab;

struct vigil_heaptab *vigil_heaptab__new(unsigned long max_blocks) VIGIL_HID;
/* 0, or -ENOSPC when the table is full (the block is then untracked). */
int vigil_heaptab__insert(struct vigil_heaptab *t, const struct vigil_block *b) VIGIL_HID;
/* Removes ptr; 0 and the block in *out, or -ENOENT when ptr is not tracked. */
int vigil_heaptab__remove(struct vigil_heaptab *t, uintptr_t ptr, struct vigil_block *out) VIGIL_HID;
int vigil_heaptab__find(struct vigil_heaptab *t, uintptr_t ptr, struct vigil_block *out) VIGIL_HID;
/* LIVE -> FREED with the free stack: 0 and the block as it was; -EALREADY and the
 * block when it was already FREED (a double free); -ENOENT when untracked. */
int vigil_heaptab__mark_freed(struct vigil_heaptab *t, uintptr_t ptr, uint32_t free_stack,
			      uint32_t free_tid, struct vigil_block *out) VIGIL_HID;

/* Sets flags on a tracked block (no-op when untracked). */
void vigil_heaptab__add_flags(struct vigil_heaptab *t, uintptr_t ptr, unsigned flags) VIGIL_HID;
/* Fork child, single-threaded: flags every block INHERITED (the parent reports it). */
void vigil_heaptab__mark_inherited(struct vigil_heaptab *t) VIGIL_HID;
/* With every shard locked (lock_all), visits every block, LIVE or FREED. */
void vigil_heaptab__lock_all(struct vigil_heaptab *t) VIGIL_HID;
void vigil_heaptab__unlock_all(struct vigil_heaptab *t, int reset) VIGIL_HID;
/* find() for a caller that holds every shard (lock_all). */
int vigil_heaptab__find_locked(struct vigil_heaptab *t, uintptr_t ptr, struct vigil_block *out) VIGIL_HID;
unsigned long vigil_heaptab__count_locked(struct vigil_heaptab *t) VIGIL_HID;
void vigil_heaptab__foreach_locked(struct vigil_heaptab *t,
				   void (*fn)(const struct vigil_block *, void *), void *ctx) VIGIL_HID;

/* Visits every block shard by shard, each shard locked only while it is visited:
 * a consistent view per shard, not of the whole table, without stopping allocation. */
void vigil_heaptab__foreach(struct vigil_heaptab *t, void (*fn)(const struct vigil_block *, void *),
			    void *ctx) VIGIL_HID;

struct vigil_heap_stats {
	unsigned long live_blocks;
	uint64_t live_bytes;
	unsigned long freed_blocks; /* in quarantine */
	uint64_t freed_bytes;
	unsigned long allocs;       /* blocks ever inserted live */
	unsigned long frees;        /* blocks freed (marked or removed live) */
	unsigned long overflow;
};
void vigil_heaptab__stats(struct vigil_heaptab *t, struct vigil_heap_stats *s) VIGIL_HID;
/* Blocks left untracked because the table was full; no lock taken. */
unsigned long vigil_heaptab__overflow(const struct vigil_heaptab *t) VIGIL_HID;

#endif
