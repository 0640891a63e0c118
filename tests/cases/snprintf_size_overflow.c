// SPDX-License-Identifier: MIT
/* Heap overflow caught by the snprintf interceptor at the call: the size passed is
 * that of another, larger buffer. The output fits this time, but the call is
 * allowed to write 32 bytes into a 16-byte block, so it is reported (as FORTIFY's
 * __snprintf_chk would abort); nothing is damaged, so no redzone finding follows. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: heap-overflow function=format_port line=26 details.detected_by="bounds check at the call" details.size=16 details.offset=16 details.access_size=32 details.write=1
// expect: heap-overflow role=allocation function=format_port line=23
// expect-none: heap-overflow details.detected_by="redzone, checked at free"
// expect-none: use-after-free
// expect-none: crash
// expect-stdout: port 8080
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>

#define HOST_CAP 32
#define PORT_CAP 16

static char *format_port(int port)
{
	char *s = malloc(PORT_CAP);

	if (s)
		snprintf(s, HOST_CAP, "%d", port); /* the bug: the wrong capacity */
	return s;
}

int main(void)
{
	char *p = format_port(8080);

	if (!p)
		return 1;
	printf("port %s\n", p);
	free(p);
	return 0;
}
