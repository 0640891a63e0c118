// SPDX-License-Identifier: MIT
/* bad-alloc-size over a configured limit: with alloc_size_limit=2 MiB, a 3 MiB image
 * buffer is reported as a warning, and the allocation still succeeds and is usable,
 * as it would be natively; below the limit nothing is reported. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0:alloc_size_limit=2097152
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0:alloc_size_limit=2097152
// expect: bad-alloc-size function=alloc_image line=18 severity=warning details.size=3145728
// expect-none: bad-alloc-size details.size<=2097152
// expect-none: * severity=error
// expect-stdout: image 1024x768 ready
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *alloc_image(size_t w, size_t h)
{
	return malloc(w * h * 4);
}

int main(void)
{
	unsigned char *small = alloc_image(512, 512); /* 1 MiB: under the limit */
	unsigned char *img = alloc_image(1024, 768);  /* 3 MiB: over it */

	if (!small || !img)
		return 1;
	memset(img, 0x7f, 1024 * 768 * 4);
	memset(small, 0, 512 * 512 * 4);
	printf("image 1024x768 ready\n");
	free(img);
	free(small);
	return 0;
}
