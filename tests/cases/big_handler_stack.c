// SPDX-License-Identifier: MIT
/* The program's SIGSEGV handler, installed without SA_ONSTACK, uses a 256 KiB frame:
 * natively it runs on the thread's own stack, where that fits. vigil chains to it
 * from its own fatal-signal handler, and must not do so on a stack too small for it. */
// expect-stdout: handled
// expect-none: crash
// expect-exit: 0
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define FRAME (256 * 1024)

static volatile int *target;

static void on_segv(int sig)
{
	volatile char frame[FRAME];
	static const char msg[] = "handled\n";

	for (size_t i = 0; i < sizeof(frame); i += 512)
		frame[i] = (char)sig;
	if (frame[0] == SIGSEGV)
		write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	_exit(0);
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL))
		return 1;
	*target = 1;
	return 2;
}
