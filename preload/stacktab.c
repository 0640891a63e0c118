// SPDX-License-Identifier: MIT
/* Chained hash per shard; entries are never removed, so an id stays valid and its
 * pcs can be read without a lock once published in the id array. */
#include <errno.h>
#include <string.h>

#include "ialloc.h"
#include "lock.h"
#include "stacktab.h"

#define NSHARDS 64

struct entry {
	struct entry *next;
	uint64_t hash;
	uint32_t id;
	uint32_t depth;
	unsigned written_gen;
	uint32_t pad;
	uintptr_t pcs[];
};

struct shard {
	vigil_lock_t lock;
	unsigned nbuckets;
	unsigned n;
	struct entry **buckets;
} __attribute__((aligned(64)));

struct vigil_stacktab {
	struct shard shards[NSHARDS];
	struct entry **by_id; /* index id-1 */
	unsigned max;
	unsigned next_id;     /* atomic */
	unsigned long overflow;
};

static uint64_t hash_pcs(const uintptr_t *pcs, unsigned depth)
{
	uint64_t h = 0xcbf29ce484222325ull ^ depth;

	for (unsigned i = 0; i < depth; i++) {
		h ^= pcs[i];
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	return h ? h : 1;
}

struct vigil_stacktab *vigil_stacktab__new(unsigned max_stacks)
{
	struct vigil_stacktab *t = vigil_ialloc(sizeof(*t));

	if (!t)
		return NULL;
	t->by_id = vigil_ialloc(sizeof(*t->by_id) * max_stacks);
	if (!t->by_id) {
		vigil_ifree(t, sizeof(*t));
		return NULL;
	}
	t->max = max_stacks;
	return t;
}

static int grow(struct shard *s)
{
	unsigned nb = s->nbuckets ? s->nbuckets * 2 : 256;
	struct entry **b = vigil_ialloc(sizeof(*b) * nb);

	if (!b)
		return -ENOMEM;
	for (unsigned i = 0; i < s->nbuckets; i++) {
		struct entry *e = s->buckets[i], *next;
		for (; e; e = next) {
			next = e->next;
			e->next = b[(e->hash >> 6) & (nb - 1)];
			b[(e->hash >> 6) & (nb - 1)] = e;
		}
	}
	if (s->buckets)
		vigil_ifree(s->buckets, sizeof(*b) * s->nbuckets);
	s->buckets = b;
	s->nbuckets = nb;
	return 0;
}

uint32_t vigil_stacktab__intern(struct vigil_stacktab *t, const uintptr_t *pcs,
				unsigned depth)
{
	uint64_t h = hash_pcs(pcs, depth);
	struct shard *s = &t->shards[h & (NSHARDS - 1)];
	struct entry *e;
	uint32_t id = 0;

	vigil_lock__acquire(&s->lock);
	if (s->nbuckets) {
		for (e = s->buckets[(h >> 6) & (s->nbuckets - 1)]; e; e = e->next)
			if (e->hash == h && e->depth == depth &&
			    !memcmp(e->pcs, pcs, depth * sizeof(*pcs))) {
				id = e->id;
				goto out;
			}
	}
	if (__atomic_load_n(&t->next_id, __ATOMIC_RELAXED) >= t->max)
		goto full;
	if (s->n >= s->nbuckets && grow(s))
		goto full;
	e = vigil_ialloc(sizeof(*e) + depth * sizeof(*pcs));
	if (!e)
		goto full;
	id = __atomic_add_fetch(&t->next_id, 1, __ATOMIC_RELAXED);
	if (id > t->max) {
		vigil_ifree(e, sizeof(*e) + depth * sizeof(*pcs));
		id = 0;
		goto full;
	}
	e->hash = h;
	e->id = id;
	e->depth = depth;
	memcpy(e->pcs, pcs, depth * sizeof(*pcs));
	e->next = s->buckets[(h >> 6) & (s->nbuckets - 1)];
	s->buckets[(h >> 6) & (s->nbuckets - 1)] = e;
	s->n++;
	__atomic_store_n(&t->by_id[id - 1], e, __ATOMIC_RELEASE);
out:
	vigil_lock__release(&s->lock);
	return id;
full:
	vigil_lock__release(&s->lock);
	__atomic_add_fetch(&t->overflow, 1, __ATOMIC_RELAXED);
	return 0;
}

static struct entry *by_id(struct vigil_stacktab *t, uint32_t id)
{
	if (id == 0 || id > t->max)
		return NULL;
	return __atomic_load_n(&t->by_id[id - 1], __ATOMIC_ACQUIRE);
}

int vigil_stacktab__get(struct vigil_stacktab *t, uint32_t id, const uintptr_t **pcs,
			unsigned *depth)
{
	struct entry *e = by_id(t, id);

	if (!e)
		return -ENOENT;
	*pcs = e->pcs;
	*depth = e->depth;
	return 0;
}

int vigil_stacktab__claim_write(struct vigil_stacktab *t, uint32_t id, unsigned gen)
{
	struct entry *e = by_id(t, id);

	if (!e)
		return 0;
	return __atomic_exchange_n(&e->written_gen, gen, __ATOMIC_ACQ_REL) != gen;
}

unsigned vigil_stacktab__count(const struct vigil_stacktab *t)
{
	unsigned n = __atomic_load_n(&t->next_id, __ATOMIC_RELAXED);
	return n > t->max ? t->max : n;
}

unsigned long vigil_stacktab__overflow(const struct vigil_stacktab *t)
{
	return __atomic_load_n(&t->overflow, __ATOMIC_RELAXED);
}

void vigil_stacktab__lock_all(struct vigil_stacktab *t)
{
	for (unsigned i = 0; i < NSHARDS; i++)
		vigil_lock__acquire(&t->shards[i].lock);
}

void vigil_stacktab__unlock_all(struct vigil_stacktab *t, int reset)
{
	for (unsigned i = 0; i < NSHARDS; i++) {
		if (reset)
			vigil_lock__reset(&t->shards[i].lock);
		else
			vigil_lock__release(&t->shards[i].lock);
	}
}
