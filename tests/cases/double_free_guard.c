// SPDX-License-Identifier: MIT
/* Double free of a block served from the guard-page pool (guard_rate=1; the case picks
 * a block that borders a guard page): the pool's own slot state catches the second
 * free, with the stacks of both frees and the allocation. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: double-free function=flush_all line=36 details.size=64 details.alloc_op=malloc details.free_op=free
// expect: double-free role=first-free function=flush_one line=30
// expect: double-free role=allocation function=new_chunk line=25
// expect-none: crash
// expect-none: invalid-free
// expect-stdout[base,canary]: flushed
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

#include "include/guard_probe.h"

#define CHUNK 64

static void *new_chunk(void)
{
	return malloc(CHUNK);
}

static void flush_one(char **slot)
{
	free(*slot);
}

static void flush_all(char **slots, int n)
{
	for (int i = 0; i < n; i++)
		free(slots[i]);
}

static int guarded(const void *p)
{
	return guard_probe_borders(p, CHUNK);
}

int main(void)
{
	char *c = guard_probe_pick(new_chunk, guarded);

	if (!c) {
		printf("no guarded chunk in %d tries\n", GUARD_PROBE_TRIES);
		return 2;
	}
	flush_one(&c); /* the bug: the slot is not cleared */
	flush_all(&c, 1);
	printf("flushed\n");
	return 0;
}
