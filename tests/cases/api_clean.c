// SPDX-License-Identifier: MIT
/* Clean control for the api checks: the same work as the api_* bug cases done right.
 * Bounded formatting with literal formats, memmove for overlapping moves, files and
 * directories created private, temporary files from mkstemp and mkdtemp (and reopened
 * by name), a program started without a shell, a handler installed with glibc's
 * signal() (BSD semantics: it stays) and with sigaction, getaddrinfo and inet_pton.
 * Nothing is reported. */
// build-flags: -fno-builtin
// expect-none: unsafe-api
// expect-none: deprecated-api
// expect-none: format-string
// expect-none: memcpy-overlap
// expect-none: insecure-permissions
// expect-none: insecure-tempfile
// expect-none: shell-exec
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: clean api 1 7 item-3 hello
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	got = sig == SIGUSR1;
}

int main(void)
{
	char line[64], buf[64] = "0123456789abcdef", tmpl[] = "/tmp/vigil-case-cleanXXXXXX";
	char dir[] = "/tmp/vigil-case-cleandXXXXXX", path[128], *heap = malloc(32);
	char *const echo[] = {"echo", "hello", NULL};
	struct addrinfo hints = {.ai_family = AF_INET, .ai_flags = AI_NUMERICHOST}, *res = NULL;
	struct sigaction sa = {.sa_handler = on_usr1};
	struct in_addr a;
	pid_t pid;
	int fd, st;

	snprintf(line, sizeof(line), "item-%d", 3);
	memmove(buf, buf + 4, 8);
	memcpy(heap, "heap copy", 10);
	strcpy(heap, "heap ok");
	umask(022);
	fd = mkstemp(tmpl);
	close(fd);
	close(open(tmpl, O_CREAT | O_RDWR | O_TRUNC, 0600));
	mkdtemp(dir);
	snprintf(path, sizeof(path), "%s/data", dir);
	close(open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600));
	chmod(path, 0640);
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/data", dir);
	unlink(path);
	rmdir(dir);
	unlink(tmpl);
	getaddrinfo("127.0.0.1", NULL, &hints, &res);
	freeaddrinfo(res);
	inet_pton(AF_INET, "127.0.0.1", &a);
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	sigaction(SIGUSR2, &sa, NULL);
	fflush(stdout);
	posix_spawnp(&pid, "echo", NULL, NULL, echo, environ);
	waitpid(pid, &st, 0);
	printf("clean api %d %d %s ", (int)got, (int)strlen(heap), line);
	fflush(stdout);
	if (!(pid = fork())) {
		execvp("echo", echo);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	free(heap);
	return 0;
}
