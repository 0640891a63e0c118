// SPDX-License-Identifier: MIT
/* Heap overflow caught by the read interceptor at the call: a 48-byte header buffer
 * is filled by read() with the length of the whole 64-byte frame. The pipe holds the
 * frame, so the real read writes 16 bytes past the block. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: heap-overflow function=read_header line=28 details.detected_by="bounds check at the call" details.size=48 details.offset=48 details.access_size=64 details.write=1
// expect: heap-overflow role=allocation function=read_header line=23
// expect-none: use-after-free
// expect-none: crash
// expect-stdout: read 64 bytes
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER 48
#define FRAME 64

static ssize_t read_header(int fd, char **out, size_t len)
{
	char *h = malloc(HEADER);
	ssize_t n;

	if (!h)
		return -1;
	n = read(fd, h, len); /* the bug: len is the frame's, not the header's */
	*out = h;
	return n;
}

int main(void)
{
	char frame[FRAME];
	int fds[2];
	char *h;
	ssize_t n;

	memset(frame, 'f', sizeof(frame));
	if (pipe(fds) || write(fds[1], frame, sizeof(frame)) != (ssize_t)sizeof(frame))
		return 1;
	n = read_header(fds[0], &h, FRAME);
	if (n < 0)
		return 1;
	printf("read %zd bytes\n", n);
	free(h);
	return 0;
}
