// SPDX-License-Identifier: MIT
/* Heap overflow caught by the sprintf interceptor at the call: a label is formatted
 * into a 16-byte block; the user name makes it 21 characters plus the NUL. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: heap-overflow function=make_label line=20 details.detected_by="bounds check at the call" details.size=16 details.offset=16 details.access_size=22 details.write=1
// expect: heap-overflow role=allocation function=make_label line=17
// expect-none: use-after-free
// expect-none: crash
// expect-stdout: label user-1042-alice.smith
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>

static char *make_label(int id, const char *name)
{
	char *s = malloc(16);

	if (s)
		sprintf(s, "user-%d-%s", id, name); /* the bug: 22 bytes */
	return s;
}

int main(void)
{
	char *l = make_label(1042, "alice.smith");

	if (!l)
		return 1;
	printf("label %s\n", l);
	free(l);
	return 0;
}
