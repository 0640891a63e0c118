// SPDX-License-Identifier: MIT
/* Clean control for the broken-pipe counts: writes into a pipe and a socket pair
 * whose readers are alive, with SIGPIPE at its default disposition. Nothing is
 * counted, no site is written. */
// expect-no-pipe-site: *
// expect-report: stats.epipe_writes=0
// expect-report: stats.sigpipe_deaths=0
// expect-none: *
// expect-exit: 0
// expect-stdout: read 600 bytes
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static long pass_through(int wfd, int rfd)
{
	char buf[8];
	long got = 0;

	for (int i = 0; i < 50; i++) {
		if (write(wfd, "line\n", 5) != 5 || read(rfd, buf, 5) != 5 ||
		    send(wfd, "more\n", 5, 0) != 5 || read(rfd, buf, 5) != 5)
			return -1;
		got += 10;
	}
	return got;
}

int main(void)
{
	int p[2], sv[2];
	long got;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(p))
		return 1;
	got = pass_through(sv[0], sv[1]);
	/* send() on a pipe is ENOTSOCK: a pipe gets write() only. */
	for (int i = 0; i < 20; i++) {
		char buf[8];

		if (write(p[1], "pipe\n", 5) != 5 || read(p[0], buf, sizeof(buf)) != 5)
			return 1;
		got += 5;
	}
	printf("read %ld bytes\n", got);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	return 0;
}
