// SPDX-License-Identifier: MIT
/* Size-classed free lists over 1 MiB mmap'd arenas; big requests get their own
 * mapping. Freed memory is reused by size class and never returned: vigil's tables
 * only grow, so simplicity beats fragmentation control here. */
#include <string.h>
#include <sys/mman.h>

#include "ialloc.h"
#include "lock.h"

#define ARENA_SIZE   (1ul << 20)
#define MIN_SHIFT    4
#define MAX_SHIFT    16 /* 64 KiB: bigger requests are mapped on their own */
#define NCLASSES     (MAX_SHIFT - MIN_SHIFT + 1)
#define MAX_RANGES   4096

struct free_node {
	struct free_node *next;
};

struct range {
	uintptr_t lo, hi;
};

static vigil_lock_t lock;
static struct free_node *free_lists[NCLASSES];
static char *arena_cur, *arena_end;
static size_t mapped;
static struct range ranges[MAX_RANGES];
static unsigned nranges;

static void *map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Keeps vigil's memory out of the program's core dumps, and (as a VMA with
	 * different flags) unmerged with the program's own anonymous mappings. */
	madvise(p, size, MADV_DONTDUMP);
	mapped += size;
	if (nranges < MAX_RANGES) {
		ranges[nranges].lo = (uintptr_t)p;
		ranges[nranges].hi = (uintptr_t)p + size;
		nranges++;
	}
	return p;
}

static unsigned class_of(size_t size)
{
	unsigned c = 0;

	while ((1ul << (c + MIN_SHIFT)) < size)
		c++;
	return c;
}

void *vigil_ialloc(size_t size)
{
	void *p = NULL;
	unsigned c;
	size_t csize;

	if (size == 0)
		size = 1;
	if (size > (1ul << MAX_SHIFT)) {
		size = (size + 4095) & ~4095ul;
		vigil_lock__acquire(&lock);
		p = map(size);
		vigil_lock__release(&lock);
		return p;
	}
	c = class_of(size);
	csize = 1ul << (c + MIN_SHIFT);
	vigil_lock__acquire(&lock);
	if (free_lists[c]) {
		p = free_lists[c];
		free_lists[c] = free_lists[c]->next;
		vigil_lock__release(&lock);
		memset(p, 0, csize);
		return p;
	}
	if ((size_t)(arena_end - arena_cur) < csize) {
		char *a = map(ARENA_SIZE);
		if (!a) {
			vigil_lock__release(&lock);
			return NULL;
		}
		arena_cur = a;
		arena_end = a + ARENA_SIZE;
	}
	/* Classes are powers of two carved in order, so natural alignment holds up to
	 * the class size as long as the arena is page aligned and big blocks come first
	 * in their own mappings; 16 bytes is all callers rely on. */
	arena_cur = (char *)(((uintptr_t)arena_cur + 15) & ~(uintptr_t)15);
	p = arena_cur;
	arena_cur += csize;
	vigil_lock__release(&lock);
	return p; /* fresh mmap memory is zero */
}

void vigil_ifree(void *p, size_t size)
{
	unsigned c;

	if (!p)
		return;
	if (size == 0)
		size = 1;
	if (size > (1ul << MAX_SHIFT)) {
		size = (size + 4095) & ~4095ul;
		vigil_lock__acquire(&lock);
		mapped -= size;
		for (unsigned i = 0; i < nranges; i++)
			if (ranges[i].lo == (uintptr_t)p) {
				ranges[i] = ranges[--nranges];
				break;
			}
		vigil_lock__release(&lock);
		munmap(p, size);
		return;
	}
	c = class_of(size);
	vigil_lock__acquire(&lock);
	((struct free_node *)p)->next = free_lists[c];
	free_lists[c] = p;
	vigil_lock__release(&lock);
}

unsigned vigil_ialloc__ranges(uintptr_t (*out)[2], unsigned max)
{
	unsigned n;

	vigil_lock__acquire(&lock);
	n = nranges < max ? nranges : max;
	for (unsigned i = 0; i < n; i++) {
		out[i][0] = ranges[i].lo;
		out[i][1] = ranges[i].hi;
	}
	vigil_lock__release(&lock);
	return n;
}

size_t vigil_ialloc__mapped_bytes(void)
{
	return __atomic_load_n(&mapped, __ATOMIC_RELAXED);
}

void vigil_ialloc__lock(void)
{
	vigil_lock__acquire(&lock);
}

void vigil_ialloc__unlock(void)
{
	vigil_lock__release(&lock);
}

void vigil_ialloc__reset_lock(void)
{
	vigil_lock__reset(&lock);
}
