// SPDX-License-Identifier: MIT
/* Use after free caught at the faulting load by a guard page: a session is closed and
 * its id read afterwards through the stale pointer. With guard_rate=1 the case picks
 * a block served from the guard-page pool; once freed its page is inaccessible, so the
 * read faults and the finding names it, with the free and allocation stacks. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: use-after-free function=session_id line=61 details.detected_by="guard page" details.size=48 details.offset=0
// expect: use-after-free role=free function=close_session line=56
// expect: use-after-free role=allocation function=open_session line=45
// expect-none: crash
// expect-stdout[base,canary]: read after close
// expect-exit: 0
// expect-exit[abort]: 134
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRIES 64

struct session {
	long id;
	char user[40];
};

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

static struct session *open_session(long id)
{
	struct session *s = malloc(sizeof(*s));

	if (s) {
		s->id = id;
		strcpy(s->user, "operator");
	}
	return s;
}

static void close_session(struct session *s)
{
	free(s);
}

static long session_id(const struct session *s)
{
	return s->id;
}

static int guarded(const struct session *s)
{
	return readable((const char *)s - 1) == 0 || readable(s + 1) == 0;
}

int main(void)
{
	struct session *tried[TRIES];
	struct session *s = NULL;
	long stale;
	int n = 0;

	/* Take the first block with an inaccessible page on either side. */
	while (n < TRIES) {
		tried[n] = open_session(7);
		if (!tried[n])
			return 1;
		if (guarded(tried[n])) {
			s = tried[n];
			break;
		}
		n++;
	}
	for (int i = 0; i < n; i++)
		free(tried[i]);
	if (!s) {
		printf("no guarded session in %d tries\n", TRIES);
		return 2;
	}
	close_session(s);
	stale = session_id(s); /* the bug: s is gone */
	(void)stale; /* whatever it holds now: the read is the bug */
	printf("read after close\n");
	return 0;
}
