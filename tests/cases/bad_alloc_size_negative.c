// SPDX-License-Identifier: MIT
/* bad-alloc-size: a record count read as -1 (an error value) is used as a count and
 * multiplied into a malloc size near SIZE_MAX. vigil warns at the malloc; the call
 * still fails with NULL as it would natively, and the program copes. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: bad-alloc-size function=alloc_records line=27 severity=warning details.size=18446744073709551584
// expect-none: * severity=error
// expect-stdout: allocation refused
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>

struct rec {
	long key;
	long value;
	char tag[16];
};

static int record_count(const char *header)
{
	return header[0] ? -1 : 0; /* -1: malformed header */
}

static struct rec *alloc_records(int n)
{
	return malloc(n * sizeof(struct rec));
}

int main(void)
{
	struct rec *r = alloc_records(record_count("garbage")); /* the bug: -1 unchecked */

	if (!r) {
		printf("allocation refused\n");
		return 0;
	}
	free(r);
	return 0;
}
