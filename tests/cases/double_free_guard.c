// SPDX-License-Identifier: MIT
/* Double free of a block served from the guard-page pool (guard_rate=1; the case picks
 * a block that borders a guard page): the pool's own slot state catches the second
 * free, with the stacks of both frees and the allocation. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: double-free function=flush_all line=51 details.size=64 details.alloc_op=malloc details.free_op=free
// expect: double-free role=first-free function=flush_one line=45
// expect: double-free role=allocation function=new_chunk line=40
// expect-none: crash
// expect-none: invalid-free
// expect-stdout[base,canary]: flushed
// expect-exit: 0
// expect-exit[abort]: 134
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CHUNK 64
#define TRIES 64

/* Whether the byte at p can be read, found without touching it: write(2) from an
 * inaccessible address fails with EFAULT instead of faulting. */
static int readable(const void *p)
{
	int fd[2], ok;

	if (pipe(fd))
		return -1;
	ok = write(fd[1], p, 1) == 1 ? 1 : errno == EFAULT ? 0 : -1;
	close(fd[0]);
	close(fd[1]);
	return ok;
}

static char *new_chunk(void)
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

int main(void)
{
	char *tried[TRIES];
	char *c = NULL;
	int n = 0;

	while (n < TRIES) {
		tried[n] = new_chunk();
		if (!tried[n])
			return 1;
		if (readable(tried[n] - 1) == 0 || readable(tried[n] + CHUNK) == 0) {
			c = tried[n];
			break;
		}
		n++;
	}
	for (int i = 0; i < n; i++)
		free(tried[i]);
	if (!c) {
		printf("no guarded chunk in %d tries\n", TRIES);
		return 2;
	}
	flush_one(&c); /* the bug: the slot is not cleared */
	flush_all(&c, 1);
	printf("flushed\n");
	return 0;
}
