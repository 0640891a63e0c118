// SPDX-License-Identifier: MIT
/* Invalid free of an interior pointer into a block served from the guard-page pool
 * (guard_rate=1; the case picks a block that borders a guard page): freeing a
 * pointer 16 bytes into the block must be reported like any interior free, with the
 * block named, and the block must stay usable and freeable. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: invalid-free function=release_body line=31 details.where="the inside of a heap block" details.size=96 details.offset=16
// expect: invalid-free role=allocation function=new_message line=26
// expect-none: crash
// expect-none: double-free
// expect-stdout[base,canary]: message done
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/guard_probe.h"

#define MSG 96

static void *new_message(void)
{
	return malloc(MSG);
}

static void release_body(char *body)
{
	free(body);
}

static int guarded(const void *p)
{
	return guard_probe_borders(p, MSG);
}

int main(void)
{
	char *m = guard_probe_pick(new_message, guarded);

	if (!m) {
		printf("no guarded message in %d tries\n", GUARD_PROBE_TRIES);
		return 2;
	}
	memset(m, 'm', MSG);
	release_body(m + 16); /* the bug: the body, not the message */
	m[0] = 'x';
	free(m);
	printf("message done\n");
	return 0;
}
