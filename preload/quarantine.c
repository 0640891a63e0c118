// SPDX-License-Identifier: MIT
/* One ring buffer per shard, grown on demand up to a fixed number of entries. Shards
 * are picked by the freeing thread, not by address: the real allocator hands the
 * same addresses out again, so address shards that stop receiving frees would hold
 * their blocks forever and never check them. */
#include <errno.h>

#include "ialloc.h"
#include "lock.h"
#include "quarantine.h"

#define NSHARDS 4
#define MIN_RING 256
#define MAX_RING (1u << 16)

struct shard {
	vigil_lock_t lock;
	unsigned head, count, cap; /* ring of cap entries, head = oldest */
	uint64_t bytes;
	struct vigil_qentry *ring;
} __attribute__((aligned(64)));

struct vigil_quarantine {
	struct shard shards[NSHARDS];
	uint64_t share; /* bytes per shard */
};

struct vigil_quarantine *vigil_quarantine__new(uint64_t max_bytes)
{
	struct vigil_quarantine *q = vigil_ialloc(sizeof(*q));

	if (q)
		q->share = max_bytes / NSHARDS;
	return q;
}

static int grow(struct shard *s)
{
	unsigned ncap = s->cap ? s->cap * 2 : MIN_RING;
	struct vigil_qentry *r;

	if (ncap > MAX_RING)
		return -ENOSPC;
	r = vigil_ialloc(ncap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (unsigned i = 0; i < s->count; i++)
		r[i] = s->ring[(s->head + i) % s->cap];
	if (s->ring)
		vigil_ifree(s->ring, s->cap * sizeof(*r));
	s->ring = r;
	s->cap = ncap;
	s->head = 0;
	return 0;
}

static struct vigil_qentry pop(struct shard *s)
{
	struct vigil_qentry e = s->ring[s->head];

	s->head = (s->head + 1) % s->cap;
	s->count--;
	s->bytes -= e.size;
	return e;
}

unsigned vigil_quarantine__push(struct vigil_quarantine *q, unsigned who, uintptr_t ptr,
				uint64_t size, struct vigil_qentry *out, unsigned cap)
{
	struct shard *s = &q->shards[who % NSHARDS];
	unsigned n = 0;

	if (size > q->share) {
		if (cap)
			out[n++] = (struct vigil_qentry){ptr, size};
		return n;
	}
	vigil_lock__acquire(&s->lock);
	while (s->count && s->bytes + size > q->share && n < cap)
		out[n++] = pop(s);
	if (s->count == s->cap && grow(s) && s->count && n < cap)
		out[n++] = pop(s); /* at MAX_RING entries: the oldest makes room */
	if (s->count == s->cap) {
		/* Full and cannot grow, and out is full: this block skips quarantine. */
		vigil_lock__release(&s->lock);
		if (n < cap)
			out[n++] = (struct vigil_qentry){ptr, size};
		return n;
	}
	s->ring[(s->head + s->count) % s->cap] = (struct vigil_qentry){ptr, size};
	s->count++;
	s->bytes += size;
	/* The next block to leave was freed long ago and is cold: start loading it now,
	 * a whole malloc/free pair before its pattern is read. It leaves on the next push
	 * if that one is about this size, hence the second `size`. */
	if (s->bytes + size > q->share)
		__builtin_prefetch((const void *)s->ring[s->head].ptr);
	vigil_lock__release(&s->lock);
	return n;
}

uint64_t vigil_quarantine__bytes(struct vigil_quarantine *q)
{
	uint64_t b = 0;

	for (unsigned i = 0; i < NSHARDS; i++)
		b += __atomic_load_n(&q->shards[i].bytes, __ATOMIC_RELAXED);
	return b;
}

void vigil_quarantine__lock_all(struct vigil_quarantine *q)
{
	for (unsigned i = 0; i < NSHARDS; i++)
		vigil_lock__acquire(&q->shards[i].lock);
}

void vigil_quarantine__unlock_all(struct vigil_quarantine *q, int reset)
{
	for (unsigned i = 0; i < NSHARDS; i++) {
		if (reset)
			vigil_lock__reset(&q->shards[i].lock);
		else
			vigil_lock__release(&q->shards[i].lock);
	}
}
