// SPDX-License-Identifier: MIT
/* Use after free caught by the memset interceptor at the call: a session buffer is
 * wiped after the session that owned it freed it. Reported at the memset (write=1)
 * with the free and allocation stacks; the quarantine check at exit then also sees
 * the damaged pattern. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: use-after-free function=wipe line=38 details.detected_by="bounds check at the call" details.size=64 details.offset=0 details.access_size=64 details.write=1
// expect: use-after-free role=free function=session_close line=33
// expect: use-after-free role=allocation function=session_open line=27
// expect-none: heap-overflow
// expect-none: crash
// expect-stdout: wiped
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY 64

struct session {
	unsigned char *key;
};

static int session_open(struct session *s)
{
	s->key = malloc(KEY);
	return s->key ? 0 : -1;
}

static void session_close(struct session *s)
{
	free(s->key);
}

static void wipe(unsigned char *p, size_t n)
{
	memset(p, 0, n); /* the bug: p was freed by session_close */
}

int main(void)
{
	struct session s;

	if (session_open(&s))
		return 1;
	memset(s.key, 0x5a, KEY);
	session_close(&s);
	wipe(s.key, KEY);
	printf("wiped\n");
	return 0;
}
