// SPDX-License-Identifier: MIT
/* Bug (info): commands run through a shell, where a piece of data in the command
 * line becomes code: system, popen, and the exec and posix_spawn families when they
 * start a shell with -c. Each names the command. An exec of a program without a
 * shell, a shell running a script file, system(NULL) (is there a shell?) are not
 * reported; a vfork child execs as before (and is not checked: it runs on its
 * parent's memory). With --checks heap nothing is reported. */
// variant: heap --checks heap
// expect[base]: shell-exec function=main line=64 severity=info details.function=system details.command="echo from system"
// expect[base]: shell-exec function=main line=65 details.function=popen details.command="echo from popen"
// expect[base]: shell-exec function=in_child line=48 details.function=execl details.command="echo from execl"
// expect[base]: shell-exec function=main line=73 details.function=execv details.command="echo from execv"
// expect[base]: shell-exec function=main line=78 details.function=execvp details.command="echo from execvp"
// expect[base]: shell-exec function=main line=82 details.function=posix_spawn details.command="echo from spawn"
// expect-none: shell-exec line=86
// expect-none: shell-exec line=91
// expect-none: shell-exec line=95
// expect-none: shell-exec line=97
// expect-none[heap]: shell-exec
// expect-exit: 0
// expect-stdout: from system
// expect-stdout: from popen
// expect-stdout: from execl
// expect-stdout: from execv
// expect-stdout: from execvp
// expect-stdout: from spawn
// expect-stdout: no shell
// expect-stdout: spawned echo
// expect-stdout: vfork child exited 3
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int wait_for(pid_t pid)
{
	int st = 0;

	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void in_child(void)
{
	execl("/bin/sh", "sh", "-c", "echo from execl", (char *)NULL);
	_exit(127);
}

int main(void)
{
	char buf[64];
	FILE *p;
	pid_t pid;
	char *const sh_ec[] = {"sh", "-ec", "echo from execv", NULL};
	char *const sh_c[] = {"sh", "-c", "echo from execvp", NULL};
	char *const spawn_sh[] = {"sh", "-c", "echo from spawn", NULL};
	char *const spawn_echo[] = {"echo", "spawned echo", NULL};
	char *const script[] = {"sh", "/dev/null", NULL};

	setvbuf(stdout, NULL, _IONBF, 0);
	system("echo from system");
	p = popen("echo from popen", "r");
	if (p && fgets(buf, sizeof(buf), p))
		fputs(buf, stdout);
	pclose(p);
	if (!(pid = fork()))
		in_child();
	wait_for(pid);
	if (!(pid = fork())) {
		execv("/bin/sh", sh_ec);
		_exit(127);
	}
	wait_for(pid);
	if (!(pid = fork())) {
		execvp("sh", sh_c);
		_exit(127);
	}
	wait_for(pid);
	posix_spawn(&pid, "/bin/sh", NULL, NULL, spawn_sh, environ);
	wait_for(pid);

	if (!(pid = fork())) {
		execl("/bin/echo", "echo", "no shell", (char *)NULL);
		_exit(127);
	}
	wait_for(pid);
	if (!(pid = fork())) {
		execv("/bin/sh", script);
		_exit(127);
	}
	wait_for(pid);
	posix_spawnp(&pid, "echo", NULL, NULL, spawn_echo, environ);
	wait_for(pid);
	system(NULL);
	if (!(pid = vfork())) {
		execl("/bin/sh", "sh", "-c", "exit 3", (char *)NULL);
		_exit(127);
	}
	printf("vfork child exited %d\n", wait_for(pid));
	return 0;
}
