// SPDX-License-Identifier: MIT
/* Linear probing with backward-shift deletion (no tombstones, so long runs of
 * malloc/free never degrade a shard). Live bytes are summed per shard and only added
 * up when stats are read, keeping the hot path free of shared counters. */
#include <errno.h>
#include <string.h>

#include "heaptab.h"
#include "ialloc.h"
#include "lock.h"

#define NSHARDS 64
#define MIN_CAP 1024

/* 32 bytes: the size shares a word with kind, state and flags. */
struct slot {
	uintptr_t ptr; /* 0: empty */
	uint64_t meta; /* size:48 kind:8 state:1 flags:7 */
	uint32_t stack;
	uint32_t tid;
	uint32_t free_stack;
	uint32_t free_tid;
};

struct shard {
	vigil_lock_t lock;
	unsigned long cap; /* power of two */
	unsigned long n;
	uint64_t live_bytes;
	unsigned long freed;
	uint64_t freed_bytes;
	/* Counted under the shard lock already held: a shared counter would bounce
	 * between the cores of every allocating thread. */
	unsigned long allocs, frees;
	struct slot *slots;
} __attribute__((aligned(64)));

struct vigil_heaptab {
	struct shard shards[NSHARDS];
	unsigned long max;
	unsigned long total; /* atomic */
	unsigned long overflow;
};

static inline uint64_t mix(uintptr_t p)
{
	uint64_t h = p >> 4;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static inline uint64_t meta_of(const struct vigil_block *b)
{
	return (b->size & VIGIL_BLOCK_SIZE_MAX) | ((uint64_t)b->kind << 48) |
	       ((uint64_t)(b->state & 1) << 56) | ((uint64_t)(b->flags & 0x7f) << 57);
}

static inline uint64_t size_of(const struct slot *sl)
{
	return sl->meta & VIGIL_BLOCK_SIZE_MAX;
}

static inline int freed_of(const struct slot *sl)
{
	return (sl->meta >> 56) & 1;
}

struct vigil_heaptab *vigil_heaptab__new(unsigned long max_blocks)
{
	struct vigil_heaptab *t = vigil_ialloc(sizeof(*t));

	if (t)
		t->max = max_blocks;
	return t;
}

static int grow(struct shard *s)
{
	unsigned long ncap = s->cap ? s->cap * 2 : MIN_CAP;
	struct slot *ns = vigil_ialloc(ncap * sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (unsigned long i = 0; i < s->cap; i++) {
		unsigned long j;
		if (!s->slots[i].ptr)
			continue;
		j = (mix(s->slots[i].ptr) >> 6) & (ncap - 1);
		while (ns[j].ptr)
			j = (j + 1) & (ncap - 1);
		ns[j] = s->slots[i];
	}
	if (s->slots)
		vigil_ifree(s->slots, s->cap * sizeof(*ns));
	s->slots = ns;
	s->cap = ncap;
	return 0;
}

int vigil_heaptab__insert(struct vigil_heaptab *t, const struct vigil_block *b)
{
	uint64_t h = mix(b->ptr);
	struct shard *s = &t->shards[h & (NSHARDS - 1)];
	unsigned long j;

	if (__atomic_add_fetch(&t->total, 1, __ATOMIC_RELAXED) > t->max) {
		__atomic_sub_fetch(&t->total, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&t->overflow, 1, __ATOMIC_RELAXED);
		return -ENOSPC;
	}
	vigil_lock__acquire(&s->lock);
	if ((s->n + 1) * 10 > s->cap * 7 && grow(s)) {
		vigil_lock__release(&s->lock);
		__atomic_sub_fetch(&t->total, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&t->overflow, 1, __ATOMIC_RELAXED);
		return -ENOSPC;
	}
	j = (h >> 6) & (s->cap - 1);
	while (s->slots[j].ptr && s->slots[j].ptr != b->ptr)
		j = (j + 1) & (s->cap - 1);
	if (s->slots[j].ptr) {
		/* The real allocator handed out a block we still track: its free went
		 * around us (e.g. an untracked path). The new block replaces it. */
		if (freed_of(&s->slots[j])) {
			s->freed--;
			s->freed_bytes -= size_of(&s->slots[j]);
		} else {
			s->live_bytes -= size_of(&s->slots[j]);
		}
		__atomic_sub_fetch(&t->total, 1, __ATOMIC_RELAXED);
	} else {
		s->n++;
	}
	s->slots[j].ptr = b->ptr;
	s->slots[j].meta = meta_of(b);
	s->slots[j].stack = b->stack;
	s->slots[j].tid = b->tid;
	s->slots[j].free_stack = b->free_stack;
	s->slots[j].free_tid = b->free_tid;
	if (b->state == VIGIL_BLOCK_FREED) {
		s->freed++;
		s->freed_bytes += b->size;
	} else {
		s->live_bytes += b->size;
		s->allocs++;
	}
	vigil_lock__release(&s->lock);
	return 0;
}

static void to_block(const struct slot *sl, struct vigil_block *out)
{
	out->ptr = sl->ptr;
	out->size = size_of(sl);
	out->stack = sl->stack;
	out->tid = sl->tid;
	out->free_stack = sl->free_stack;
	out->free_tid = sl->free_tid;
	out->kind = (uint8_t)(sl->meta >> 48);
	out->state = (uint8_t)freed_of(sl);
	out->flags = (uint8_t)(sl->meta >> 57);
}

int vigil_heaptab__remove(struct vigil_heaptab *t, uintptr_t ptr, struct vigil_block *out)
{
	uint64_t h = mix(ptr);
	struct shard *s = &t->shards[h & (NSHARDS - 1)];
	unsigned long j, k;

	vigil_lock__acquire(&s->lock);
	if (!s->cap)
		goto missing;
	j = (h >> 6) & (s->cap - 1);
	while (s->slots[j].ptr != ptr) {
		if (!s->slots[j].ptr)
			goto missing;
		j = (j + 1) & (s->cap - 1);
	}
	if (out)
		to_block(&s->slots[j], out);
	if (freed_of(&s->slots[j])) {
		s->freed--;
		s->freed_bytes -= size_of(&s->slots[j]);
	} else {
		s->live_bytes -= size_of(&s->slots[j]);
		s->frees++;
	}
	s->n--;
	/* Backward shift: pull later members of the probe run into the hole. */
	for (k = (j + 1) & (s->cap - 1); s->slots[k].ptr; k = (k + 1) & (s->cap - 1)) {
		unsigned long home = (mix(s->slots[k].ptr) >> 6) & (s->cap - 1);
		if (((k - home) & (s->cap - 1)) >= ((k - j) & (s->cap - 1))) {
			s->slots[j] = s->slots[k];
			j = k;
		}
	}
	s->slots[j].ptr = 0;
	vigil_lock__release(&s->lock);
	__atomic_sub_fetch(&t->total, 1, __ATOMIC_RELAXED);
	return 0;
missing:
	vigil_lock__release(&s->lock);
	return -ENOENT;
}

static int find_in(struct shard *s, uint64_t h, uintptr_t ptr, struct vigil_block *out)
{
	if (!s->cap)
		return -ENOENT;
	for (unsigned long j = (h >> 6) & (s->cap - 1); s->slots[j].ptr; j = (j + 1) & (s->cap - 1))
		if (s->slots[j].ptr == ptr) {
			to_block(&s->slots[j], out);
			return 0;
		}
	return -ENOENT;
}

int vigil_heaptab__find(struct vigil_heaptab *t, uintptr_t ptr, struct vigil_block *out)
{
	uint64_t h = mix(ptr);
	struct shard *s = &t->shards[h & (NSHARDS - 1)];
	int r;

	vigil_lock__acquire(&s->lock);
	r = find_in(s, h, ptr, out);
	vigil_lock__release(&s->lock);
	return r;
}

int vigil_heaptab__find_locked(struct vigil_heaptab *t, uintptr_t ptr, struct vigil_block *out)
{
	uint64_t h = mix(ptr);

	return find_in(&t->shards[h & (NSHARDS - 1)], h, ptr, out);
}

int vigil_heaptab__mark_freed(struct vigil_heaptab *t, uintptr_t ptr, uint32_t free_stack,
			      uint32_t free_tid, struct vigil_block *out)
{
	uint64_t h = mix(ptr);
	struct shard *s = &t->shards[h & (NSHARDS - 1)];
	unsigned long j;
	int r = -ENOENT;

	vigil_lock__acquire(&s->lock);
	if (s->cap) {
		for (j = (h >> 6) & (s->cap - 1); s->slots[j].ptr; j = (j + 1) & (s->cap - 1)) {
			struct slot *sl = &s->slots[j];
			if (sl->ptr != ptr)
				continue;
			to_block(sl, out);
			if (freed_of(sl)) {
				r = -EALREADY;
				break;
			}
			sl->meta |= 1ull << 56;
			sl->free_stack = free_stack;
			sl->free_tid = free_tid;
			s->live_bytes -= size_of(sl);
			s->freed++;
			s->freed_bytes += size_of(sl);
			s->frees++;
			r = 0;
			break;
		}
	}
	vigil_lock__release(&s->lock);
	return r;
}

void vigil_heaptab__add_flags(struct vigil_heaptab *t, uintptr_t ptr, unsigned flags)
{
	uint64_t h = mix(ptr);
	struct shard *s = &t->shards[h & (NSHARDS - 1)];

	vigil_lock__acquire(&s->lock);
	if (s->cap)
		for (unsigned long j = (h >> 6) & (s->cap - 1); s->slots[j].ptr;
		     j = (j + 1) & (s->cap - 1))
			if (s->slots[j].ptr == ptr) {
				s->slots[j].meta |= (uint64_t)(flags & 0x7f) << 57;
				break;
			}
	vigil_lock__release(&s->lock);
}

void vigil_heaptab__mark_inherited(struct vigil_heaptab *t)
{
	for (unsigned i = 0; i < NSHARDS; i++)
		for (unsigned long j = 0; j < t->shards[i].cap; j++)
			t->shards[i].slots[j].meta |= (uint64_t)VIGIL_BLOCK_INHERITED << 57;
}

void vigil_heaptab__lock_all(struct vigil_heaptab *t)
{
	for (unsigned i = 0; i < NSHARDS; i++)
		vigil_lock__acquire(&t->shards[i].lock);
}

void vigil_heaptab__unlock_all(struct vigil_heaptab *t, int reset)
{
	for (unsigned i = 0; i < NSHARDS; i++) {
		if (reset)
			vigil_lock__reset(&t->shards[i].lock);
		else
			vigil_lock__release(&t->shards[i].lock);
	}
}

unsigned long vigil_heaptab__count_locked(struct vigil_heaptab *t)
{
	unsigned long n = 0;

	for (unsigned i = 0; i < NSHARDS; i++)
		n += t->shards[i].n;
	return n;
}

void vigil_heaptab__foreach_locked(struct vigil_heaptab *t,
				   void (*fn)(const struct vigil_block *, void *), void *ctx)
{
	struct vigil_block b;

	for (unsigned i = 0; i < NSHARDS; i++) {
		struct shard *s = &t->shards[i];
		for (unsigned long j = 0; j < s->cap; j++) {
			if (!s->slots[j].ptr)
				continue;
			to_block(&s->slots[j], &b);
			fn(&b, ctx);
		}
	}
}

void vigil_heaptab__foreach(struct vigil_heaptab *t, void (*fn)(const struct vigil_block *, void *),
			    void *ctx)
{
	struct vigil_block b;

	for (unsigned i = 0; i < NSHARDS; i++) {
		struct shard *s = &t->shards[i];
		vigil_lock__acquire(&s->lock);
		for (unsigned long j = 0; j < s->cap; j++) {
			if (!s->slots[j].ptr)
				continue;
			to_block(&s->slots[j], &b);
			fn(&b, ctx);
		}
		vigil_lock__release(&s->lock);
	}
}

void vigil_heaptab__stats(struct vigil_heaptab *t, struct vigil_heap_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < NSHARDS; i++) {
		struct shard *s = &t->shards[i];
		vigil_lock__acquire(&s->lock);
		st->live_blocks += s->n - s->freed;
		st->live_bytes += s->live_bytes;
		st->freed_blocks += s->freed;
		st->freed_bytes += s->freed_bytes;
		st->allocs += s->allocs;
		st->frees += s->frees;
		vigil_lock__release(&s->lock);
	}
	st->overflow = __atomic_load_n(&t->overflow, __ATOMIC_RELAXED);
}

unsigned long vigil_heaptab__overflow(const struct vigil_heaptab *t)
{
	return __atomic_load_n(&t->overflow, __ATOMIC_RELAXED);
}
