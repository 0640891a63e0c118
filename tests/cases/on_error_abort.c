// SPDX-License-Identifier: MIT
/* --on-error abort: a double free is reported and the process aborts right after the
 * finding is written (exit 128 + SIGABRT). The finding is in the report; no crash
 * finding is added for vigil's own abort; the program never gets past the bug. */
// vigil-args: --on-error abort
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// expect: double-free function=cleanup line=25
// expect: double-free role=first-free function=stop_worker line=20
// expect-none: crash
// expect-stdout: before the bug
// expect-process: self signal=6
// expect-exit: 134
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void stop_worker(char *state)
{
	free(state);
}

static void cleanup(char *state)
{
	free(state);
}

int main(void)
{
	char *p = malloc(100);

	if (!p)
		return 1;
	printf("vigil-case: self=%d\n", (int)getpid());
	printf("before the bug\n");
	fflush(stdout);
	stop_worker(p);
	cleanup(p); /* the bug: already freed */
	printf("after the bug\n");
	return 0;
}
