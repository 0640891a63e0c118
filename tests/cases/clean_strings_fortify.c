// SPDX-License-Identifier: MIT
/* Clean control for the FORTIFY interceptors (__memcpy_chk, __sprintf_chk,
 * __read_chk...): clean_strings.c built as Debian builds its packages, optimised with
 * _FORTIFY_SOURCE=2. No finding of any error kind in any mode. */
// build-flags: -O1 -D_FORTIFY_SOURCE=2
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// expect-none: * severity=error
// expect-none: bad-alloc-size
// expect-stdout: strings clean, checksum 1119223703
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
#include "clean_strings.c"
