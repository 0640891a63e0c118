// SPDX-License-Identifier: MIT
/* Use after free caught at the faulting load by a guard page: a session is closed and
 * its id read afterwards through the stale pointer. With guard_rate=1 the case picks
 * a block served from the guard-page pool; once freed its page is inaccessible, so the
 * read faults and the finding names it, with the free and allocation stacks. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// variant: abort --on-error abort
// expect: use-after-free function=session_id line=45 details.detected_by="guard page" details.size=48 details.offset=0
// expect: use-after-free role=free function=close_session line=40
// expect: use-after-free role=allocation function=open_session line=29
// expect-none: crash
// expect-stdout[base,canary]: read after close
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/guard_probe.h"

struct session {
	long id;
	char user[40];
};

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

static void *open_any_session(void)
{
	return open_session(7);
}

static int guarded(const void *p)
{
	return guard_probe_borders(p, sizeof(struct session));
}

int main(void)
{
	struct session *s = guard_probe_pick(open_any_session, guarded);
	long stale;

	if (!s) {
		printf("no guarded session in %d tries\n", GUARD_PROBE_TRIES);
		return 2;
	}
	close_session(s);
	stale = session_id(s); /* the bug: s is gone */
	(void)stale; /* whatever it holds now: the read is the bug */
	printf("read after close\n");
	return 0;
}
