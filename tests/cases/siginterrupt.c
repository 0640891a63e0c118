// SPDX-License-Identifier: MIT
/* siginterrupt(SIGALRM, 1) before signal(SIGALRM, h): glibc's signal() then installs
 * the handler without SA_RESTART, so a read blocked on an empty pipe fails with EINTR
 * when the alarm fires. Under vigil the flag must be the same, or the read restarts
 * and the program hangs. */
// build-flags: -Wno-deprecated-declarations
// expect-stdout: read: -1 EINTR
// expect-none: crash
// expect-exit: 0
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	int fds[2];
	char c;
	ssize_t n;

	if (pipe(fds))
		return 1;
	siginterrupt(SIGALRM, 1);
	if (signal(SIGALRM, on_alarm) == SIG_ERR)
		return 1;
	alarm(1);
	n = read(fds[0], &c, 1);
	printf("read: %zd %s\n", n, n < 0 && errno == EINTR ? "EINTR" : "no EINTR");
	return 0;
}
