// SPDX-License-Identifier: MIT
/* Clean: children that close what they inherited before they exec or exit. One
 * calls close_range over everything above stderr (the parent's FILE* included),
 * one closes every number from 3 to 255 in a loop (numbers the parent closed long
 * ago among them), one calls closefrom. The parent's own descriptors are untouched
 * by that, and closed properly at the end. Nothing is reported. */
// expect-none: fd-leak
// expect-none: double-close
// expect-none: bad-fd
// expect-none: fd-reuse
// expect-exit: 0
// expect-stdout: children 3
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int child(int how)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (how == 0)
			close_range(3, ~0u, 0);
		else if (how == 1)
			for (int fd = 3; fd < 256; fd++)
				close(fd);
		else
			closefrom(3);
		if (how == 2)
			execl("/bin/true", "true", (char *)NULL);
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status);
}

int main(void)
{
	FILE *f = fopen("/dev/null", "w");
	int p[2], fd, n = 0;

	for (int i = 0; i < 10; i++)
		close(open("/dev/null", O_RDONLY));
	if (!f || pipe(p))
		return 1;
	fd = open("/dev/null", O_RDONLY);
	for (int how = 0; how < 3; how++)
		n += child(how);
	fputs("still mine\n", f);
	fclose(f);
	close(p[0]);
	close(p[1]);
	close(fd);
	printf("children %d\n", n);
	return 0;
}
