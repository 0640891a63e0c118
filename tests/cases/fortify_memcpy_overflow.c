// SPDX-License-Identifier: MIT
/* Heap overflow in a _FORTIFY_SOURCE=2 build, caught by the __memcpy_chk interceptor:
 * the compiler knows the block's 24 bytes but not the copy length, so it calls
 * __memcpy_chk. vigil reports at the call, then glibc's own check aborts the process
 * ("buffer overflow detected") as it would without vigil. */
// build-flags: -O1 -D_FORTIFY_SOURCE=2
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: heap-overflow function=main line=27 details.detected_by="bounds check at the call" details.size=24 details.offset=24 details.access_size=28 details.write=1
// expect: heap-overflow role=allocation function=main line=23
// expect: crash details.signal=6
// expect-none: use-after-free
// expect-exit: 134
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile size_t copy_len = 28;
static const char source[64] = "the source of the copy, long enough";

int main(void)
{
	char *p = malloc(24);

	if (!p)
		return 1;
	memcpy(p, source, copy_len); /* the bug: 4 bytes too many */
	printf("%.24s\n", p);
	free(p);
	return 0;
}
