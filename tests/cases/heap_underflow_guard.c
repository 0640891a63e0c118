// SPDX-License-Identifier: MIT
/* Heap underflow caught at the faulting store by a guard page: a framing helper
 * assumes a length byte sits before the payload and writes body[-1]. With
 * guard_rate=1 the case picks a block whose start borders the guard page below it
 * (left-aligned); the finding names the store, with offset -1. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: heap-overflow function=put_length line=29 details.detected_by="guard page" details.size=64 details.offset=-1
// expect: heap-overflow role=allocation function=new_body line=24
// expect-none: crash
// expect-stdout[base,canary]: framed 64 bytes
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

#include "include/guard_probe.h"

#define BODY_SIZE 64

static void *new_body(void)
{
	return malloc(BODY_SIZE);
}

static void put_length(unsigned char *body, size_t len)
{
	body[-1] = (unsigned char)len;
}

/* A block whose start borders an inaccessible page. */
static int guarded_start(const void *p)
{
	return guard_probe_readable((const char *)p - 1) == 0;
}

int main(void)
{
	unsigned char *body = guard_probe_pick(new_body, guarded_start);

	if (!body) {
		printf("no guarded body in %d tries\n", GUARD_PROBE_TRIES);
		return 2;
	}
	for (int i = 0; i < BODY_SIZE; i++)
		body[i] = (unsigned char)i;
	put_length(body, BODY_SIZE); /* the bug: there is no header byte */
	printf("framed %d bytes\n", BODY_SIZE);
	free(body);
	return 0;
}
