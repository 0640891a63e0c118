// SPDX-License-Identifier: MIT
/* Clean control, realloc-heavy: 2000 buffers each grown and shrunk through a chain of
 * reallocs (from NULL, by a byte, doubling, shrinking to one byte, via reallocarray),
 * contents checked after every step, and the whole of each new size written; then
 * realloc(p, 0) and free. No heap finding in any mode. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// variant: canary-default --mode canary
// expect-none: * severity=error
// expect-none: bad-alloc-size
// expect-stdout: 2000 chains, 0 failures
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCHAINS 2000
#define STEPS 24

static unsigned long seed = 777;
static int failures;

static unsigned long next(void)
{
	seed = seed * 6364136223846793005ul + 1442695040888963407ul;
	return seed >> 33;
}

struct chain {
	unsigned char *p;
	size_t size;
	unsigned char tag;
};

static size_t next_size(size_t cur, int step)
{
	switch (next() % 6) {
	case 0:
		return cur + 1;
	case 1:
		return cur * 2 + 1;
	case 2:
		return cur / 2 + 1;
	case 3:
		return 1;
	case 4:
		return 1 + next() % 5000;
	default:
		return step % 2 ? cur + 16 : cur + 4096;
	}
}

static void step(struct chain *c, int k)
{
	size_t n = next_size(c->size, k), keep = n < c->size ? n : c->size;
	unsigned char *q;

	q = k % 5 == 4 ? reallocarray(c->p, n, 1) : realloc(c->p, n);
	if (!q) {
		failures++;
		return;
	}
	for (size_t i = 0; i < keep; i++)
		if (q[i] != c->tag) {
			failures++;
			break;
		}
	memset(q, c->tag, n);
	c->p = q;
	c->size = n;
}

int main(void)
{
	static struct chain chains[NCHAINS];

	for (int i = 0; i < NCHAINS; i++) {
		chains[i].tag = (unsigned char)(i * 7 + 1);
		chains[i].p = realloc(NULL, 8);
		if (!chains[i].p)
			return 1;
		chains[i].size = 8;
		memset(chains[i].p, chains[i].tag, 8);
	}
	/* Interleaved, so neighbouring blocks belong to different chains. */
	for (int k = 0; k < STEPS; k++)
		for (int i = 0; i < NCHAINS; i++)
			step(&chains[i], k);
	for (int i = 0; i < NCHAINS; i++) {
		if (i % 2) {
			free(chains[i].p);
			continue;
		}
		/* glibc frees and returns NULL; another allocator may return a block. */
		free(realloc(chains[i].p, 0));
	}
	printf("%d chains, %d failures\n", NCHAINS, failures);
	return failures ? 1 : 0;
}
