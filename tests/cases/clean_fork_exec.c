// SPDX-License-Identifier: MIT
/* Clean control for process creation: fork + exec of /bin/true, a forked child that
 * allocates, frees and exits, vfork + exec and posix_spawn, each waited for. Every
 * process in the tree gets its own raw log; none of them may report a leak or error. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// expect-none: leak
// expect-none: crash
// expect-none: * severity=error
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *held; /* live in the parent across every fork: reachable in children too */

static int wait_ok(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int fork_exec_true(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	return wait_ok(pid);
}

static int fork_work_exit(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		size_t total = 0;

		for (int i = 0; i < 100; i++) {
			char *p = malloc(64 + (size_t)i * 16);

			if (!p)
				exit(1);
			memset(p, i, 64);
			total += (unsigned char)p[10];
			free(p);
		}
		exit(total > 0 ? 0 : 1);
	}
	return wait_ok(pid);
}

static int vfork_exec_true(void)
{
	pid_t pid = vfork();

	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	return wait_ok(pid);
}

static int spawn_true(void)
{
	char *argv[] = {"true", NULL};
	pid_t pid;

	if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ))
		return 0;
	return wait_ok(pid);
}

int main(void)
{
	int ok = 1;

	held = strdup("parent state");
	for (int i = 0; i < 3; i++) {
		ok &= fork_exec_true();
		ok &= fork_work_exit();
	}
	ok &= vfork_exec_true();
	ok &= spawn_true();
	printf("fork/exec: %s, %s\n", ok ? "all children ok" : "a child failed", held);
	free(held);
	return ok ? 0 : 1;
}
