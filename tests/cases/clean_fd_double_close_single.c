// SPDX-License-Identifier: MIT
/* Clean: a callee and its caller both close the write end of a pipe, as bash does
 * for each command of a pipeline. The second close fails with EBADF, but the program
 * has one thread and opened nothing in between: no descriptor could have taken the
 * number, so no harm was possible and nothing is reported. A loop closing every
 * number up to 64 (as a daemon does) meets numbers it closed before: silent too. */
// expect-none: double-close
// expect-none: bad-fd
// expect-none: fd-reuse
// expect-none: fd-leak
// expect-exit: 0
#include <unistd.h>

static void run_command(int in, int out)
{
	char c;

	(void)!write(out, "x", 1);
	(void)!read(in, &c, 1);
	close(out);
}

int main(void)
{
	int p[2];

	for (int i = 0; i < 3; i++) {
		if (pipe(p))
			return 1;
		run_command(p[0], p[1]);
		close(p[1]);
		close(p[0]);
	}
	for (int fd = 3; fd < 64; fd++)
		close(fd);
	return 0;
}
