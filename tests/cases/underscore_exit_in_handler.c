// SPDX-License-Identifier: MIT
/* _exit() from a SIGALRM handler that interrupts the program in the middle of its
 * malloc/free loop, most likely inside the allocator: vigil's _exit wrapper then runs
 * with whatever the interrupted call held, and must neither hang nor crash. */
// expect-stdout: looping
// expect-none: crash
// expect-exit: 0
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile size_t sink;

static void on_alarm(int sig)
{
	(void)sig;
	_exit(0);
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return 1;
	printf("looping\n");
	fflush(stdout);
	alarm(1);
	for (size_t i = 0;; i++) {
		char *p = malloc(16 + i % 512);

		if (!p)
			return 1;
		p[0] = (char)i;
		sink += (size_t)p[0];
		free(p);
	}
}
