// SPDX-License-Identifier: MIT
/* Layout: G O G O G ... O G, one object page between guard pages, reserved once.
 * Slots are taken from a free ring so a freed slot waits behind all the others
 * before it serves again. Slot metadata lives here, not in the heap table, so the
 * fault handler needs no lock another thread could hold. */
#include <string.h>
#include <sys/mman.h>

#include "emit.h"
#include "guardpool.h"
#include "heap.h"
#include "ialloc.h"
#include "lock.h"
#include "rt.h"
#include "stack.h"
#include "vigil/finding.h"

#define PAGE 4096ul

enum slot_state { SLOT_FREE = 0, SLOT_LIVE, SLOT_FREED };

struct slot {
	int state;
	int burnt; /* faulted and made accessible: never served again */
	uintptr_t ptr;
	uint64_t size;
	uint32_t stack, tid, free_stack, free_tid;
	uint8_t op;
};

uintptr_t vigil_guardpool_lo, vigil_guardpool_hi;
static unsigned nslots;
static struct slot *slots;
static unsigned *ring; /* free slot indices, FIFO */
static unsigned ring_head, ring_count;
static vigil_lock_t lock;
static unsigned flip;

static uintptr_t page_of(unsigned i)
{
	return vigil_guardpool_lo + (2 * (uintptr_t)i + 1) * PAGE;
}

int vigil_guardpool__init(unsigned n)
{
	size_t len = (2 * (size_t)n + 1) * PAGE;
	void *m;

	if (!n)
		return 0;
	m = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return -errno;
	madvise(m, len, MADV_DONTDUMP);
	slots = vigil_ialloc(n * sizeof(*slots));
	ring = vigil_ialloc(n * sizeof(*ring));
	if (!slots || !ring) {
		munmap(m, len);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n; i++)
		ring[i] = i;
	ring_count = n;
	nslots = n;
	vigil_guardpool_lo = (uintptr_t)m;
	__atomic_store_n(&vigil_guardpool_hi, vigil_guardpool_lo + len, __ATOMIC_RELEASE);
	return 0;
}

static long slot_of(uintptr_t a)
{
	uintptr_t off;

	if (a < vigil_guardpool_lo || a >= vigil_guardpool_hi)
		return -1;
	off = (a - vigil_guardpool_lo) / PAGE;
	return off & 1 ? (long)(off / 2) : -1;
}

void *vigil_guardpool__alloc(size_t size, size_t align, unsigned op, uint32_t stack, uint32_t tid)
{
	struct slot *s;
	uintptr_t page, p;
	unsigned i;

	if (!nslots || size > PAGE || align > 16)
		return NULL;
	vigil_lock__acquire(&lock);
	do {
		if (!ring_count) {
			vigil_lock__release(&lock);
			return NULL;
		}
		i = ring[ring_head];
		ring_head = (ring_head + 1) % nslots;
		ring_count--;
	} while (slots[i].burnt);
	flip++;
	vigil_lock__release(&lock);
	page = page_of(i);
	if (mprotect((void *)page, PAGE, PROT_READ | PROT_WRITE))
		return NULL;
	/* Right-aligned (16-byte rounded: malloc's alignment) so an overflow runs into
	 * the next guard; every other block left-aligned to catch underflows. */
	p = flip & 1 ? page : page + PAGE - ((size + 15) & ~15ul);
	memset((void *)page, VIGIL_RZ_BYTE, PAGE);
	s = &slots[i];
	s->ptr = p;
	s->size = size;
	s->stack = stack;
	s->tid = tid;
	s->op = (uint8_t)op;
	s->free_stack = s->free_tid = 0;
	__atomic_store_n(&s->state, SLOT_LIVE, __ATOMIC_RELEASE);
	return (void *)p;
}

static void to_block(const struct slot *s, struct vigil_block *b)
{
	memset(b, 0, sizeof(*b));
	b->ptr = s->ptr;
	b->size = s->size;
	b->stack = s->stack;
	b->tid = s->tid;
	b->free_stack = s->free_stack;
	b->free_tid = s->free_tid;
	b->kind = s->op;
	b->state = s->state == SLOT_LIVE ? VIGIL_BLOCK_LIVE : VIGIL_BLOCK_FREED;
	b->flags = VIGIL_BLOCK_GUARDED;
}

int vigil_guardpool__find(const void *p, struct vigil_block *out)
{
	long i = slot_of((uintptr_t)p);

	if (i < 0 || slots[i].ptr != (uintptr_t)p || slots[i].state == SLOT_FREE)
		return -ENOENT;
	to_block(&slots[i], out);
	return 0;
}

int vigil_guardpool__free(void *p, uint32_t free_stack, uint32_t free_tid,
			  struct vigil_block *out)
{
	long i = slot_of((uintptr_t)p);
	struct slot *s;
	int expected = SLOT_LIVE;

	if (i < 0 || slots[i].ptr != (uintptr_t)p)
		return -ENOENT;
	s = &slots[i];
	if (!__atomic_compare_exchange_n(&s->state, &expected, SLOT_FREED, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		if (expected == SLOT_FREE)
			return -ENOENT;
		to_block(s, out);
		return -EALREADY;
	}
	to_block(s, out);
	s->free_stack = free_stack;
	s->free_tid = free_tid;
	if (s->burnt)
		return 0;
	mprotect((void *)page_of((unsigned)i), PAGE, PROT_NONE);
	vigil_lock__acquire(&lock);
	ring[(ring_head + ring_count) % nslots] = (unsigned)i;
	ring_count++;
	vigil_lock__release(&lock);
	return 0;
}

int vigil_guardpool__fault(uintptr_t addr, void *uc)
{
	uintptr_t pcs[VIGIL_STACK_DEPTH_MAX];
	struct vigil_rec_fstack st[3];
	struct vigil_rec_kv kv[5];
	unsigned ns = 0, nkv = 0, n, kind;
	uintptr_t page;
	long i;
	struct slot *s;

	if (!vigil_guardpool__owns((void *)addr))
		return 0;
	page = addr & ~(PAGE - 1);
	/* A guard page belongs to the object page it borders on the side the object is
	 * aligned to; an object page fault is a use after free. */
	i = slot_of(addr);
	if (i < 0) {
		/* A guard page borders two object pages: blame the block that ends
		 * nearest below the address (overflow) or starts nearest above it
		 * (underflow). */
		long below = slot_of(page - PAGE), above = slot_of(page + PAGE);
		uintptr_t d_below = UINTPTR_MAX, d_above = UINTPTR_MAX;
		if (below >= 0 && slots[below].state != SLOT_FREE)
			d_below = addr - (slots[below].ptr + slots[below].size);
		if (above >= 0 && slots[above].state != SLOT_FREE)
			d_above = slots[above].ptr - addr;
		i = d_below <= d_above ? below : above;
	}
	if (i < 0)
		return 0;
	s = &slots[i];
	kind = s->state == SLOT_FREED ? VIGIL_FK_USE_AFTER_FREE : VIGIL_FK_HEAP_OVERFLOW;
	vigil_guard__enter();
	n = vigil_stack__from_ucontext(uc, pcs, VIGIL_STACK_DEPTH_MAX);
	st[ns++] = (struct vigil_rec_fstack){.stack_id = n ? vigil_stack__write_raw(pcs, n, 0) : 0,
					     .tid = (uint32_t)vigil_gettid(),
					     .role = VIGIL_ROLE_ACCESS,
					     .flags = VIGIL_STACK_EXACT_PC0};
	st[ns++] = (struct vigil_rec_fstack){.stack_id = s->stack, .tid = s->tid,
					     .role = VIGIL_ROLE_ALLOCATION};
	if (kind == VIGIL_FK_USE_AFTER_FREE)
		st[ns++] = (struct vigil_rec_fstack){.stack_id = s->free_stack, .tid = s->free_tid,
						     .role = VIGIL_ROLE_FREE};
	kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_SIZE, .value = s->size};
	kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_OFFSET,
					  .value = (uint64_t)(int64_t)(addr - s->ptr)};
	kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_BLOCK_ADDR, .value = s->ptr};
	kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_FAULT_ADDR, .value = addr};
	kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_DETECTED_BY,
					  .value = VIGIL_DETECT_GUARD_PAGE};
	vigil_emit__finding(kind, VIGIL_SEV_ERROR, 1, st, ns, kv, nkv);
	vigil_guard__leave();
	vigil_heap__after_error();
	/* Continue, as KFENCE does: the page becomes accessible and the slot is never
	 * used again, so the instruction that faulted runs on. */
	s->burnt = 1;
	mprotect((void *)page, PAGE, PROT_READ | PROT_WRITE);
	return 1;
}

void vigil_guardpool__lock(void)
{
	vigil_lock__acquire(&lock);
}

void vigil_guardpool__unlock(int reset)
{
	if (reset)
		vigil_lock__reset(&lock);
	else
		vigil_lock__release(&lock);
}
