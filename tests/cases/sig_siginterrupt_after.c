// SPDX-License-Identifier: MIT
/* siginterrupt(SIGALRM, 1) after signal(SIGALRM, h): glibc edits the disposition the
 * kernel holds, which under vigil is its wrapper's. The effect must be real (a read
 * blocked on an empty pipe fails with EINTR, not restarted) and the program's view
 * must agree (its handler, SA_RESTART cleared). siginterrupt(SIGALRM, 0) restores
 * restarting, in both. */
// build-flags: -Wno-deprecated-declarations
// expect-stdout: view: own handler, restart 0
// expect-stdout: read: -1 EINTR
// expect-stdout: view after siginterrupt 0: restart 1
// expect-none: signal-unsafe-call
// expect-none: crash
// expect-exit: 0
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	struct itimerval it = {.it_value = {.tv_usec = 20000}};
	struct sigaction now;
	int fds[2];
	char c;
	ssize_t n;

	if (pipe(fds) || signal(SIGALRM, on_alarm) == SIG_ERR || siginterrupt(SIGALRM, 1))
		return 1;
	if (sigaction(SIGALRM, NULL, &now))
		return 1;
	printf("view: %s, restart %d\n", now.sa_handler == on_alarm ? "own handler" : "other",
	       !!(now.sa_flags & SA_RESTART));
	setitimer(ITIMER_REAL, &it, NULL);
	n = read(fds[0], &c, 1);
	printf("read: %zd %s\n", n, n < 0 && errno == EINTR ? "EINTR" : "no EINTR");
	if (siginterrupt(SIGALRM, 0) || sigaction(SIGALRM, NULL, &now))
		return 1;
	printf("view after siginterrupt 0: restart %d\n", !!(now.sa_flags & SA_RESTART));
	return 0;
}
