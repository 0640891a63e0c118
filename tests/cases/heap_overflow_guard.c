// SPDX-License-Identifier: MIT
/* Heap overflow caught at the faulting store by a guard page: a record writer puts a
 * terminator at r[size]. With guard_rate=1 blocks are served from the guard-page pool;
 * the case picks one whose end borders the guard page (right-aligned) and the finding
 * must name the store itself, at once. --on-error continue lets the program go on;
 * --on-error abort ends it with SIGABRT after the finding is written. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: heap-overflow function=seal_record line=31 details.detected_by="guard page" details.size=48 details.offset=48
// expect: heap-overflow role=allocation function=new_record line=26
// expect-none: crash
// expect-stdout: guarded record found
// expect-stdout[base,canary]: record sealed
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

#include "include/guard_probe.h"

#define RECORD_SIZE 48 /* a multiple of 16: right-aligned blocks end at the page end */

static void *new_record(void)
{
	return malloc(RECORD_SIZE);
}

static void seal_record(char *r, size_t n)
{
	r[n] = '\0';
}

/* A block whose end borders an inaccessible page. */
static int guarded_end(const void *p)
{
	return guard_probe_readable((const char *)p + RECORD_SIZE) == 0;
}

int main(void)
{
	char *r = guard_probe_pick(new_record, guarded_end);

	if (!r) {
		printf("no guarded record in %d tries\n", GUARD_PROBE_TRIES);
		return 2;
	}
	printf("guarded record found\n");
	fflush(stdout);
	for (int i = 0; i < RECORD_SIZE; i++)
		r[i] = 'a' + i % 26;
	seal_record(r, RECORD_SIZE); /* the bug: the terminator goes one past the end */
	printf("record sealed\n");
	free(r);
	return 0;
}
