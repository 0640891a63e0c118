// SPDX-License-Identifier: MIT
/* A death by SIGPIPE: the reader of a pipe is gone and SIGPIPE has its default
 * disposition, so the write kills the process, as `yes | head -1` ends. Not a crash:
 * counted in stats (sigpipe_deaths) with the stack of the write. The program sees
 * the default disposition it would see natively, and dies with status 141 all the
 * same under vigil, with the fd checks or without. */
// variant: heap --checks heap
// expect-pipe-site[base]: sigpipe function=produce line=25 count=1
// expect-no-pipe-site: epipe
// expect-no-pipe-site[heap]: *
// expect-report[base]: stats.sigpipe_deaths=1
// expect-report: processes.0.exit.signal=13
// expect-none: *
// expect-exit: 141
// expect-stdout: SIGPIPE default, flags 0
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void produce(int fd)
{
	static const char line[] = "y\n";

	for (int i = 0; i < 1000; i++)
		if (write(fd, line, sizeof(line) - 1) < 0)
			return;
}

int main(void)
{
	struct sigaction old;
	int p[2];

	if (sigaction(SIGPIPE, NULL, &old) || pipe(p))
		return 1;
	printf("SIGPIPE %s, flags %d\n", old.sa_handler == SIG_DFL ? "default" : "changed",
	       old.sa_flags);
	fflush(stdout);
	close(p[0]); /* the reader is gone */
	produce(p[1]);
	printf("survived\n");
	return 0;
}
