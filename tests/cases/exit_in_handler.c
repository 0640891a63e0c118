// SPDX-License-Identifier: MIT
/* exit() from a SIGALRM handler that interrupts the program in the middle of its
 * malloc/free loop, most likely inside the allocator: vigil's exit path then runs with
 * whatever the interrupted call held, and must neither hang nor crash. */
// expect-stdout: looping
// expect-none: crash
// expect-exit: 0
#include <stdlib.h>

#include "include/alarm_loop.h"

static void on_alarm(int sig)
{
	(void)sig;
	exit(0);
}

int main(void)
{
	return alarm_loop(on_alarm);
}
