// SPDX-License-Identifier: MIT
/* syscall_errors_grandchild statically linked: no preload in any of the three
 * processes, so the tree, the pids and their exits are known from the kernel alone.
 * One syscall-errors finding, with the grandchild's pid only. */
// build-flags: -static
// needs: bpf
// expect: syscall-errors function=dial line=30 count>=3000 details.errno=ECONNREFUSED pids-include=grandchild pids-exclude=worker pids-exclude=parent
// expect-none: syscall-errors pids-include=parent
// expect-none: syscall-errors pids-include=worker
// expect-none: crash
// expect-process: grandchild code=0
// expect-process: worker code=0
// expect-process: parent code=0
// expect-exit: 0
// expect-stdout: parent refused 5
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "include/refused_port.h"

static struct sockaddr_in addr;

static int dial(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), r;

	if (fd < 0)
		return 0;
	r = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	close(fd);
	return r < 0 && errno == ECONNREFUSED;
}

static int storm(int tries)
{
	int refused = 0;

	for (int i = 0; i < tries; i++)
		refused += dial();
	return refused;
}

/* Forks fn's process and waits for it; 0 when it exited with status 0. */
static int spawn(const char *name, int (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		exit(fn());
	printf("vigil-case: %s=%d\n", name, (int)pid);
	fflush(stdout);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int grandchild(void)
{
	return storm(3000) == 3000 ? 0 : 1;
}

static int worker(void)
{
	if (storm(5) != 5)
		return 1;
	return spawn("grandchild", grandchild) ? 1 : 0;
}

int main(void)
{
	int hold, refused;

	printf("vigil-case: parent=%d\n", (int)getpid());
	hold = refused_port(&addr);
	if (hold < 0)
		return 1;
	refused = storm(5);
	if (spawn("worker", worker))
		return 1;
	close(hold);
	printf("parent refused %d\n", refused);
	return 0;
}
