// SPDX-License-Identifier: MIT
/* Bug: built as strict ISO C, signal() installs the handler System V style (glibc's
 * __sysv_signal): reset to the default on delivery and not blocked while it runs, so
 * a second signal before the handler re-arms kills the process. deprecated-api info,
 * sigaction its replacement. signal() with SIG_IGN or SIG_DFL is exact and not
 * reported; glibc's default signal() (BSD semantics, the handler stays) is not either
 * (api_clean.c). */
// build-flags: -std=c11
// expect: deprecated-api function=main line=29 severity=info details.function=signal details.replacement=sigaction details.reason="one-shot handler (System V signal)"
// expect-none: deprecated-api line=27
// expect-none: deprecated-api line=28
// expect-exit: 0
// expect-stdout: handled 1
#include <signal.h>
#include <stdio.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	printf("handled %d\n", (int)handled);
	return 0;
}
