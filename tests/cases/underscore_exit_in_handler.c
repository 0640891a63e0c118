// SPDX-License-Identifier: MIT
/* _exit() from a SIGALRM handler that interrupts the program in the middle of its
 * malloc/free loop, most likely inside the allocator: vigil's _exit wrapper then runs
 * with whatever the interrupted call held, and must neither hang nor crash. */
// expect-stdout: looping
// expect-none: crash
// expect-exit: 0
#include <stdlib.h>
#include <unistd.h>

#include "include/alarm_loop.h"

static void on_alarm(int sig)
{
	(void)sig;
	_exit(0);
}

int main(void)
{
	return alarm_loop(on_alarm);
}
