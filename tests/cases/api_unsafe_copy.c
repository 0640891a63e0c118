// SPDX-License-Identifier: MIT
/* Bug: unbounded writes (sprintf, strcpy, strcat) into stack buffers whose size the
 * call cannot know. Within the buffer that is info (nothing overflowed, but nothing
 * bounds it either); a copy that reaches the saved return address above the buffer
 * is a proven overflow: a warning, reported before the bytes land (the victim never
 * returns, so the smashed frame is never used). Heap destinations are the heap
 * check's, global ones (where programs keep their own arenas) are not reported
 * without proof, and snprintf is bounded. With --checks heap nothing is reported. */
// build-flags: -fno-builtin
// variant: heap --checks heap
// expect[base]: unsafe-api function=fill line=30 severity=info details.function=sprintf details.reason="destination size unknown" details.where="a stack" details.replacement=snprintf details.access_size=11
// expect[base]: unsafe-api function=fill line=31 severity=info details.function=strcpy
// expect[base]: unsafe-api function=fill line=32 severity=info details.function=strcat
// expect[base]: unsafe-api function=victim line=41 severity=warning details.function=strcpy details.reason="writes past the destination" details.access_size=201 details.dest_size=24
// expect-none: unsafe-api line=53
// expect-none: unsafe-api line=54
// expect-none: unsafe-api line=55
// expect-none[heap]: unsafe-api
// expect-exit: 0
// expect-stdout: request 42 ok
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char global_line[64];

static void fill(char *line, int id)
{
	sprintf(line, "request %d", id);
	strcpy(line + 10, " ");
	strcat(line, "ok");
}

/* buf is the frame's only local: the saved frame pointer and the return address lie
 * 16 and 24 bytes above its start. */
static void __attribute__((noinline)) victim(const char *s)
{
	char buf[16];

	strcpy(buf, s);
	_exit(0);
}

int main(void)
{
	char line[64];
	char *heap = malloc(64), *big = malloc(201);

	fill(line, 42);
	puts(line);
	fflush(stdout);
	sprintf(heap, "heap %d", 1);
	sprintf(global_line, "global %d", 2);
	snprintf(line, sizeof(line), "bounded %d", 3);
	free(heap);
	memset(big, 'A', 200);
	big[200] = '\0';
	victim(big); /* the source is on the heap: only the destination overflows */
	return 1;
}
