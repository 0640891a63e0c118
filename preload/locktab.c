// SPDX-License-Identifier: MIT
/* Open addressing over node ids with tombstones: a retired node's slot becomes a
 * tombstone that a later insertion reuses, and no probe sequence is longer than
 * PROBES, so neither lookups nor the free path slow down as locks come and go.
 * Readers load a slot with acquire and check the node's address, so a slot reused
 * under them only makes them miss. Writers serialise on one lock: nodes are made
 * rarely. */
#include <string.h>

#include "ialloc.h"
#include "lock.h"
#include "lockorder.h"
#include "locktab.h"
#include "rt.h"

#define PROBES 64
#define TOMB 0xffffffffu
#define NEG_SLOTS 256

static struct vigil_lnode *nodes; /* [1..cap] */
static uint32_t *slots;
static uint32_t cap, mask, used, free_head;
static uint64_t overflow;
static uintptr_t negative[NEG_SLOTS]; /* addresses already counted as overflow */
static vigil_lock_t lock;
uint8_t vigil_lock_pages[VIGIL_LOCK_PAGE_SLOTS];
int vigil_lock_pages_on;

int vigil_locktab__init(unsigned max_locks)
{
	uint32_t n = 16;

	while (n < 2 * max_locks)
		n <<= 1;
	nodes = vigil_ialloc(sizeof(*nodes) * ((size_t)max_locks + 1));
	slots = vigil_ialloc(sizeof(*slots) * n);
	if (!nodes || !slots)
		return -1;
	cap = max_locks;
	mask = n - 1;
	vigil_lock_pages_on = 1;
	return 0;
}

static inline uint32_t hash(uintptr_t a)
{
	uint64_t h = (uint64_t)a * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(h >> 32);
}

/* The live node of addr and its slot; not found: *ins is where a new node goes (the
 * first tombstone or empty slot of the probe sequence; ~0u when it is all taken). */
static uint32_t find(uintptr_t addr, uint32_t *at, uint32_t *ins)
{
	uint32_t i = hash(addr) & mask;

	*ins = ~0u;
	for (unsigned n = 0; n < PROBES; n++, i = (i + 1) & mask) {
		uint32_t id = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);

		if (!id || id == TOMB) {
			if (*ins == ~0u)
				*ins = i;
			if (!id)
				return 0;
			continue;
		}
		if (__atomic_load_n(&nodes[id].addr, __ATOMIC_RELAXED) == addr &&
		    !__atomic_load_n(&nodes[id].retired, __ATOMIC_RELAXED)) {
			*at = i;
			return id;
		}
	}
	return 0;
}

/* Under the lock. A lock object is at most 56 bytes (pthread_rwlock_t). */
static void pages_count(uintptr_t addr, int delta)
{
	uintptr_t first = addr >> 12, last = (addr + 55) >> 12;

	for (uintptr_t page = first; page <= last; page++) {
		uint8_t *c = &vigil_lock_pages[vigil_locktab__page_slot(page)];

		/* A saturated count stays: the filter may say "maybe", never "no" wrongly. */
		if (*c != 255 && (delta > 0 || *c))
			__atomic_store_n(c, (uint8_t)(*c + delta), __ATOMIC_RELAXED);
	}
}

uint32_t vigil_locktab__get(uintptr_t addr, unsigned kind, int create)
{
	uint32_t id, at, ins, neg = (uint32_t)(hash(addr) % NEG_SLOTS);

	if (!slots || !addr)
		return 0;
	id = find(addr, &at, &ins);
	if (id || !create || __atomic_load_n(&negative[neg], __ATOMIC_RELAXED) == addr)
		return id;
	vigil_lock__acquire(&lock);
	id = find(addr, &at, &ins);
	if (!id && ins != ~0u && (free_head || used < cap)) {
		if (free_head) {
			id = free_head;
			free_head = nodes[id].next_free;
		} else {
			id = ++used;
		}
		memset(&nodes[id], 0, sizeof(nodes[id]));
		nodes[id].addr = addr;
		nodes[id].kind = (uint8_t)kind;
		__atomic_store_n(&slots[ins], id, __ATOMIC_RELEASE);
		pages_count(addr, 1);
	} else if (!id) {
		overflow++;
		__atomic_store_n(&negative[neg], addr, __ATOMIC_RELAXED);
	}
	vigil_lock__release(&lock);
	return id;
}

/* Under both locks: no edge can be made to or from the node meanwhile. */
static void retire(uint32_t id, uint32_t at)
{
	struct vigil_lnode *n = &nodes[id];

	__atomic_store_n(&n->retired, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&slots[at], TOMB, __ATOMIC_RELEASE);
	pages_count(n->addr, -1);
	if (!n->first_out && !n->in_edges && !n->waits) {
		n->next_free = free_head;
		free_head = id;
		/* Room again: the addresses turned away may be tracked now. */
		for (unsigned i = 0; i < NEG_SLOTS; i++)
			__atomic_store_n(&negative[i], 0, __ATOMIC_RELAXED);
	}
}

/* Retires the node of addr if it has one: the lookup first, without a lock. */
static void retire_addr(uintptr_t addr)
{
	uint32_t id, at, ins;

	if (!find(addr, &at, &ins))
		return;
	vigil_lockorder__lock();
	vigil_lock__acquire(&lock);
	id = find(addr, &at, &ins);
	if (id)
		retire(id, at);
	vigil_lock__release(&lock);
	vigil_lockorder__unlock(0);
}

void vigil_locktab__retire(uintptr_t addr)
{
	if (slots)
		retire_addr(addr);
}

void vigil_locktab__forget(uintptr_t p, size_t size)
{
	uintptr_t end, page;
	int saved = errno;

	if (!slots)
		return;
	vigil_guard__enter();
	if (!size)
		size = vigil_real.malloc_usable_size((void *)p);
	end = p + size;
	/* Lock objects are 8-byte aligned: each word of a page that may hold one is
	 * looked up; the other pages cost a counter test. */
	for (page = p >> 12; size && page <= (end - 1) >> 12; page++) {
		uintptr_t a = page << 12 > p ? page << 12 : (p + 7) & ~(uintptr_t)7;
		uintptr_t stop = (page + 1) << 12 < end ? (page + 1) << 12 : end;

		if (!vigil_locktab__page_maybe(page))
			continue;
		for (; a < stop; a += 8)
			retire_addr(a);
	}
	vigil_guard__leave();
	errno = saved;
}

struct vigil_lnode *vigil_locktab__node(uint32_t id)
{
	return id && id <= cap ? &nodes[id] : NULL;
}

uint32_t vigil_locktab__count(void)
{
	return __atomic_load_n(&used, __ATOMIC_RELAXED);
}

uint64_t vigil_locktab__overflow(void)
{
	return overflow;
}

void vigil_locktab__lock(void)
{
	vigil_lock__acquire(&lock);
}

void vigil_locktab__unlock(int reset)
{
	if (reset)
		vigil_lock__reset(&lock);
	else
		vigil_lock__release(&lock);
}
