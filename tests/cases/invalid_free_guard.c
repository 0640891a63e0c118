// SPDX-License-Identifier: MIT
/* Invalid free of an interior pointer into a block served from the guard-page pool
 * (guard_rate=1; the case picks a block that borders a guard page): freeing a
 * pointer 16 bytes into the block must be reported like any interior free, with the
 * block named, and the block must stay usable and freeable. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: invalid-free function=release_body line=46 details.where="the inside of a heap block" details.size=96 details.offset=16
// expect: invalid-free role=allocation function=new_message line=41
// expect-none: crash
// expect-none: double-free
// expect-stdout[base,canary]: message done
// expect-exit: 0
// expect-exit[abort]: 134
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MSG 96
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

static char *new_message(void)
{
	return malloc(MSG);
}

static void release_body(char *body)
{
	free(body);
}

int main(void)
{
	char *tried[TRIES];
	char *m = NULL;
	int n = 0;

	while (n < TRIES) {
		tried[n] = new_message();
		if (!tried[n])
			return 1;
		if (readable(tried[n] - 1) == 0 || readable(tried[n] + MSG) == 0) {
			m = tried[n];
			break;
		}
		n++;
	}
	for (int i = 0; i < n; i++)
		free(tried[i]);
	if (!m) {
		printf("no guarded message in %d tries\n", TRIES);
		return 2;
	}
	memset(m, 'm', MSG);
	release_body(m + 16); /* the bug: the body, not the message */
	m[0] = 'x';
	free(m);
	printf("message done\n");
	return 0;
}
