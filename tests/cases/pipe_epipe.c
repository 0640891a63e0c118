// SPDX-License-Identifier: MIT
/* An EPIPE storm: a server ignores SIGPIPE and keeps writing to a client that went
 * away. Each write fails with EPIPE; they are counted in stats at the writing stack
 * (stats.pipe_sites), one site per call, and never killed the process. With
 * --checks heap the fd checks are off: no counts, no sites. */
// variant: heap --checks heap
// expect-pipe-site[base]: epipe function=reply line=27 count=3
// expect-pipe-site[base]: epipe function=notify line=33 count=1
// expect-no-pipe-site: sigpipe
// expect-no-pipe-site[heap]: *
// expect-report[base]: stats.epipe_writes=4
// expect-report[base]: stats.sigpipe_deaths=0
// expect-none: *
// expect-exit: 0
// expect-stdout: 4 EPIPE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static int reply(int fd)
{
	int failed = 0;

	for (int i = 0; i < 3; i++)
		failed += write(fd, "pong\n", 5) < 0 && errno == EPIPE;
	return failed;
}

static int notify(int fd)
{
	return send(fd, "bye\n", 4, 0) < 0 && errno == EPIPE;
}

int main(void)
{
	int sv[2], failed;

	signal(SIGPIPE, SIG_IGN);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	close(sv[1]); /* the client hangs up */
	failed = reply(sv[0]);
	failed += notify(sv[0]);
	printf("%d EPIPE\n", failed);
	close(sv[0]);
	return 0;
}
