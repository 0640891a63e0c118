// SPDX-License-Identifier: MIT
/* The program handles SIGSEGV itself with sigaction and leaves with _exit(3) from the
 * handler. vigil interposes sigaction and chains: the program must see the default
 * disposition it would see natively, its handler must run, and exit status 3 must be
 * what `vigil run` returns. A fault the program handles is not a crash finding. */
// expect-stdout: old handler: default
// expect-stdout: handler ran: SIGSEGV
// expect-none: leak
// expect-none: crash
// expect-exit: 3
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int *target;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "handler ran: SIGSEGV\n";

	(void)si;
	(void)uc;
	if (sig == SIGSEGV)
		write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	_exit(3);
}

int main(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old))
		return 1;
	printf("old handler: %s\n", old.sa_handler == SIG_DFL ? "default" : "other");
	fflush(stdout);
	*target = 42;
	printf("unreachable\n");
	return 0;
}
