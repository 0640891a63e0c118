// SPDX-License-Identifier: MIT
/* An ignored signal stays ignored across exec: the program ignores SIGABRT and execs a
 * shell that sends itself SIGABRT and goes on. vigil's preload in the new image must
 * leave the inherited SIG_IGN in place instead of installing its crash handler over
 * it, so the shell survives and nothing crashed. */
// expect-stdout: survived
// expect-none: crash
// expect-exit: 0
#include <signal.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGABRT, &sa, NULL))
		return 1;
	execl("/bin/sh", "sh", "-c", "kill -ABRT $$; echo survived", (char *)NULL);
	return 127;
}
