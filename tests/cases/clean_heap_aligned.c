// SPDX-License-Identifier: MIT
/* Clean control for aligned allocation: posix_memalign, aligned_alloc, memalign,
 * valloc and pvalloc with every power-of-two alignment from 8 to 64 KiB and sizes
 * around it, each block checked for alignment and written in full (pvalloc: the
 * whole rounded page), some grown by realloc, all freed. No heap finding. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// variant: canary-default --mode canary
// expect-none: * severity=error
// expect-none: bad-alloc-size
// expect-stdout: aligned: 0 failures
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXBLK 4096

static void *blocks[MAXBLK];
static int nblocks, failures;

static void keep(void *p, size_t align, size_t size, const char *what)
{
	if (!p || ((uintptr_t)p & (align - 1))) {
		fprintf(stderr, "%s(%zu, %zu) = %p\n", what, align, size, p);
		failures++;
		return;
	}
	memset(p, 0xa5, size);
	if (nblocks < MAXBLK)
		blocks[nblocks++] = p;
	else
		free(p);
}

static void one_alignment(size_t a)
{
	size_t sizes[] = {0, 1, a - 1, a, a + 1, 3 * a + 5, 100, 4096};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		void *p = NULL;
		int r = posix_memalign(&p, a, n);

		if (r) {
			failures++;
			continue;
		}
		keep(p, a, n, "posix_memalign");
		keep(memalign(a, n), a, n, "memalign");
		/* C11 wants the size a multiple of the alignment. */
		keep(aligned_alloc(a, (n + a - 1) / a * a), a, (n + a - 1) / a * a, "aligned_alloc");
	}
}

int main(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *bad = &failures;

	for (size_t a = sizeof(void *); a <= 65536; a *= 2)
		one_alignment(a);
	for (size_t n = 1; n < 3 * page; n += page / 3) {
		keep(valloc(n), page, n, "valloc");
		keep(pvalloc(n), page, (n + page - 1) / page * page, "pvalloc");
	}
	/* Bad alignments are refused, not tracked and not reported. */
	if (posix_memalign(&bad, 24, 64) != EINVAL || bad != &failures)
		failures++;
	/* Aligned blocks grow and shrink like any other. */
	for (int i = 0; i < nblocks; i += 5) {
		void *q = realloc(blocks[i], 5000);

		if (!q) {
			failures++;
			continue;
		}
		memset(q, 0x11, 5000);
		blocks[i] = realloc(q, 10);
		if (!blocks[i])
			failures++;
	}
	for (int i = 0; i < nblocks; i++)
		free(blocks[i]);
	printf("aligned: %d failures\n", failures);
	return failures ? 1 : 0;
}
