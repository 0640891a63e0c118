// SPDX-License-Identifier: MIT
/* Heap overflow found by realloc: a growable byte buffer checks its capacity with >
 * instead of >=, so the byte at data[cap] is written before the buffer grows. The
 * realloc that grows it checks the old block's redzone and reports at the realloc. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: heap-overflow function=buf_grow line=33 details.detected_by="redzone, checked at realloc" details.size=16 details.offset=16
// expect: heap-overflow role=allocation function=buf_init line=25
// expect-none: heap-overflow details.detected_by="redzone, checked at free"
// expect-none: use-after-free
// expect-none: crash
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

struct buf {
	char *data;
	size_t len, cap;
};

static int buf_init(struct buf *b, size_t cap)
{
	b->data = malloc(cap);
	b->len = 0;
	b->cap = cap;
	return b->data ? 0 : -1;
}

static int buf_grow(struct buf *b)
{
	char *n = realloc(b->data, b->cap * 2);

	if (!n)
		return -1;
	b->data = n;
	b->cap *= 2;
	return 0;
}

static int buf_put(struct buf *b, char c)
{
	if (b->len > b->cap && buf_grow(b)) /* the bug: > instead of >= */
		return -1;
	b->data[b->len++] = c;
	return 0;
}

int main(void)
{
	struct buf b;
	const char *text = "seventeen chars!!x";

	if (buf_init(&b, 16))
		return 1;
	for (const char *p = text; *p; p++)
		if (buf_put(&b, *p))
			return 1;
	printf("buffered %zu bytes, capacity %zu\n", b.len, b.cap);
	free(b.data);
	return 0;
}
