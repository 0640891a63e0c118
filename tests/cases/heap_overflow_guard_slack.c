// SPDX-License-Identifier: MIT
/* Heap overflow inside a guard-page block's slack: a right-aligned 40-byte block ends
 * 8 bytes before its guard page (blocks are rounded to 16), so a one-byte overflow
 * does not fault. The slack is filled like a redzone and checked when the block is
 * freed: the finding names the free, offset 40 of a 40-byte block. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: heap-overflow function=drop_key line=39 details.detected_by="redzone, checked at free" details.size=40 details.offset=40
// expect: heap-overflow role=allocation function=new_key line=25
// expect-none: heap-overflow details.detected_by="guard page"
// expect-none: crash
// expect-stdout[base,canary]: guarded key found
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

#include "include/guard_probe.h"

#define KEY_SIZE 40 /* rounded to 48 in the pool: 8 bytes of slack */

static void *new_key(void)
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

/* A right-aligned block: the guard page starts 48 bytes after it. */
static int guarded_slack(const void *p)
{
	return guard_probe_readable((const char *)p + 48) == 0 &&
	       guard_probe_readable((const char *)p + KEY_SIZE) == 1;
}

int main(void)
{
	char *k = guard_probe_pick(new_key, guarded_slack);

	if (!k) {
		printf("no guarded key in %d tries\n", GUARD_PROBE_TRIES);
		return 2;
	}
	printf("guarded key found\n");
	copy_key(k, "0123456789abcdef0123456789abcdef01234567");
	drop_key(k);
	return 0;
}
