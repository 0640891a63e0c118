// SPDX-License-Identifier: MIT
/* The program closes descriptors 3..63 and reopens 3 and 4 on files of its own: an
 * input with known content and an output. A forked child runs vigil's whole exit path
 * on the shared descriptors. vigil must never read from or write to them: the input
 * reads back exactly, and the output holds exactly what the program wrote. */
// expect-stdout: in=3 out=4
// expect-stdout: fds intact
// expect-none: crash
// expect-exit: 0
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONTENT "0123456789abcdefghijklmnopqrstuvwxyz\n"
#define OUT_BYTES 100

static int child_churns(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		for (int i = 0; i < 1000; i++)
			free(malloc(64 + (size_t)i));
		exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

int main(void)
{
	char in_path[] = "/tmp/vigil-fd-in-XXXXXX", out_path[] = "/tmp/vigil-fd-out-XXXXXX";
	char got[sizeof(CONTENT) * 2], block[OUT_BYTES];
	struct stat st;
	size_t have = 0;
	int in, out, ok;
	ssize_t n;

	for (int fd = 3; fd < 64; fd++)
		close(fd);
	in = mkstemp(in_path);
	if (in != 3 || write(in, CONTENT, strlen(CONTENT)) != (ssize_t)strlen(CONTENT) ||
	    lseek(in, 0, SEEK_SET) != 0)
		return 1;
	out = mkstemp(out_path);
	printf("in=%d out=%d\n", in, out);
	fflush(stdout);
	if (out != 4)
		return 1;
	unlink(in_path);
	unlink(out_path);

	memset(block, 'x', sizeof(block));
	n = read(in, got, 10);
	ok = n == 10 && write(out, block, sizeof(block)) == (ssize_t)sizeof(block);
	ok &= child_churns();
	have = n > 0 ? (size_t)n : 0;
	while (ok && (n = read(in, got + have, sizeof(got) - have)) > 0)
		have += (size_t)n;
	ok &= have == strlen(CONTENT) && !memcmp(got, CONTENT, have);
	ok &= lseek(out, 0, SEEK_CUR) == OUT_BYTES && !fstat(out, &st) &&
	      st.st_size == OUT_BYTES;
	printf("fds %s\n", ok ? "intact" : "disturbed");
	return ok ? 0 : 1;
}
