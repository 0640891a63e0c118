// SPDX-License-Identifier: MIT
/* Heap overflow caught by the memcpy interceptor at the call: a record is copied into
 * a buffer sized for its payload but the copy also takes the 4-byte trailer, writing
 * 4 bytes past the block's end. The finding names the memcpy, the block's size and
 * the access size; with --on-error abort the process stops before the copy. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: abort --on-error abort
// expect: heap-overflow function=copy_record line=34 details.detected_by="bounds check at the call" details.size=24 details.offset=24 details.access_size=28 details.write=1
// expect: heap-overflow role=allocation function=new_payload line=29
// expect-none: use-after-free
// expect-none: crash
// expect-stdout[base,canary,guard]: copied 24 bytes
// expect-exit[abort]: 134
// expect-exit: 0
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct record {
	char payload[24];
	unsigned trailer;
};

static char *new_payload(void)
{
	return malloc(sizeof(((struct record *)0)->payload));
}

static void copy_record(char *dst, const struct record *r, size_t n)
{
	memcpy(dst, r, n); /* the bug: n counts the trailer too */
}

int main(void)
{
	struct record r = {.payload = "payload of the record", .trailer = 0xfeedu};
	char *p = new_payload();

	if (!p)
		return 1;
	copy_record(p, &r, offsetof(struct record, trailer) + sizeof(r.trailer));
	printf("copied %zu bytes\n", sizeof(r.payload));
	free(p);
	return 0;
}
