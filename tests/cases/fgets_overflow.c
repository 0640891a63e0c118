// SPDX-License-Identifier: MIT
/* Heap overflow caught by the fgets interceptor at the call: a 32-byte line buffer
 * is read with the capacity of a 48-byte one, and the line is 40 characters long. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: heap-overflow function=next_line line=22 details.detected_by="bounds check at the call" details.size=32 details.offset=32 details.access_size=48 details.write=1
// expect: heap-overflow role=allocation function=main line=28
// expect-none: use-after-free
// expect-none: crash
// expect-stdout: line of 40 characters
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_CAP 32
#define OLD_LINE_CAP 48

static char *next_line(char *buf, FILE *f)
{
	return fgets(buf, OLD_LINE_CAP, f); /* the bug: the old capacity */
}

int main(void)
{
	static const char text[] = "0123456789012345678901234567890123456789\n";
	char *buf = malloc(LINE_CAP);
	int fds[2];
	FILE *f;

	if (!buf || pipe(fds) || write(fds[1], text, strlen(text)) < 0)
		return 1;
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f || !next_line(buf, f))
		return 1;
	printf("line of %zu characters\n", strcspn(buf, "\n"));
	fclose(f);
	free(buf);
	return 0;
}
