// SPDX-License-Identifier: MIT
/* Heap overflow found at exit: a lookup table that lives for the whole run (held by a
 * global, so it is no leak) is written 3 bytes past its end and never freed. Only the
 * exit-time redzone check can find it; the finding has the allocation stack and the
 * offset of the first damaged byte (103 of a 100-byte block). */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: heap-overflow function=table_create line=21 details.detected_by="redzone, checked at exit" details.size=100 details.offset=103
// expect-none: leak
// expect-none: crash
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

static unsigned char *table;

static unsigned char *table_create(size_t n)
{
	return calloc(1, n);
}

static void table_mark(unsigned char *t, size_t slot)
{
	t[slot] = 1;
}

int main(void)
{
	table = table_create(100);
	if (!table)
		return 1;
	for (size_t slot = 3; slot < 100; slot += 10)
		table_mark(table, slot);
	table_mark(table, 103); /* the bug: a slot computed past the end */
	printf("table ready\n");
	return 0;
}
