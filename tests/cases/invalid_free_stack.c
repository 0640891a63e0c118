// SPDX-License-Identifier: MIT
/* Invalid free of stack memory: a formatter returns either a heap string or, for short
 * names, a caller's stack buffer, and the caller frees whatever it got. The free must
 * be reported as invalid (details.where: a stack) and must not reach the allocator. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: invalid-free function=release_label line=28 details.where="a stack" details.free_op=free
// expect-none: crash
// expect-stdout[base,canary]: label short-name
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *format_label(const char *name, char *scratch, size_t len)
{
	if (strlen(name) < len) {
		strcpy(scratch, name);
		return scratch;
	}
	return strdup(name);
}

static void release_label(char *label)
{
	free(label);
}

int main(void)
{
	char scratch[32];
	char *label = format_label("short-name", scratch, sizeof(scratch));

	if (!label)
		return 1;
	printf("label %s\n", label);
	release_label(label); /* the bug: label may be scratch */
	return 0;
}
