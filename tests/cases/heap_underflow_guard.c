// SPDX-License-Identifier: MIT
/* Heap underflow caught at the faulting store by a guard page: a framing helper
 * assumes a length byte sits before the payload and writes body[-1]. With
 * guard_rate=1 the case picks a block whose start borders the guard page below it
 * (left-aligned); the finding names the store, with offset -1. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: heap-overflow function=put_length line=44 details.detected_by="guard page" details.size=64 details.offset=-1
// expect: heap-overflow role=allocation function=new_body line=39
// expect-none: crash
// expect-stdout[base,canary]: framed 64 bytes
// expect-exit: 0
// expect-exit[abort]: 134
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BODY_SIZE 64
#define TRIES 64

/* Whether the byte at p can be read, found without touching it: write(2) from an
 * inaccessible address fails with EFAULT instead of faulting. */
static int readable(const void *p)
{
	int fd[2], ok;

	if (pipe(fd))
		return -1;
	ok = write(fd[1], p, 1) == 1 ? 1 : errno == EFAULT ? 0 : -1;
	close(fd[0]);
	close(fd[1]);
	return ok;
}

static unsigned char *new_body(void)
{
	return malloc(BODY_SIZE);
}

static void put_length(unsigned char *body, size_t len)
{
	body[-1] = (unsigned char)len;
}

int main(void)
{
	unsigned char *tried[TRIES];
	unsigned char *body = NULL;
	int n = 0;

	/* Take the first block whose start borders an inaccessible page. */
	while (n < TRIES) {
		tried[n] = new_body();
		if (!tried[n])
			return 1;
		if (readable(tried[n] - 1) == 0) {
			body = tried[n];
			break;
		}
		n++;
	}
	for (int i = 0; i < n; i++)
		free(tried[i]);
	if (!body) {
		printf("no guarded body in %d tries\n", TRIES);
		return 2;
	}
	for (int i = 0; i < BODY_SIZE; i++)
		body[i] = (unsigned char)i;
	put_length(body, BODY_SIZE); /* the bug: there is no header byte */
	printf("framed %d bytes\n", BODY_SIZE);
	free(body);
	return 0;
}
