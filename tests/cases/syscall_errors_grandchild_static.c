// SPDX-License-Identifier: MIT
/* syscall_errors_grandchild statically linked: no preload in any of the three
 * processes, so the tree, the pids and their exits are known from the kernel alone.
 * One syscall-errors finding, with the grandchild's pid only. */
// build-flags: -static
// needs: bpf
// expect: syscall-errors function=dial file=syscall_errors_grandchild.c line=31 count>=3000 details.errno=ECONNREFUSED pids-include=grandchild pids-exclude=worker pids-exclude=parent
// expect-none: syscall-errors pids-include=parent
// expect-none: syscall-errors pids-include=worker
// expect-none: crash
// expect-process: grandchild code=0
// expect-process: worker code=0
// expect-process: parent code=0
// expect-exit: 0
// expect-stdout: parent refused 5
/* The program itself: the same source as the dynamic case. */
#include "syscall_errors_grandchild.c"
