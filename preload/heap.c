// SPDX-License-Identifier: MIT
/* The heap check's allocation and release paths, both modes. Layouts:
 *  - full mode, every block: the real allocator's block, requested size, then a
 *    redzone of `redzone` bytes of VIGIL_RZ_BYTE; the pointer is the real one.
 *  - canary mode, sampled blocks: [base][MAGIC] prefix, block, redzone; the prefix
 *    lets free tell a sampled block from the others with one load (the word before a
 *    glibc block is its chunk size, a multiple of 16: MAGIC has bit 3 set).
 *  - guard-page blocks (guardpool.c), sampled in both modes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "emit.h"
#include "growth.h"
#include "guardpool.h"
#include "heap.h"
#include "series.h"
#include "heaperr.h"
#include "locktab.h"
#include "ialloc.h"
#include "quarantine.h"
#include "rawlog.h"
#include "rt.h"
#include "stack.h"
#include "unwind.h"
#include "vigil/finding.h"

#define MAGIC VIGIL_HEAP_MAGIC
#define PREFIX 16u
#define GUARD_SLOTS 1024
#define MAX_EVICT 32

struct vigil_heaptab *vigil_heap;
int vigil_heap_canary;
int vigil_heap_off;
static struct vigil_quarantine *quarantine;
static unsigned long untracked_frees;

/* Per-thread sampling state: bytes left before the next canary sample, and
 * allocations left before the next guard-page block. */
__thread long vigil_heap_sample_left;
__thread unsigned vigil_heap_growth_tick;
__thread unsigned long vigil_heap_guard_left;
static __thread uint64_t rng;

static uint64_t next_rand(void)
{
	if (!rng)
		rng = vigil_now_ns() ^ ((uint64_t)vigil_gettid() << 32) ^ 0x9e3779b97f4a7c15ull;
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Exponential gaps make the sampled bytes a Poisson process, as tcmalloc's heap
 * profiler does: every byte has the same chance, whatever the allocation sizes. */
static long next_sample_gap(void)
{
	double u = ((double)(next_rand() >> 11) + 1.0) / 9007199254740993.0;
	double gap = -log(u) * (double)vigil_rt.opt.sample_bytes;

	return gap > 1e15 ? (long)1e15 : (long)gap + 1;
}

/* Uniform in [1, 2 * rate - 1]: one allocation in `rate` on average. */
static unsigned long next_guard_gap(void)
{
	return 1 + next_rand() % (2 * vigil_rt.opt.guard_rate - 1);
}

int vigil_heap__init(void)
{
	vigil_heap_off = !(vigil_rt.opt.checks & (1u << VIGIL_CHECK_HEAP));
	vigil_heap_canary = vigil_rt.opt.mode == VIGIL_MODE_CANARY;
	vigil_heap = vigil_heaptab__new(vigil_rt.opt.max_blocks);
	quarantine = vigil_quarantine__new(vigil_rt.opt.quarantine_bytes);
	if (!vigil_heap || !quarantine)
		return -ENOMEM;
	/* Without its pool (no address space for it) guarded sampling is off. */
	if (vigil_rt.opt.guard_rate && vigil_guardpool__init(GUARD_SLOTS))
		vigil_rt.opt.guard_rate = 0;
	return vigil_stack__init(vigil_rt.opt.max_stacks);
}

static uint64_t first_not(const unsigned char *p, uint64_t from, uint64_t to,
			  unsigned char byte);

static int canary(void)
{
	return vigil_rt.opt.mode == VIGIL_MODE_CANARY;
}

/* Only canary samples carry the prefix, and never at a page start (samples that
 * need page alignment are not taken): the word before a page-aligned pointer may
 * not be mapped at all (jemalloc hands out such blocks). */
static int is_prefixed(const void *p)
{
	return canary() && ((uintptr_t)p & 4095) && ((const uint64_t *)p)[-1] == MAGIC;
}

/* The word before a glibc block is its chunk size (a multiple of 16, at least 32,
 * three flag bits): a word that cannot be one means p is no block of the real
 * allocator. Free to ask, since free already loads that word. */
static int chunk_plausible(const void *p)
{
	uint64_t w;

	if (!vigil_rt.real_is_glibc)
		return 1; /* another allocator's layout: nothing to tell */
	if ((uintptr_t)p & 15)
		return 0;
	if (!((uintptr_t)p & 4095)) {
		/* A page start: glibc's header would be on the page before, which for
		 * a pointer glibc never returned may not be mapped. Rare (valloc'd
		 * blocks), so read it the slow, safe way. */
		struct iovec local = {&w, sizeof(w)}, remote = {(char *)p - 8, sizeof(w)};
		if (process_vm_readv(vigil_gettid(), &local, 1, &remote, 1, 0) != sizeof(w))
			return 0;
	} else {
		w = ((const uint64_t *)p)[-1];
	}
	w &= ~7ull;
	return w >= 32 && !(w & 15) && w < (1ull << 48);
}

static void *prefix_base(const void *p)
{
	return ((void *const *)p)[-2];
}

static void fill_redzone(void *p, size_t size)
{
	memset((char *)p + size, VIGIL_RZ_BYTE, vigil_rt.opt.redzone);
}

int vigil_heap__redzone_ok(const struct vigil_block *b, uint64_t *bad)
{
	const unsigned char *p = (const unsigned char *)b->ptr;
	uint64_t end = b->size + vigil_rt.opt.redzone;

	uint64_t i;

	if (b->flags & VIGIL_BLOCK_GUARDED) {
		/* The rest of the page: the 16-byte rounding of a right-aligned block, or
		 * everything after a left-aligned one. */
		end = 4096 - (b->ptr & 4095);
	}
	i = first_not(p, b->size, end, VIGIL_RZ_BYTE);
	if (i == end)
		return 1;
	*bad = i;
	return 0;
}

static void *real_alloc(size_t total, size_t align, int zero)
{
	if (align > 16) {
		void *p = vigil_real.memalign(align, total);
		if (p && zero)
			memset(p, 0, total);
		return p;
	}
	return zero ? vigil_real.calloc(1, total) : vigil_real.malloc(total);
}

static int track(void *p, size_t size, unsigned op, uint32_t stack, unsigned flags)
{
	int r;

	struct vigil_block b = {
		.ptr = (uintptr_t)p,
		.size = size,
		.stack = stack,
		.tid = (uint32_t)vigil_gettid(),
		.kind = (uint8_t)op,
		.flags = (uint8_t)flags,
	};

	r = vigil_heaptab__insert(vigil_heap, &b);
	return r;
}

static void *alloc(size_t size, size_t align, unsigned op, int zero)
{
	size_t rz = vigil_rt.opt.redzone, total, lead;
	uint32_t stack;
	void *base, *p;
	int e, r;

	if (size > vigil_rt.opt.alloc_size_limit)
		vigil_heaperr__bad_size(size, 0);
	/* The live-heap series (a clock read and compare) is due more often than the
	 * heap-growth snapshots: a service that allocates slowly still gets its points. */
	if (!(++vigil_heap_growth_tick & 63)) {
		if (!(vigil_heap_growth_tick & 1023))
			vigil_growth__tick();
		else
			vigil_series__tick(vigil_now_ns());
	}
	/* vigil_heap_guard_left 0 means "draw the next gap": the allocation that brings it back
	 * to 0 is the sampled one, so guard_rate=1 guards every allocation. */
	if (vigil_rt.opt.guard_rate) {
		if (!vigil_heap_guard_left)
			vigil_heap_guard_left = next_guard_gap();
		if (--vigil_heap_guard_left == 0) {
			stack = vigil_stack__capture();
			p = size ? vigil_guardpool__alloc(size, align, op, stack,
							  (uint32_t)vigil_gettid())
				 : NULL;
			if (p) {
				if (zero)
					memset(p, 0, size);
				track(p, size, op, stack, VIGIL_BLOCK_GUARDED);
				return p;
			}
		}
	}
	if (canary() && align < 4096) {
		if (!vigil_heap_sample_left)
			vigil_heap_sample_left = next_sample_gap(); /* this thread's first allocation */
		vigil_heap_sample_left -= (long)size;
		if (vigil_heap_sample_left > 0)
			return real_alloc(size, align, zero);
		vigil_heap_sample_left += next_sample_gap();
		if (vigil_heap_sample_left <= 0)
			vigil_heap_sample_left = 1;
	} else if (canary()) {
		return real_alloc(size, align, zero);
	}
	/* The prefix sits before the block in the same allocation. A sample never
	 * starts a page (is_prefixed() does not look before a page start), so room
	 * for twice the lead is taken and the second slot used when the first would. */
	lead = canary() ? (align > PREFIX ? align : PREFIX) : 0;
	if (size > VIGIL_BLOCK_SIZE_MAX - rz - 2 * lead) {
		errno = ENOMEM;
		return NULL;
	}
	total = 2 * lead + size + rz;
	base = real_alloc(total, align, zero);
	if (!base)
		return NULL;
	e = errno;
	if (lead && !(((uintptr_t)base + lead) & 4095))
		lead *= 2;
	p = (char *)base + lead;
	if (lead) {
		((void **)p)[-2] = base;
		((uint64_t *)p)[-1] = MAGIC;
	}
	fill_redzone(p, size);
	r = track(p, size, op, vigil_stack__capture(), lead ? VIGIL_BLOCK_PREFIXED : 0);
	if (r && lead) {
		/* Table full: a sample nobody tracks could not be freed; serve it plain. */
		vigil_real.free(base);
		return real_alloc(size, align, zero);
	}
	errno = e;
	return p;
}

/* Inside the guard throughout: unwinding and the tables may allocate (the first
 * capture in a thread asks for its stack bounds), and that must reach the real
 * allocator, not this one. */
void *vigil_heap__alloc(size_t size, size_t align, unsigned op, int zero)
{
	void *p;

	if (vigil_heap_off)
		return real_alloc(size, align, zero);
	vigil_guard__enter();
	p = alloc(size, align, op, zero);
	vigil_guard__leave();
	return p;
}

static void heap_free(void *p, unsigned op);

static void *base_of(void *p, unsigned flags)
{
	return flags & VIGIL_BLOCK_PREFIXED ? prefix_base(p) : p;
}

/* First byte in [from, to) of p that is not `byte`, or `to`. Word at a time: blocks
 * are 16-byte aligned, and these checks run on every release. */
static uint64_t first_not(const unsigned char *p, uint64_t from, uint64_t to, unsigned char byte)
{
	const uint64_t pat = 0x0101010101010101ull * byte;
	uint64_t i = from;

	for (; i < to && (((uintptr_t)p + i) & 7); i++)
		if (p[i] != byte)
			return i;
	for (; i + 8 <= to; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		if (w != pat)
			break;
	}
	for (; i < to; i++)
		if (p[i] != byte)
			return i;
	return to;
}

int vigil_heap__freed_ok(const struct vigil_block *b, uint64_t *bad)
{
	uint64_t n = b->size < vigil_rt.opt.free_fill_max ? b->size : vigil_rt.opt.free_fill_max;
	uint64_t i = first_not((const unsigned char *)b->ptr, 0, n, VIGIL_FREED_BYTE);

	if (i == n)
		return 1;
	*bad = i;
	return 0;
}

/* A block leaves quarantine: check nothing wrote to it since it was freed, then the
 * real allocator may have it back. */
static void release(const struct vigil_qentry *e)
{
	struct vigil_block b;
	uint64_t bad;

	if (vigil_heaptab__remove(vigil_heap, e->ptr, &b))
		return;
	if (!vigil_heap__freed_ok(&b, &bad))
		vigil_heaperr__write_after_free(&b, bad);
	vigil_locktab__freeing((void *)e->ptr, b.size);
	vigil_real.free(base_of((void *)e->ptr, b.flags));
}

static void quarantine_block(const struct vigil_block *b)
{
	struct vigil_qentry out[MAX_EVICT];
	unsigned n;

	memset((void *)b->ptr, VIGIL_FREED_BYTE,
	       b->size < vigil_rt.opt.free_fill_max ? b->size : vigil_rt.opt.free_fill_max);
	n = vigil_quarantine__push(quarantine, (unsigned)vigil_gettid(), b->ptr, b->size, out,
				   MAX_EVICT);
	for (unsigned i = 0; i < n; i++)
		release(&out[i]);
}

static int op_matches(unsigned alloc_op, unsigned free_op)
{
	switch ((enum vigil_heap_op)alloc_op) {
	case VIGIL_OP_MALLOC:
		return free_op == VIGIL_OP_FREE || free_op == VIGIL_OP_REALLOC;
	case VIGIL_OP_NEW:
		return free_op == VIGIL_OP_DELETE;
	case VIGIL_OP_NEW_ARRAY:
		return free_op == VIGIL_OP_DELETE_ARRAY;
	case VIGIL_OP_NEW_ALIGNED:
		return free_op == VIGIL_OP_DELETE_ALIGNED;
	case VIGIL_OP_NEW_ARRAY_ALIGNED:
		return free_op == VIGIL_OP_DELETE_ARRAY_ALIGNED;
	case VIGIL_OP_FREE:
	case VIGIL_OP_DELETE:
	case VIGIL_OP_DELETE_ARRAY:
	case VIGIL_OP_DELETE_ALIGNED:
	case VIGIL_OP_DELETE_ARRAY_ALIGNED:
	case VIGIL_OP_REALLOC:
	case VIGIL_OP_MAX:
		break;
	}
	return 1;
}

/* The checks every release of a tracked block makes, then quarantine. */
static void release_checked(const struct vigil_block *b, unsigned op, uint32_t stack,
			    unsigned detected_by)
{
	uint64_t bad;

	if (!op_matches(b->kind, op))
		vigil_heaperr__mismatch(b, op, stack);
	if (!(b->flags & VIGIL_BLOCK_REPORTED) && !vigil_heap__redzone_ok(b, &bad))
		vigil_heaperr__overflow(b, bad, detected_by, stack);
	quarantine_block(b);
}

static void free_guarded(void *p, unsigned op, uint32_t stack)
{
	struct vigil_block b;
	uint64_t bad;
	int r = vigil_guardpool__find(p, &b);

	if (r) {
		/* Inside a pool page but not a block start: never passed on. */
		vigil_heaperr__invalid_free(p, op, stack);
		return;
	}
	/* Checked while the page is still accessible: the release protects it. */
	if (b.state == VIGIL_BLOCK_LIVE && !vigil_heap__redzone_ok(&b, &bad))
		vigil_heaperr__overflow(&b, bad,
					    op == VIGIL_OP_REALLOC ? VIGIL_DETECT_REALLOC
								   : VIGIL_DETECT_FREE,
					    stack);
	r = vigil_guardpool__free(p, stack, (uint32_t)vigil_gettid(), &b);
	if (r == -EALREADY) {
		vigil_heaperr__double_free(&b, op, stack);
		return;
	}
	if (r)
		return;
	vigil_heaptab__remove(vigil_heap, (uintptr_t)p, NULL);
	if (!op_matches(b.kind, op))
		vigil_heaperr__mismatch(&b, op, stack);
}

void vigil_heap__free(void *p, unsigned op)
{
	int saved = errno;

	if (vigil_heap_off) {
		vigil_real.free(p);
		return;
	}
	heap_free(p, op);
	errno = saved; /* free() leaves errno alone, as glibc's does */
}

static void heap_free(void *p, unsigned op)
{
	struct vigil_block b;
	uint32_t stack;
	int r;

	if (!vigil_rt__active()) {
		if (vigil_guardpool__owns(p))
			return; /* vigil is done checking; the slot simply stays taken */
		vigil_real.free(is_prefixed(p) ? prefix_base(p) : p);
		return;
	}
	vigil_guard__enter();
	/* Canary: an unsampled block goes straight back, unless it cannot be a block
	 * at all (misaligned, or on this thread's stack), which costs nothing to see. */
	if (canary() && !vigil_guardpool__owns(p) && !is_prefixed(p) && chunk_plausible(p) &&
	    !vigil_unwind__on_stack((uintptr_t)p)) {
		vigil_locktab__freeing(p, 0);
		vigil_guard__leave();
		vigil_real.free(p);
		return;
	}
	stack = vigil_stack__capture_depth(vigil_rt.opt.free_stack_depth);
	if (vigil_guardpool__owns(p)) {
		free_guarded(p, op, stack);
		goto out;
	}
	r = vigil_heaptab__mark_freed(vigil_heap, (uintptr_t)p, stack, (uint32_t)vigil_gettid(), &b);
	if (r == -EALREADY) {
		vigil_heaperr__double_free(&b, op, stack);
		goto out;
	}
	if (r) {
		if (vigil_heaperr__invalid_free(p, op, stack) == 0) {
			__atomic_add_fetch(&untracked_frees, 1, __ATOMIC_RELAXED);
			vigil_locktab__freeing(p, 0);
			vigil_real.free(p);
		}
		goto out;
	}
	release_checked(&b, op, stack,
			op == VIGIL_OP_REALLOC ? VIGIL_DETECT_REALLOC : VIGIL_DETECT_FREE);
out:
	vigil_guard__leave();
}

static size_t tracked_size(void *p, int *found)
{
	struct vigil_block b;

	*found = !(vigil_guardpool__owns(p) ? vigil_guardpool__find(p, &b)
					    : vigil_heaptab__find(vigil_heap, (uintptr_t)p, &b));
	return *found ? b.size : 0;
}

size_t vigil_heap__usable(void *p)
{
	int found;
	size_t n;

	if (vigil_heap_off ||
	    (!vigil_guardpool__owns(p) && !is_prefixed(p) && (canary() || !vigil_heap)))
		return vigil_real.malloc_usable_size(p);
	vigil_guard__enter();
	n = tracked_size(p, &found);
	vigil_guard__leave();
	/* The requested size, not the allocator's: writing up to a larger usable size
	 * would land in the redzone. */
	return found ? n : vigil_real.malloc_usable_size(p);
}

void *vigil_heap__realloc_passive(void *p, size_t size)
{
	int found = 0;
	size_t old = 0;
	void *np;

	if (!vigil_guardpool__owns(p) && !is_prefixed(p))
		return vigil_real.realloc(p, size);
	if (vigil_heap)
		old = tracked_size(p, &found);
	np = vigil_real.malloc(size);
	if (np) {
		vigil_real.memcpy(np, p, old < size ? old : size);
		vigil_heap__free(p, VIGIL_OP_REALLOC);
	}
	return np;
}

void *vigil_heap__realloc(void *p, size_t size)
{
	struct vigil_block b;
	uint32_t stack;
	void *np;
	int r;

	if (!p)
		return vigil_heap__alloc(size, 0, VIGIL_OP_MALLOC, 0);
	if (vigil_heap_off)
		return vigil_real.realloc(p, size);
	if (canary() && !vigil_guardpool__owns(p) && !is_prefixed(p)) {
		vigil_locktab__freeing(p, 0);
		return vigil_real.realloc(p, size);
	}
	vigil_guard__enter();
	r = vigil_guardpool__owns(p) ? vigil_guardpool__find(p, &b)
				     : vigil_heaptab__find(vigil_heap, (uintptr_t)p, &b);
	if (r) {
		stack = vigil_stack__capture();
		r = vigil_heaperr__invalid_free(p, VIGIL_OP_REALLOC, stack);
		vigil_guard__leave();
		if (r) {
			errno = ENOMEM;
			return NULL;
		}
		return vigil_real.realloc(p, size);
	}
	if (b.state == VIGIL_BLOCK_FREED) {
		stack = vigil_stack__capture();
		vigil_heaperr__double_free(&b, VIGIL_OP_REALLOC, stack);
		vigil_guard__leave();
		np = vigil_heap__alloc(size, 0, VIGIL_OP_MALLOC, 0);
		if (np)
			vigil_real.memcpy(np, p, b.size < size ? b.size : size);
		return np;
	}
	vigil_guard__leave();
	if (size == 0) {
		vigil_heap__free(p, VIGIL_OP_REALLOC);
		return NULL;
	}
	/* Always move, as ASan does: the old block goes to quarantine, so a stale
	 * pointer to it is caught like any use after free. */
	np = vigil_heap__alloc(size, 0, VIGIL_OP_MALLOC, 0);
	if (!np)
		return NULL;
	/* The real memcpy: vigil's own would check this copy out of a block that is
	 * about to be (or already is) freed. */
	vigil_real.memcpy(np, p, b.size < size ? b.size : size);
	vigil_heap__free(p, VIGIL_OP_REALLOC);
	return np;
}

static int check_call(const void *p, size_t n, int write, int trusted)
{
	struct vigil_block b;
	int r;

	/* Only what can be a block start: 16-byte aligned, and in canary mode a sample
	 * (its prefix is in the same allocation; a page-aligned pointer's word before
	 * it may not be mapped, so those are left alone). A buffer handed to the kernel
	 * is not read through at all: in canary mode the table below holds only the
	 * samples, so looking it up there gives the same verdict without a
	 * process_vm_readv per read(). */
	if (!p || ((uintptr_t)p & 15) || vigil_heap_off)
		return 0;
	if (canary() && !vigil_guardpool__owns(p) &&
	    (!((uintptr_t)p & 4095) || (trusted && !is_prefixed(p))))
		return 0;
	/* Full mode on glibc: a word before p that is no chunk header means p is no
	 * block start (a stack buffer, pymalloc's objects): no table lookup needed. */
	if (trusted && !canary() && vigil_rt.real_is_glibc && ((uintptr_t)p & 4095) &&
	    !vigil_guardpool__owns(p) && !chunk_plausible(p))
		return 0;
	vigil_guard__enter();
	r = vigil_guardpool__owns(p) ? vigil_guardpool__find(p, &b)
				     : vigil_heaptab__find(vigil_heap, (uintptr_t)p, &b);
	if (r || (b.state == VIGIL_BLOCK_LIVE && n <= b.size)) {
		vigil_guard__leave();
		return 0;
	}
	vigil_heaperr__at_call(&b, n, write, vigil_stack__capture());
	/* The call still runs and will damage the redzone: that one bug is reported
	 * once, here. */
	if (!vigil_guardpool__owns(p))
		vigil_heaptab__add_flags(vigil_heap, (uintptr_t)p, VIGIL_BLOCK_REPORTED);
	vigil_guard__leave();
	return 1;
}

int vigil_heap__check_call(const void *p, size_t n, int write)
{
	return check_call(p, n, write, 1);
}

int vigil_heap__check_call_untrusted(const void *p, size_t n, int write)
{
	return check_call(p, n, write, 0);
}

void vigil_heap__after_error(void)
{
	if (!vigil_rt.opt.on_error_abort)
		return;
	vigil_rt.aborting = 1;
	abort();
}

unsigned vigil_heap__stats(struct vigil_rec_kv *kv, unsigned max)
{
	struct vigil_heap_stats hs;
	uint64_t stopped, unstopped, scan_ns;
	unsigned n = 0;

	if (max < 13)
		return 0;
	vigil_heaptab__stats(vigil_heap, &hs);
#define KV(k, v) kv[n++] = (struct vigil_rec_kv){.key = (k), .value = (v)}
	KV(VIGIL_KEY_ALLOCS, hs.allocs);
	KV(VIGIL_KEY_FREES, hs.frees);
	KV(VIGIL_KEY_LIVE_BYTES, hs.live_bytes);
	KV(VIGIL_KEY_QUARANTINE_BYTES, vigil_quarantine__bytes(quarantine));
	KV(VIGIL_KEY_UNTRACKED_FREES, __atomic_load_n(&untracked_frees, __ATOMIC_RELAXED));
	KV(VIGIL_KEY_STACKS, vigil_stacktab__count(vigil_stacks));
	KV(VIGIL_KEY_STACK_OVERFLOW, vigil_stacktab__overflow(vigil_stacks));
	KV(VIGIL_KEY_HEAP_OVERFLOW, hs.overflow);
	KV(VIGIL_KEY_FINDINGS_DROPPED, vigil_emit__dropped());
	KV(VIGIL_KEY_TOOL_BYTES, vigil_ialloc__mapped_bytes());
	vigil_leak__stats(&stopped, &unstopped, &scan_ns);
	if (scan_ns) {
		KV(VIGIL_KEY_THREADS_STOPPED, stopped);
		KV(VIGIL_KEY_THREADS_UNSTOPPED, unstopped);
		KV(VIGIL_KEY_SCAN_NS, scan_ns);
	}
#undef KV
	return n;
}

void vigil_heap__lock(void)
{
	vigil_heaptab__lock_all(vigil_heap);
	vigil_quarantine__lock_all(quarantine);
}

void vigil_heap__unlock(int reset)
{
	vigil_quarantine__unlock_all(quarantine, reset);
	vigil_heaptab__unlock_all(vigil_heap, reset);
}
