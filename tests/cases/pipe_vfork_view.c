// SPDX-License-Identifier: MIT
/* A vfork child restores SIGPIPE's default before its exec, as Python's subprocess
 * and shells do. The child runs on its parent's memory: the parent must still see,
 * and have, SIGPIPE ignored, so its later write into a broken pipe fails with EPIPE
 * (counted at its stack) rather than killing it. */
// expect-pipe-site: epipe function=last_word line=20 count=1
// expect-no-pipe-site: sigpipe
// expect-none: *
// expect-exit: 0
// expect-stdout: parent: SIGPIPE ignored, EPIPE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int last_word(int fd)
{
	return write(fd, "bye\n", 4) < 0 && errno == EPIPE;
}

int main(void)
{
	struct sigaction sa, back;
	int p[2], epipe;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) || pipe(p))
		return 1;
	pid = vfork();
	if (pid == 0) {
		sa.sa_handler = SIG_DFL;
		sigaction(SIGPIPE, &sa, NULL);
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, NULL, 0) != pid || sigaction(SIGPIPE, NULL, &back))
		return 1;
	close(p[0]);
	epipe = last_word(p[1]);
	printf("parent: SIGPIPE %s, %s\n", back.sa_handler == SIG_IGN ? "ignored" : "default",
	       epipe ? "EPIPE" : "no EPIPE");
	close(p[1]);
	return 0;
}
