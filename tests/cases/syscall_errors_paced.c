// SPDX-License-Identifier: MIT
/* Bug: a client that retries a refused connection every 500 us for as long as it is
 * asked to (argv[1] seconds, 2 by default): a storm spread over time, as a long-running
 * service would have it. tests/integration/attach.py runs it natively for longer and
 * attaches to it with `vigil attach`. */
// needs: bpf
// expect: syscall-errors function=retry line=20 severity=warning count>=1000 details.syscall=connect details.errno=ECONNREFUSED pids-include=self
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "include/refused_port.h"

static int retry(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), r;

	if (fd < 0)
		return -1;
	r = connect(fd, (const struct sockaddr *)a, sizeof(*a));
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	struct timespec start, now, pause = {0, 500000};
	double secs = argc > 1 ? atof(argv[1]) : 2;
	int hold;

	printf("vigil-case: self=%d\n", (int)getpid());
	fflush(stdout);
	hold = refused_port(&a);
	if (hold < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		retry(&a);
		nanosleep(&pause, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 < secs);
	close(hold);
	return 0;
}
