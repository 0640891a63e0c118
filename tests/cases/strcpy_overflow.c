// SPDX-License-Identifier: MIT
/* Heap overflow caught by the strcpy interceptor at the call: the classic off-by-one,
 * a copy of a string into a block of strlen() bytes, with no room for the NUL. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: heap-overflow function=dup_name line=21 details.detected_by="bounds check at the call" details.size=13 details.offset=13 details.access_size=14 details.write=1
// expect: heap-overflow role=allocation function=dup_name line=18
// expect-none: use-after-free
// expect-none: crash
// expect-stdout: name configuration
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_name(const char *name)
{
	char *p = malloc(strlen(name));

	if (p)
		strcpy(p, name); /* the bug: strlen(name) + 1 bytes */
	return p;
}

int main(int argc, char **argv)
{
	char *n = dup_name(argc > 1 ? argv[1] : "configuration");

	if (!n)
		return 1;
	printf("name %s\n", n);
	free(n);
	return 0;
}
