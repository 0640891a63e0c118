// SPDX-License-Identifier: MIT
/* Bug: a SIGTERM handler ends the program with exit(), which runs atexit handlers
 * and flushes stdio in signal context; only _exit is async-signal-safe. exit is
 * reported at the handler's call; what the atexit handler then does (printf, free)
 * is the same mistake and not reported again. The exit status stays the program's. */
// expect: signal-unsafe-call function=on_term line=26 details.function=exit count=1
// expect-none: signal-unsafe-call details.function=free
// expect-none: signal-unsafe-call details.function=printf
// expect-stdout: cleanup 5
// expect-exit: 3
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static char *state;

static void cleanup(void)
{
	printf("cleanup %d\n", state ? state[0] : -1);
	free(state);
}

static void on_term(int sig)
{
	(void)sig;
	exit(3);
}

int main(void)
{
	state = malloc(8);
	if (!state || atexit(cleanup) || signal(SIGTERM, on_term) == SIG_ERR)
		return 1;
	state[0] = 5;
	raise(SIGTERM);
	return 0;
}
