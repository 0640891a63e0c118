// SPDX-License-Identifier: MIT
/* Bug: a SIGCHLD-style handler whose write fails (EBADF) and leaves errno changed:
 * the code it interrupted may be between a failing call and its errno check. The
 * handler is named (its entry) in a finding with details.errno_clobbered; errno is
 * not restored by vigil, the program sees what it would natively. A second handler
 * that makes the same failing call but saves and restores errno is not reported. */
// expect: signal-unsafe-call function=on_usr1 line=22 role=handler details.errno_clobbered=true count=1
// expect-none: signal-unsafe-call function=on_usr2
// expect-none: signal-unsafe-call details.function~.*
// expect-stdout: after usr1: EBADF
// expect-stdout: after usr2: 0
// expect-exit: 0
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int bad_fd = -1;

static void on_usr1(int sig)
{
	(void)sig;
	write(bad_fd, "x", 1);
}

static void on_usr2(int sig)
{
	int saved = errno;

	(void)sig;
	write(bad_fd, "x", 1);
	errno = saved;
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_usr1;
	if (sigaction(SIGUSR1, &sa, NULL))
		return 1;
	sa.sa_handler = on_usr2;
	if (sigaction(SIGUSR2, &sa, NULL))
		return 1;
	errno = 0;
	raise(SIGUSR1);
	raise(SIGUSR1);
	printf("after usr1: %s\n", errno == EBADF ? "EBADF" : "unchanged");
	errno = 0;
	raise(SIGUSR2);
	printf("after usr2: %d\n", errno);
	return 0;
}
