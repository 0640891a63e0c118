// SPDX-License-Identifier: MIT
/* Heap overflow caught by the strcat interceptor at the call: a path is built in a
 * 16-byte block, and the suffix appended makes it 19 characters plus the NUL. The
 * access size is what strcat writes counted from the block's start. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: heap-overflow function=tool_path line=26 details.detected_by="bounds check at the call" details.size=16 details.offset=16 details.access_size=20 details.write=1
// expect: heap-overflow role=allocation function=tool_path line=21
// expect-none: use-after-free
// expect-none: crash
// expect-stdout: path /usr/local/bin/tool
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_CAP 16

static char *tool_path(const char *prefix, const char *tail)
{
	char *p = malloc(PATH_CAP);

	if (!p)
		return NULL;
	strcpy(p, prefix);
	strcat(p, tail); /* the bug: no room check */
	return p;
}

int main(void)
{
	char *p = tool_path("/usr/local", "/bin/tool");

	if (!p)
		return 1;
	printf("path %s\n", p);
	free(p);
	return 0;
}
