// SPDX-License-Identifier: MIT
/* clean_syscalls statically linked, where only the kernel's view watches: missing
 * paths, a few refused connects, a file round trip and a non-blocking loopback echo
 * loop stay below every threshold. Nothing is reported; with the error threshold
 * lowered to 100 (strict) the 200 missing paths are, and only they. */
// build-flags: -static
// needs: bpf
// variant: strict VIGIL_OPTIONS=syscall_errors_min=100
// expect-none[base]: syscall-errors
// expect[strict]: syscall-errors function=find_config file=clean_syscalls.c line=38 count=200 details.errno=ENOENT
// expect-none[strict]: syscall-errors details.errno!=ENOENT
// expect-none: wx-mapping
// expect-none: slow-syscall
// expect-none: crash
// expect-none[base]: *
// expect-exit: 0
// expect-stdout: missing 200 refused 20 file ok echoed 100
/* The program itself: the same source as the dynamic case. */
#include "clean_syscalls.c"
