// SPDX-License-Identifier: MIT
/* SA_RESETHAND through vigil's wrapper: the first SIGUSR1 runs the handler, after
 * which the program's view reads SIG_DFL (flags and mask kept, as the kernel keeps
 * them); the second SIGUSR1 takes the default action and ends the process. A
 * one-shot signal() of System V (sysv_signal) behaves the same on SIGUSR2. */
// build-flags: -Wno-deprecated-declarations
// expect-stdout: handled 10
// expect-stdout: usr1 now default, flags kept 1
// expect-stdout: handled 12
// expect-stdout: usr2 now default
// expect-none: signal-unsafe-call
// expect-none: crash
// expect-exit: 138
#define _GNU_SOURCE /* sysv_signal */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_sig(int sig)
{
	char msg[] = "handled 00\n";

	msg[8] = (char)('0' + sig / 10);
	msg[9] = (char)('0' + sig % 10);
	write(STDOUT_FILENO, msg, sizeof(msg) - 1);
}

int main(void)
{
	struct sigaction sa, now;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_RESETHAND;
	if (sigaction(SIGUSR1, &sa, NULL))
		return 1;
	raise(SIGUSR1);
	if (sigaction(SIGUSR1, NULL, &now))
		return 1;
	printf("usr1 now %s, flags kept %d\n", now.sa_handler == SIG_DFL ? "default" : "handler",
	       !!(now.sa_flags & SA_RESETHAND));

	if (sysv_signal(SIGUSR2, on_sig) == SIG_ERR)
		return 1;
	raise(SIGUSR2);
	printf("usr2 now %s\n", signal(SIGUSR2, SIG_IGN) == SIG_DFL ? "default" : "handler");
	fflush(stdout);
	raise(SIGUSR1);
	printf("unreachable\n");
	return 0;
}
