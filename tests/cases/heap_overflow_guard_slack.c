// SPDX-License-Identifier: MIT
/* Heap overflow inside a guard-page block's slack: a right-aligned 40-byte block ends
 * 8 bytes before its guard page (blocks are rounded to 16), so a one-byte overflow
 * does not fault. The slack is filled like a redzone and checked when the block is
 * freed: the finding names the free, offset 40 of a 40-byte block. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: heap-overflow function=drop_key line=55 details.detected_by="redzone, checked at free" details.size=40 details.offset=40
// expect: heap-overflow role=allocation function=new_key line=41
// expect-none: heap-overflow details.detected_by="guard page"
// expect-none: crash
// expect-stdout[base,canary]: guarded key found
// expect-exit: 0
// expect-exit[abort]: 134
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEY_SIZE 40 /* rounded to 48 in the pool: 8 bytes of slack */
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

static char *new_key(void)
{
	return malloc(KEY_SIZE);
}

static void copy_key(char *dst, const char *src)
{
	size_t i;

	for (i = 0; src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0'; /* the bug: a 40-character key leaves no room for the NUL */
}

static void drop_key(char *k)
{
	free(k);
}

int main(void)
{
	char *tried[TRIES];
	char *k = NULL;
	int n = 0;

	/* A right-aligned block: the guard page starts 48 bytes after it. */
	while (n < TRIES) {
		tried[n] = new_key();
		if (!tried[n])
			return 1;
		if (readable(tried[n] + 48) == 0 && readable(tried[n] + KEY_SIZE) == 1) {
			k = tried[n];
			break;
		}
		n++;
	}
	for (int i = 0; i < n; i++)
		free(tried[i]);
	if (!k) {
		printf("no guarded key in %d tries\n", TRIES);
		return 2;
	}
	printf("guarded key found\n");
	copy_key(k, "0123456789abcdef0123456789abcdef01234567");
	drop_key(k);
	return 0;
}
