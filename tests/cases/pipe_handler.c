// SPDX-License-Identifier: MIT
/* A program with its own SIGPIPE handler: it runs on each write into the broken pipe
 * (which then fails with EPIPE), the program reads its own handler and flags back,
 * and it lives on. The writes are counted at their stack; no death. With the thread
 * checks off, the handler runs the same. */
// variant: fds --checks fds
// expect-pipe-site: epipe function=send_all line=28 count=2
// expect-no-pipe-site: sigpipe
// expect-report: stats.sigpipe_deaths=0
// expect-none: *
// expect-exit: 0
// expect-stdout: handled 2, EPIPE 2, handler kept, flags kept
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_pipe(int sig)
{
	handled += sig == SIGPIPE;
}

static int send_all(int fd, const char *s)
{
	return write(fd, s, strlen(s)) < 0 && errno == EPIPE;
}

int main(void)
{
	struct sigaction sa, back;
	int p[2], failed = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_pipe;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) || pipe(p))
		return 1;
	close(p[0]);
	for (int i = 0; i < 2; i++)
		failed += send_all(p[1], "hello\n");
	if (sigaction(SIGPIPE, NULL, &back))
		return 1;
	printf("handled %d, EPIPE %d, handler %s, flags %s\n", (int)handled, failed,
	       back.sa_handler == on_pipe ? "kept" : "changed",
	       back.sa_flags == SA_RESTART ? "kept" : "changed");
	close(p[1]);
	return 0;
}
