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

struct slot {
	uintptr_t ptr; /* 0: empty */
	uint64_t size;
	uint32_t stack;
	uint32_t tid_kind; /* tid in the low 24 bits is enough to tell threads apart */
};

struct shard {
	vigil_lock_t lock;
	unsigned long cap; /* power of two */
	unsigned long n;
	uint64_t live_bytes;
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
		s->live_bytes -= s->slots[j].size;
		__atomic_sub_fetch(&t->total, 1, __ATOMIC_RELAXED);
	} else {
		s->n++;
	}
	s->slots[j].ptr = b->ptr;
	s->slots[j].size = b->size;
	s->slots[j].stack = b->stack;
	s->slots[j].tid_kind = (b->tid & 0xffffff) | ((uint32_t)b->kind << 24);
	s->live_bytes += b->size;
	vigil_lock__release(&s->lock);
	return 0;
}

static void to_block(const struct slot *sl, struct vigil_block *out)
{
	out->ptr = sl->ptr;
	out->size = sl->size;
	out->stack = sl->stack;
	out->tid = sl->tid_kind & 0xffffff;
	out->kind = (uint8_t)(sl->tid_kind >> 24);
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
	s->live_bytes -= s->slots[j].size;
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

int vigil_heaptab__find(struct vigil_heaptab *t, uintptr_t ptr, struct vigil_block *out)
{
	uint64_t h = mix(ptr);
	struct shard *s = &t->shards[h & (NSHARDS - 1)];
	unsigned long j;
	int r = -ENOENT;

	vigil_lock__acquire(&s->lock);
	if (s->cap) {
		for (j = (h >> 6) & (s->cap - 1); s->slots[j].ptr; j = (j + 1) & (s->cap - 1))
			if (s->slots[j].ptr == ptr) {
				to_block(&s->slots[j], out);
				r = 0;
				break;
			}
	}
	vigil_lock__release(&s->lock);
	return r;
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

void vigil_heaptab__stats(struct vigil_heaptab *t, struct vigil_heap_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < NSHARDS; i++) {
		struct shard *s = &t->shards[i];
		vigil_lock__acquire(&s->lock);
		st->live_blocks += s->n;
		st->live_bytes += s->live_bytes;
		vigil_lock__release(&s->lock);
	}
	st->overflow = __atomic_load_n(&t->overflow, __ATOMIC_RELAXED);
}
