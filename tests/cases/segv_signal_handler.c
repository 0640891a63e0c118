// SPDX-License-Identifier: MIT
/* Like segv_own_handler.c, but the handler is installed with signal(), which glibc
 * implements without going through the exported sigaction symbol. Whatever vigil does
 * about that, the program's handler must run, its exit status 3 must survive, and
 * the fault it handled is not a crash finding. */
// expect-stdout: handler ran: SIGSEGV
// expect-none: leak
// expect-none: crash
// expect-exit: 3
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile int *target;

static void on_segv(int sig)
{
	static const char msg[] = "handler ran: SIGSEGV\n";

	if (sig == SIGSEGV)
		write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	_exit(3);
}

int main(void)
{
	if (signal(SIGSEGV, on_segv) == SIG_ERR)
		return 1;
	*target = 7;
	printf("unreachable\n");
	return 0;
}
