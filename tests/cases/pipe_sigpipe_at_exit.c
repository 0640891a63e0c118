// SPDX-License-Identifier: MIT
/* A death by SIGPIPE after vigil's exit report: the program's last output sits in
 * stdio's buffer, its reader is gone, and the flush that exit() does after every
 * exit handler kills the process. The death still reaches the report (the stats and
 * the process's end, written after the exit path's own), and the status is 141. */
// expect-pipe-site: sigpipe count=1
// expect-no-pipe-site: epipe
// expect-report: stats.sigpipe_deaths=1
// expect-report: processes.0.exit.signal=13
// expect-none: *
// expect-exit: 141
// expect-stdout: writing into a closed pipe
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int p[2];

	printf("writing into a closed pipe\n");
	fflush(stdout);
	if (pipe(p) || dup2(p[1], STDOUT_FILENO) < 0)
		return 1;
	close(p[0]);
	close(p[1]);
	printf("lost\n"); /* buffered: written by exit() */
	return 0;
}
