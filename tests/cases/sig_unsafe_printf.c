// SPDX-License-Identifier: MIT
/* Bug: a SIGUSR1 handler reports with printf, which takes stdout's lock and allocates
 * its buffer on first use: not async-signal-safe. The call is reported once (the
 * signal comes twice) with the handler's stack, and the handler itself as a second
 * stack; printf's own allocation inside is not a second finding, and main's printf
 * is not one at all. With --checks heap nothing is reported. */
// variant: heap --checks heap
// expect[base]: signal-unsafe-call function=on_usr1 line=21 severity=error details.function=printf count=1
// expect[base]: signal-unsafe-call role=handler function=on_usr1 details.function=printf
// expect-none[base]: signal-unsafe-call details.function=malloc
// expect-none[base]: signal-unsafe-call function=main
// expect-none[heap]: signal-unsafe-call
// expect-stdout: handled signal 10
// expect-stdout: done 2
// expect-exit: 0
#include <signal.h>
#include <stdio.h>

static void on_usr1(int sig)
{
	printf("handled signal %d\n", sig);
}

int main(void)
{
	int n = 0;

	if (signal(SIGUSR1, on_usr1) == SIG_ERR)
		return 1;
	for (; n < 2; n++)
		raise(SIGUSR1);
	printf("done %d\n", n);
	return 0;
}
