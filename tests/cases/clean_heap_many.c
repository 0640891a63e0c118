// SPDX-License-Identifier: MIT
/* Clean control, allocation-heavy: 100000 live blocks of many sizes (0 to 20000
 * bytes, a few of 256 KiB) from malloc and calloc, each filled up to its requested
 * size and up to malloc_usable_size, checked, half of them replaced, then all freed
 * in a shuffled order. No heap finding in any mode. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// variant: canary-default --mode canary
// variant: tiny-table VIGIL_OPTIONS=max_blocks=10000
// expect-none: * severity=error
// expect-none: bad-alloc-size
// expect-stdout: 100000 blocks, 0 failures
// expect-report[base,guard,canary]: stats.allocs>=140000
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
// expect-report[tiny-table]: stats.heap_table_overflow>100000
// expect-report[tiny-table]: run.notes.0~.*allocations.were.not.tracked.*
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBLOCKS 100000

struct slot {
	unsigned char *p;
	size_t size;
};

static struct slot slots[NBLOCKS];
static unsigned order[NBLOCKS];
static unsigned long seed = 12345;
static int failures;

static unsigned long next(void)
{
	seed = seed * 6364136223846793005ul + 1442695040888963407ul;
	return seed >> 33;
}

static size_t pick_size(void)
{
	unsigned long r = next();

	if (r % 5000 == 0)
		return 256 * 1024;
	if (r % 64 == 0)
		return 4097 + r % 16000;
	if (r % 8 == 0)
		return 257 + r % 1800;
	if (r % 97 == 0)
		return 0;
	return 1 + r % 256;
}

static void fill(struct slot *s, unsigned i)
{
	size_t n = pick_size();

	s->size = n;
	s->p = i % 3 ? malloc(n) : calloc(1, n);
	if (!s->p) {
		failures++;
		return;
	}
	if (!(i % 3))
		for (size_t k = 0; k < n; k++)
			if (s->p[k]) {
				failures++;
				break;
			}
	memset(s->p, (int)(i & 0xff), n);
}

static void check(const struct slot *s, unsigned i)
{
	if (s->size && (s->p[0] != (unsigned char)i || s->p[s->size - 1] != (unsigned char)i))
		failures++;
}

/* The whole usable size is the program's to write, whatever the allocator says. */
static void use_usable(struct slot *s)
{
	size_t n = malloc_usable_size(s->p);

	if (n < s->size) {
		failures++;
		return;
	}
	if (n > s->size)
		memset(s->p + s->size, 0x5a, n - s->size);
}

static void shuffle(void)
{
	for (unsigned i = 0; i < NBLOCKS; i++)
		order[i] = i;
	for (unsigned i = NBLOCKS - 1; i > 0; i--) {
		unsigned j = (unsigned)(next() % (i + 1)), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
}

int main(void)
{
	for (unsigned i = 0; i < NBLOCKS; i++)
		fill(&slots[i], i);
	if (failures)
		goto out;
	for (unsigned i = 0; i < NBLOCKS; i++) {
		check(&slots[i], i);
		if (i % 7 == 0)
			use_usable(&slots[i]);
	}
	shuffle();
	for (unsigned k = 0; k < NBLOCKS / 2; k++) {
		unsigned i = order[k];

		free(slots[i].p);
		fill(&slots[i], i);
	}
	shuffle();
	for (unsigned k = 0; k < NBLOCKS; k++) {
		unsigned i = order[k];

		check(&slots[i], i);
		free(slots[i].p);
	}
out:
	printf("%d blocks, %d failures\n", NBLOCKS, failures);
	return failures ? 1 : 0;
}
