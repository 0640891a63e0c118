// SPDX-License-Identifier: MIT
/* Use after free caught by the memcpy interceptor at the call: a message is released
 * and then copied out through the stale pointer. The block is in quarantine, so the
 * read is reported at the memcpy (write=0), with the free and allocation stacks. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: use-after-free function=copy_out line=36 details.detected_by="bounds check at the call" details.size=32 details.offset=0 details.access_size=32 details.write=0
// expect: use-after-free role=free function=msg_release line=31
// expect: use-after-free role=allocation function=msg_new line=22
// expect-none: heap-overflow
// expect-none: crash
// expect-stdout: copied out
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG 32

static char *msg_new(void)
{
	char *m = malloc(MSG);

	if (m)
		memset(m, 'm', MSG);
	return m;
}

static void msg_release(char *m)
{
	free(m);
}

static void copy_out(char *out, const char *m)
{
	memcpy(out, m, MSG); /* the bug: m was released */
}

int main(void)
{
	char out[MSG + 1] = {0};
	char *m = msg_new();

	if (!m)
		return 1;
	msg_release(m);
	copy_out(out, m);
	printf("copied out\n");
	return 0;
}
