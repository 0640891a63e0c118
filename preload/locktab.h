/* SPDX-License-Identifier: MIT */
/* The lock table: one node per lock object the thread checks had to remember (a lock
 * taken while holding another, a contended one, a cond). A node is a lock's identity:
 * init, destroy and freeing its memory retire it, so a mutex made again at the same
 * address is a new node with no history. Lookups take no lock and a bounded number
 * of probes; the table is bounded and counts what it could not hold. */
#ifndef VIGIL_LOCKTAB_H
#define VIGIL_LOCKTAB_H

#include <stddef.h>
#include <stdint.h>

#include "hidden.h"

struct vigil_lnode {
	uintptr_t addr;
	uint8_t kind;    /* enum vigil_lock_kind */
	uint8_t retired; /* destroyed or re-initialised: no longer found by addr */
	uint8_t readers_first; /* an rwlock that lets readers in while readers hold it */
	/* the order graph (lockorder.c, under its lock) */
	uint32_t first_out; /* first outgoing edge, 0: none */
	uint32_t in_edges;  /* edges that end here */
	uint32_t visit;     /* search epoch */
	uint32_t next_free; /* retired with no edge and no waits: reusable */
	/* contention, updated with atomics by the threads that waited */
	uint64_t wait_ns, waits, max_wait_ns;
	uint32_t max_wait_stack, max_wait_tid;
	/* a cond: the mutex its current waiters use, how many are in a wait call, and
	 * how many of those a signal or broadcast has already woken */
	uintptr_t cond_mutex;
	uint32_t cond_waiters, cond_woken;
};

/* Pages that may hold a lock the table knows (a counting Bloom filter by page, so it
 * empties as locks go): memory handed back to the allocator or the kernel forgets the
 * locks in it, or a new object at the same address - a std::mutex, which never calls
 * init or destroy - would inherit the old one's order history. Off while the thread
 * checks are. */
#define VIGIL_LOCK_PAGE_SLOTS (1u << 16)
extern uint8_t vigil_lock_pages[VIGIL_LOCK_PAGE_SLOTS] VIGIL_HID;
extern int vigil_lock_pages_on VIGIL_HID;

static inline uint32_t vigil_locktab__page_slot(uintptr_t page)
{
	return (uint32_t)((page * 0x9e3779b97f4a7c15ull) >> 48);
}

static inline int vigil_locktab__page_maybe(uintptr_t page)
{
	return __atomic_load_n(&vigil_lock_pages[vigil_locktab__page_slot(page)],
			       __ATOMIC_RELAXED) != 0;
}

/* Forgets the locks in [p, p + size); size 0: the allocator's usable size of p.
 * Enters the guard itself: callable from the allocator's fast paths. */
void vigil_locktab__forget(uintptr_t p, size_t size) VIGIL_HID;

/* Memory at p (size bytes, 0 if unknown) goes back to the allocator. */
static inline void vigil_locktab__freeing(const void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p, page = a >> 12;

	if (__builtin_expect(!vigil_lock_pages_on, 1))
		return;
	/* Unknown size: a lock is most often in the first page or the next. */
	if (vigil_locktab__page_maybe(page) || vigil_locktab__page_maybe(page + 1) ||
	    (size && ((a + size - 1) >> 12) > page + 1))
		vigil_locktab__forget(a, size);
}

int vigil_locktab__init(unsigned max_locks) VIGIL_HID;
/* The live node of addr, created when create is set; 0 when absent or full (an
 * address that found the table full is counted once). */
uint32_t vigil_locktab__get(uintptr_t addr, unsigned kind, int create) VIGIL_HID;
/* addr holds a new lock (init) or none (destroy): its node keeps its history but is
 * not found any more; a node with no history (no edge, no wait) is reused. Takes the
 * order graph's lock, then the table's, only when addr has a node. */
void vigil_locktab__retire(uintptr_t addr) VIGIL_HID;
struct vigil_lnode *vigil_locktab__node(uint32_t id) VIGIL_HID;
/* Nodes handed out so far (ids 1..n), and locks that found the table full. */
uint32_t vigil_locktab__count(void) VIGIL_HID;
uint64_t vigil_locktab__overflow(void) VIGIL_HID;
void vigil_locktab__lock(void) VIGIL_HID;
void vigil_locktab__unlock(int reset) VIGIL_HID;

#endif
