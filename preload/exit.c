// SPDX-License-Identifier: MIT
/* _exit and _Exit: exit() runs vigil's end-of-process work from its last exit
 * handler, these skip every handler, so they record the exit themselves. */
#include <sys/syscall.h>
#include <unistd.h>

#include "rt.h"

static void __attribute__((noreturn)) leave(int code)
{
	vigil_rt__finish_underscore_exit(code);
	if (vigil_real._exit)
		vigil_real._exit(code);
	for (;;)
		syscall(SYS_exit_group, code);
}

VIGIL_EXPORT void _exit(int code)
{
	leave(code);
}

VIGIL_EXPORT void _Exit(int code)
{
	leave(code);
}
