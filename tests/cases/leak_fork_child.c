// SPDX-License-Identifier: MIT
/* Leak in a forked child that ends with exit(): the child's own raw log must carry the
 * leak, attributed to the child's pid. The parent allocates nothing it loses and waits
 * for the child. Pids go to stdout for the runner ("vigil-case: key=value"). */
// expect: leak function=child_job line=24 pids-include=child pids-exclude=parent
// expect-none: crash
// expect-process: child code=0
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct job {
	char label[32];
	unsigned long cost;
};

static unsigned long child_job(int n)
{
	struct job *j;

	j = malloc(sizeof(*j));
	if (!j)
		return 0;
	snprintf(j->label, sizeof(j->label), "job-%d", n);
	j->cost = strlen(j->label) + (unsigned long)n;
	return j->cost;
}

int main(void)
{
	pid_t pid;
	int status;

	printf("vigil-case: parent=%d\n", (int)getpid());
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		unsigned long total = 0;

		for (int i = 0; i < 8; i++)
			total += child_job(i);
		exit(total > 0 ? 0 : 1);
	}
	printf("vigil-case: child=%d\n", (int)pid);
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 1;
	printf("child exited cleanly\n");
	return 0;
}
