// SPDX-License-Identifier: MIT
/* Builders for the heap findings. Each copies what it needs from the block; none
 * keeps a pointer into the tables. */
#include <dlfcn.h>
#include <stdint.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fbuild.h"
#include "heap.h"
#include "heaperr.h"
#include "ialloc.h"
#include "maps.h"
#include "rt.h"
#include "stack.h"
#include "thread.h"
#include "vigil/finding.h"

#define MAX_MAPS 16384
#define NEAR 4096 /* a block this close to a bad pointer is named in the report */

void vigil_heaperr__double_free(const struct vigil_block *b, unsigned op, uint32_t stack)
{
	struct vigil_fbuild f = {0};

	vigil_fb__stack(&f, stack, (uint32_t)vigil_gettid(), VIGIL_ROLE_FREE);
	vigil_fb__stack(&f, b->free_stack, b->free_tid, VIGIL_ROLE_FIRST_FREE);
	vigil_fb__stack(&f, b->stack, b->tid, VIGIL_ROLE_ALLOCATION);
	vigil_fb__kv(&f, VIGIL_KEY_SIZE, b->size);
	vigil_fb__kv(&f, VIGIL_KEY_BLOCK_ADDR, b->ptr);
	vigil_fb__kv(&f, VIGIL_KEY_ALLOC_OP, b->kind);
	vigil_fb__kv(&f, VIGIL_KEY_FREE_OP, op);
	vigil_fb__emit(&f, VIGIL_FK_DOUBLE_FREE, VIGIL_SEV_ERROR);
	vigil_heap__after_error();
}

void vigil_heaperr__mismatch(const struct vigil_block *b, unsigned op, uint32_t stack)
{
	struct vigil_fbuild f = {0};

	vigil_fb__stack(&f, stack, (uint32_t)vigil_gettid(), VIGIL_ROLE_FREE);
	vigil_fb__stack(&f, b->stack, b->tid, VIGIL_ROLE_ALLOCATION);
	vigil_fb__kv(&f, VIGIL_KEY_SIZE, b->size);
	vigil_fb__kv(&f, VIGIL_KEY_BLOCK_ADDR, b->ptr);
	vigil_fb__kv(&f, VIGIL_KEY_ALLOC_OP, b->kind);
	vigil_fb__kv(&f, VIGIL_KEY_FREE_OP, op);
	vigil_fb__emit(&f, VIGIL_FK_MISMATCHED_FREE, VIGIL_SEV_ERROR);
	vigil_heap__after_error();
}

void vigil_heaperr__overflow(const struct vigil_block *b, uint64_t bad, unsigned detected_by,
			     uint32_t stack)
{
	struct vigil_fbuild f = {0};

	if (stack)
		vigil_fb__stack(&f, stack, (uint32_t)vigil_gettid(),
			  detected_by == VIGIL_DETECT_CALL ? VIGIL_ROLE_ACCESS : VIGIL_ROLE_FREE);
	vigil_fb__stack(&f, b->stack, b->tid, VIGIL_ROLE_ALLOCATION);
	vigil_fb__kv(&f, VIGIL_KEY_SIZE, b->size);
	vigil_fb__kv(&f, VIGIL_KEY_OFFSET, bad);
	vigil_fb__kv(&f, VIGIL_KEY_BLOCK_ADDR, b->ptr);
	vigil_fb__kv(&f, VIGIL_KEY_DETECTED_BY, detected_by);
	vigil_fb__emit(&f, VIGIL_FK_HEAP_OVERFLOW, VIGIL_SEV_ERROR);
	vigil_heap__after_error();
}

void vigil_heaperr__at_call(const struct vigil_block *b, uint64_t n, int write, uint32_t stack)
{
	struct vigil_fbuild f = {0};
	int freed = b->state == VIGIL_BLOCK_FREED;

	vigil_fb__stack(&f, stack, (uint32_t)vigil_gettid(), VIGIL_ROLE_ACCESS);
	vigil_fb__stack(&f, b->stack, b->tid, VIGIL_ROLE_ALLOCATION);
	if (freed)
		vigil_fb__stack(&f, b->free_stack, b->free_tid, VIGIL_ROLE_FREE);
	vigil_fb__kv(&f, VIGIL_KEY_SIZE, b->size);
	/* The first byte out of bounds: the block's end, or its start once freed. */
	vigil_fb__kv(&f, VIGIL_KEY_OFFSET, freed ? 0 : b->size);
	vigil_fb__kv(&f, VIGIL_KEY_ACCESS_SIZE, n);
	vigil_fb__kv(&f, VIGIL_KEY_BLOCK_ADDR, b->ptr);
	vigil_fb__kv(&f, VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_CALL);
	vigil_fb__kv(&f, VIGIL_KEY_ACCESS_WRITE, (uint64_t)write);
	vigil_fb__emit(&f, freed ? VIGIL_FK_USE_AFTER_FREE : VIGIL_FK_HEAP_OVERFLOW, VIGIL_SEV_ERROR);
	vigil_heap__after_error();
}

void vigil_heaperr__write_after_free(const struct vigil_block *b, uint64_t off)
{
	struct vigil_fbuild f = {0};

	vigil_fb__stack(&f, b->free_stack, b->free_tid, VIGIL_ROLE_FREE);
	vigil_fb__stack(&f, b->stack, b->tid, VIGIL_ROLE_ALLOCATION);
	vigil_fb__kv(&f, VIGIL_KEY_SIZE, b->size);
	vigil_fb__kv(&f, VIGIL_KEY_OFFSET, off);
	vigil_fb__kv(&f, VIGIL_KEY_BLOCK_ADDR, b->ptr);
	vigil_fb__kv(&f, VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_QUARANTINE);
	vigil_fb__emit(&f, VIGIL_FK_USE_AFTER_FREE, VIGIL_SEV_ERROR);
	vigil_heap__after_error();
}

void vigil_heaperr__bad_size(size_t size, size_t n)
{
	struct vigil_fbuild f = {0};

	vigil_fb__stack(&f, vigil_stack__capture(), (uint32_t)vigil_gettid(), VIGIL_ROLE_ALLOCATION);
	vigil_fb__kv(&f, VIGIL_KEY_SIZE, size);
	if (n)
		vigil_fb__kv(&f, VIGIL_KEY_BLOCKS, n);
	vigil_fb__emit(&f, VIGIL_FK_BAD_ALLOC_SIZE, VIGIL_SEV_WARNING);
}

struct nearest {
	uintptr_t p;
	struct vigil_block best;
	uintptr_t dist;
	int inside;
};

static void nearest_cb(const struct vigil_block *b, void *arg)
{
	struct nearest *n = arg;
	uintptr_t d;

	if (b->state != VIGIL_BLOCK_LIVE || n->inside)
		return;
	if (n->p >= b->ptr && n->p < b->ptr + (b->size ? b->size : 1)) {
		n->best = *b;
		n->inside = 1;
		return;
	}
	d = n->p < b->ptr ? b->ptr - n->p : n->p - (b->ptr + b->size);
	if (d < n->dist) {
		n->dist = d;
		n->best = *b;
	}
}

/* The word before a glibc block is its chunk size with three flag bits: a multiple
 * of 16, at least 32. Read defensively: p may point anywhere. */
static int plausible_chunk(const void *p)
{
	uint64_t hdr[2];
	struct iovec local = {hdr, sizeof(hdr)}, remote = {(char *)p - 16, sizeof(hdr)};
	uint64_t size;

	if (!vigil_rt.real_is_glibc)
		return 1; /* another allocator: its blocks cannot be told apart here */
	if ((uintptr_t)p & 15)
		return 0;
	if (process_vm_readv(vigil_gettid(), &local, 1, &remote, 1, 0) != (ssize_t)sizeof(hdr))
		return 0;
	size = hdr[1] & ~7ull;
	return size >= 32 && !(size & 15) && size < (1ull << 40);
}

static unsigned classify(const void *p)
{
	struct vigil_thread_stack ts[256];
	struct vigil_map *maps = vigil_ialloc(MAX_MAPS * sizeof(*maps));
	const struct vigil_map *m = NULL;
	unsigned nts = vigil_thread__stacks(ts, 256), where = VIGIL_WHERE_UNKNOWN;
	Dl_info di;
	int n;

	for (unsigned i = 0; i < nts; i++)
		if (ts[i].tid && ts[i].lo <= (uintptr_t)p && (uintptr_t)p < ts[i].hi)
			where = VIGIL_WHERE_STACK;
	if (maps && where == VIGIL_WHERE_UNKNOWN) {
		n = vigil_maps__read(maps, MAX_MAPS);
		m = n > 0 ? vigil_maps__find(maps, (unsigned)n, (uintptr_t)p) : NULL;
		if (m && m->stack)
			where = VIGIL_WHERE_STACK;
		else if (m && !m->anon && !m->special && dladdr(p, &di) && di.dli_fbase)
			where = VIGIL_WHERE_GLOBAL;
	}
	if (maps)
		vigil_ifree(maps, MAX_MAPS * sizeof(*maps));
	return where;
}

int vigil_heaperr__invalid_free(void *p, unsigned op, uint32_t stack)
{
	struct nearest n = {.p = (uintptr_t)p, .dist = NEAR};
	struct vigil_fbuild f = {0};
	unsigned where;

	/* Once the table has overflowed, untracked blocks are common and legitimate:
	 * a plausible header lets them through without the slow classification. */
	if (vigil_heaptab__overflow(vigil_heap) && plausible_chunk(p))
		return 0;
	where = classify(p);

	/* A slow path: only pointers the table does not hold come here. */
	if (where == VIGIL_WHERE_UNKNOWN) {
		vigil_heaptab__lock_all(vigil_heap);
		vigil_heaptab__foreach_locked(vigil_heap, nearest_cb, &n);
		vigil_heaptab__unlock_all(vigil_heap, 0);
		if (n.inside)
			where = VIGIL_WHERE_INTERIOR;
		else if (plausible_chunk(p))
			return 0;
	}
	vigil_fb__stack(&f, stack, (uint32_t)vigil_gettid(), VIGIL_ROLE_FREE);
	if (n.best.ptr)
		vigil_fb__stack(&f, n.best.stack, n.best.tid, VIGIL_ROLE_ALLOCATION);
	vigil_fb__kv(&f, VIGIL_KEY_ADDR, (uintptr_t)p);
	vigil_fb__kv(&f, VIGIL_KEY_WHERE, where);
	vigil_fb__kv(&f, VIGIL_KEY_FREE_OP, op);
	if (n.best.ptr) {
		vigil_fb__kv(&f, VIGIL_KEY_BLOCK_ADDR, n.best.ptr);
		vigil_fb__kv(&f, VIGIL_KEY_SIZE, n.best.size);
		vigil_fb__kv(&f, VIGIL_KEY_OFFSET, (uint64_t)((intptr_t)p - (intptr_t)n.best.ptr));
	}
	vigil_fb__emit(&f, VIGIL_FK_INVALID_FREE, VIGIL_SEV_ERROR);
	vigil_heap__after_error();
	return 1;
}
