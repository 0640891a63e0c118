// SPDX-License-Identifier: MIT
/* The table is generated at build time from <asm/unistd_64.h> (Makefile). */
#include <string.h>

#include "syscalls.h"

static const char *const names[] = {
#include "syscall_names.h"
};

const char *vigil_syscall_name(unsigned nr)
{
	return nr < sizeof(names) / sizeof(names[0]) ? names[nr] : NULL;
}

const char *vigil_errno_name(unsigned err)
{
	return err && err < 4096 ? strerrorname_np((int)err) : NULL;
}
