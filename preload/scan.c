// SPDX-License-Identifier: MIT
/* Mark phase over a sorted block array with an explicit work list (no recursion: heaps
 * have long lists). Each block enters the work list at most once per state change, so
 * the list never needs more than n entries. */
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "scan.h"

static void sift(struct vigil_scan_block *b, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1, m = i;
		struct vigil_scan_block t;

		if (c < n && b[c].lo > b[m].lo)
			m = c;
		if (c + 1 < n && b[c + 1].lo > b[m].lo)
			m = c + 1;
		if (m == i)
			return;
		t = b[i];
		b[i] = b[m];
		b[m] = t;
		i = m;
	}
}

/* Heapsort: no allocation, no recursion, n log n worst case. */
void vigil_scan__sort(struct vigil_scan *s)
{
	struct vigil_scan_block t;

	for (size_t i = s->n / 2; i-- > 0;)
		sift(s->b, i, s->n);
	for (size_t end = s->n; end-- > 1;) {
		t = s->b[0];
		s->b[0] = s->b[end];
		s->b[end] = t;
		sift(s->b, 0, end);
	}
}

long vigil_scan__find(const struct vigil_scan *s, uintptr_t addr)
{
	size_t lo = 0, hi = s->n;

	if (!s->n || addr < s->b[0].lo || addr >= s->b[s->n - 1].hi)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->b[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= s->b[lo - 1].hi)
		return -1;
	return (long)(lo - 1);
}

/* Index of the first block starting at or after addr. */
static size_t lower_bound(const struct vigil_scan *s, uintptr_t addr)
{
	size_t a = 0, b = s->n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (s->b[mid].lo < addr)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

int vigil_scan__any_in(const struct vigil_scan *s, uintptr_t lo, uintptr_t hi)
{
	size_t a = lower_bound(s, lo);

	return a < s->n && s->b[a].lo < hi;
}

/* Marks the block holding w (if its state is in `from`) as `to` and queues it. */
static void visit(struct vigil_scan *s, uintptr_t w, unsigned from, uint8_t to)
{
	long i = vigil_scan__find(s, w);

	if (i < 0 || !(from & (1u << s->b[i].state)))
		return;
	s->b[i].state = to;
	s->work[s->nwork++] = (uint32_t)i;
}

static void scan_words(struct vigil_scan *s, const uintptr_t *w, size_t n, unsigned from,
		       uint8_t to)
{
	for (size_t i = 0; i < n; i++)
		visit(s, w[i], from, to);
}

static void scan_range(struct vigil_scan *s, uintptr_t lo, uintptr_t hi, int safe,
		       unsigned from, uint8_t to)
{
	uintptr_t buf[512];

	lo = (lo + sizeof(uintptr_t) - 1) & ~(uintptr_t)(sizeof(uintptr_t) - 1);
	hi &= ~(uintptr_t)(sizeof(uintptr_t) - 1);
	if (!safe) {
		scan_words(s, (const uintptr_t *)lo, (hi - lo) / sizeof(uintptr_t), from, to);
		return;
	}
	/* process_vm_readv on ourselves fails with EFAULT on unmapped memory instead of
	 * faulting: for ranges that may vanish under us. Pages never touched (mincore
	 * says not resident) hold nothing and are skipped: an 8 MiB thread stack is
	 * mostly such pages. A page swapped out is skipped too, which can only turn a
	 * reachable block into a reported leak, and only on a swapping machine. */
	while (lo < hi) {
		uintptr_t page = lo & ~(uintptr_t)4095;
		unsigned char resident = 1;
		size_t len = hi - lo < sizeof(buf) ? hi - lo : sizeof(buf);

		if (lo + len > page + 4096)
			len = page + 4096 - lo;
		if (mincore((void *)page, 4096, &resident) == 0 && !(resident & 1)) {
			lo += len;
			continue;
		}
		struct iovec local = {buf, len}, remote = {(void *)lo, len};
		/* By tid: after the main thread's pthread_exit the pid names a zombie
		 * leader without an address space, and reads by pid fail. */
		ssize_t got = process_vm_readv((pid_t)syscall(SYS_gettid), &local, 1, &remote, 1, 0);
		if (got > 0)
			scan_words(s, buf, (size_t)got / sizeof(uintptr_t), from, to);
		lo += len;
	}
}

int vigil_scan__read_word(uintptr_t addr, uintptr_t *w)
{
	struct iovec local = {w, sizeof(*w)}, remote = {(void *)addr, sizeof(*w)};

	return process_vm_readv((pid_t)syscall(SYS_gettid), &local, 1, &remote, 1, 0) ==
			       (ssize_t)sizeof(*w)
		       ? 0
		       : -1;
}

static void drain(struct vigil_scan *s, unsigned from, uint8_t to)
{
	while (s->nwork) {
		struct vigil_scan_block *b = &s->b[s->work[--s->nwork]];
		scan_range(s, b->lo, b->hi, s->safe, from, to);
	}
}

void vigil_scan__root_range(struct vigil_scan *s, uintptr_t lo, uintptr_t hi, int safe)
{
	if (hi <= lo)
		return;
	scan_range(s, lo, hi, safe || s->safe, 1u << VIGIL_SCAN_UNSEEN, VIGIL_SCAN_REACHABLE);
	drain(s, 1u << VIGIL_SCAN_UNSEEN, VIGIL_SCAN_REACHABLE);
}

void vigil_scan__root_words(struct vigil_scan *s, const uintptr_t *w, size_t n)
{
	scan_words(s, w, n, 1u << VIGIL_SCAN_UNSEEN, VIGIL_SCAN_REACHABLE);
	drain(s, 1u << VIGIL_SCAN_UNSEEN, VIGIL_SCAN_REACHABLE);
}

void vigil_scan__root_gaps(struct vigil_scan *s, uintptr_t lo, uintptr_t hi, int safe)
{
	size_t i = lower_bound(s, lo);
	uintptr_t cur = lo;

	/* A block starting before lo may reach into the range. */
	if (i > 0 && s->b[i - 1].hi > cur)
		cur = s->b[i - 1].hi;
	for (; i < s->n && s->b[i].lo < hi; i++) {
		if (s->b[i].lo > cur)
			vigil_scan__root_range(s, cur, s->b[i].lo, safe);
		if (s->b[i].hi > cur)
			cur = s->b[i].hi;
	}
	if (cur < hi)
		vigil_scan__root_range(s, cur, hi, safe);
}

void vigil_scan__classify(struct vigil_scan *s)
{
	const unsigned refd = 1u << VIGIL_SCAN_REFERENCED;

	/* 1. Which leaked blocks does any other leaked block point at? One pass over
	 * the leaked bytes, following nothing. */
	for (size_t i = 0; i < s->n; i++) {
		struct vigil_scan_block *b = &s->b[i];
		if (b->state != VIGIL_SCAN_UNSEEN && b->state != VIGIL_SCAN_REFERENCED)
			continue;
		uint8_t own = b->state;
		b->state = VIGIL_SCAN_SOURCE;
		scan_range(s, b->lo, b->hi, s->safe, 1u << VIGIL_SCAN_UNSEEN,
			   VIGIL_SCAN_REFERENCED);
		s->nwork = 0;
		b->state = own;
	}
	/* 2. The others are direct; all they reach is indirect. */
	for (size_t i = 0; i < s->n; i++) {
		struct vigil_scan_block *b = &s->b[i];
		if (b->state != VIGIL_SCAN_UNSEEN)
			continue;
		b->state = VIGIL_SCAN_SOURCE;
		scan_range(s, b->lo, b->hi, s->safe, refd, VIGIL_SCAN_INDIRECT);
		drain(s, refd, VIGIL_SCAN_INDIRECT);
		b->state = VIGIL_SCAN_DIRECT;
	}
	/* 3. Left over: cycles no other leaked block points into. One member of each
	 * stands for it as direct (the lowest address), the rest are indirect. */
	for (size_t i = 0; i < s->n; i++) {
		struct vigil_scan_block *b = &s->b[i];
		if (b->state != VIGIL_SCAN_REFERENCED)
			continue;
		b->state = VIGIL_SCAN_SOURCE;
		scan_range(s, b->lo, b->hi, s->safe, refd, VIGIL_SCAN_INDIRECT);
		drain(s, refd, VIGIL_SCAN_INDIRECT);
		b->state = VIGIL_SCAN_DIRECT;
	}
}
