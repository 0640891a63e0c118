/* SPDX-License-Identifier: MIT */
/* Names of x86-64 syscall numbers and of errno values, for reports. */
#ifndef VIGIL_SYSCALLS_H
#define VIGIL_SYSCALLS_H

/* "connect"; NULL for a number the kernel headers do not name. */
const char *vigil_syscall_name(unsigned nr);

/* "ECONNREFUSED"; NULL for an unknown value. */
const char *vigil_errno_name(unsigned err);

#endif
