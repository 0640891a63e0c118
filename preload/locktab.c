// SPDX-License-Identifier: MIT
/* Open addressing over node ids: slots are only ever filled, never emptied (a retired
 * node stays in its probe chain), so a reader that loads a slot with acquire sees a
 * complete node. Writers serialise on one lock: nodes are made rarely. */
#include <string.h>

#include "ialloc.h"
#include "lock.h"
#include "lockorder.h"
#include "rt.h"
#include "locktab.h"

static struct vigil_lnode *nodes; /* [1..cap] */
static uint32_t *slots;
static uint32_t cap, mask, used, free_head;
static uint64_t overflow;
static vigil_lock_t lock;
uint64_t vigil_lock_pages[VIGIL_LOCK_PAGE_BITS / 64];
int vigil_lock_pages_on;

static void page_set(uintptr_t page)
{
	uint32_t h = (uint32_t)((page * 0x9e3779b97f4a7c15ull) >> 48);

	__atomic_or_fetch(&vigil_lock_pages[h >> 6], 1ull << (h & 63), __ATOMIC_RELAXED);
}

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

/* Not found: *free_slot is where a new node for addr goes - the slot of its retired
 * predecessor if it has one (so an address used again and again keeps one slot, not
 * a probe chain as long as its history), else the first empty slot. */
static uint32_t find(uintptr_t addr, uint32_t *free_slot)
{
	uint32_t reuse = ~0u;

	for (uint32_t i = hash(addr) & mask, n = 0; n <= mask; i = (i + 1) & mask, n++) {
		uint32_t id = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);

		if (!id) {
			*free_slot = reuse != ~0u ? reuse : i;
			return 0;
		}
		if (nodes[id].addr == addr) {
			if (!__atomic_load_n(&nodes[id].retired, __ATOMIC_RELAXED))
				return id;
			reuse = i;
		}
	}
	*free_slot = reuse;
	return 0;
}

uint32_t vigil_locktab__get(uintptr_t addr, unsigned kind, int create)
{
	uint32_t id, slot;

	if (!slots || !addr)
		return 0;
	id = find(addr, &slot);
	if (id || !create)
		return id;
	vigil_lock__acquire(&lock);
	id = find(addr, &slot);
	if (!id && slot != ~0u && (used < cap || free_head)) {
		if (used < cap) {
			id = ++used;
		} else {
			id = free_head;
			free_head = nodes[id].next_free;
		}
		memset(&nodes[id], 0, sizeof(nodes[id]));
		nodes[id].addr = addr;
		nodes[id].kind = (uint8_t)kind;
		__atomic_store_n(&slots[slot], id, __ATOMIC_RELEASE);
		/* A lock object is at most 56 bytes (pthread_rwlock_t). */
		page_set(addr >> 12);
		page_set((addr + 55) >> 12);
	} else if (!id) {
		overflow++;
	}
	vigil_lock__release(&lock);
	return id;
}

/* Under both locks: no edge can be made to or from the node meanwhile. */
static void retire(uint32_t id)
{
	struct vigil_lnode *n = &nodes[id];

	__atomic_store_n(&n->retired, 1, __ATOMIC_RELAXED);
	if (!n->first_out && !n->in_edges && !n->waits) {
		n->next_free = free_head;
		free_head = id;
	}
}

void vigil_locktab__retire(uintptr_t addr)
{
	uint32_t slot, id;

	if (!slots)
		return;
	vigil_lockorder__lock();
	vigil_lock__acquire(&lock);
	id = find(addr, &slot);
	if (id)
		retire(id);
	vigil_lock__release(&lock);
	vigil_lockorder__unlock(0);
}

void vigil_locktab__forget(uintptr_t p, size_t size)
{
	uintptr_t end, page;
	uint32_t slot, id;

	if (!slots)
		return;
	if (!size)
		size = vigil_real.malloc_usable_size((void *)p);
	end = p + size;
	/* Lock objects are 8-byte aligned: each word of a page that may hold one is
	 * looked up; the other pages cost a bit test. */
	for (page = p >> 12; page <= (end - 1) >> 12; page++) {
		uintptr_t a = page << 12 > p ? page << 12 : (p + 7) & ~(uintptr_t)7;
		uintptr_t stop = (page + 1) << 12 < end ? (page + 1) << 12 : end;

		if (!vigil_locktab__page_maybe(page))
			continue;
		vigil_lockorder__lock();
		vigil_lock__acquire(&lock);
		for (; a < stop; a += 8) {
			id = find(a, &slot);
			if (id)
				retire(id);
		}
		vigil_lock__release(&lock);
		vigil_lockorder__unlock(0);
	}
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
