// SPDX-License-Identifier: MIT
/* bad-alloc-size: calloc whose element count times size overflows size_t. calloc must
 * fail with ENOMEM, as natively, and vigil warns with the size and count. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: bad-alloc-size function=alloc_matrix line=16 severity=warning details.size=16 details.blocks=2305843009213693952
// expect-none: * severity=error
// expect-stdout: calloc failed: ENOMEM
// expect-exit: 0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static double *alloc_matrix(size_t rows, size_t cols)
{
	return calloc(rows * cols, 2 * sizeof(double));
}

int main(void)
{
	double *m;

	errno = 0;
	m = alloc_matrix((size_t)1 << 31, (size_t)1 << 30); /* the bug: dimensions unchecked */
	if (!m) {
		printf("calloc failed: %s\n", errno == ENOMEM ? "ENOMEM" : "other");
		return 0;
	}
	free(m);
	return 0;
}
