// SPDX-License-Identifier: MIT
/* Bug: syscall_errors_raw in a statically linked program: the refused-connection storm
 * through syscall(SYS_connect, ...), found by the kernel's view at the syscall() call
 * with this process's pid, though no preload is inside. */
// build-flags: -static
// needs: bpf
// expect: syscall-errors function=dial_raw file=syscall_errors_raw.c line=24 severity=warning count>=3000 details.syscall=connect details.errno=ECONNREFUSED pids-include=self
// expect-none: wx-mapping
// expect-none: crash
// expect-process: self code=0
// expect-exit: 0
// expect-stdout: 3000 refused
/* The program itself: the same source as the dynamic case. */
#include "syscall_errors_raw.c"
