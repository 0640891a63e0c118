// SPDX-License-Identifier: MIT
/* Heap overflow caught by the memset interceptor at the call: a table of 8 shorts is
 * cleared with the element size of the int table it used to be, 32 bytes into 16. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: heap-overflow function=table_clear line=30 details.detected_by="bounds check at the call" details.size=16 details.offset=16 details.access_size=32 details.write=1
// expect: heap-overflow role=allocation function=table_new line=23
// expect-none: use-after-free
// expect-none: crash
// expect-stdout: table of 8 cleared
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct table {
	short *v;
	size_t n;
};

static int table_new(struct table *t, size_t n)
{
	t->v = malloc(n * sizeof(*t->v));
	t->n = n;
	return t->v ? 0 : -1;
}

static void table_clear(struct table *t)
{
	memset(t->v, 0, t->n * sizeof(int)); /* the bug: the old element type */
}

int main(void)
{
	struct table t;

	if (table_new(&t, 8))
		return 1;
	table_clear(&t);
	printf("table of %zu cleared\n", t.n);
	free(t.v);
	return 0;
}
