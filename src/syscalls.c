// SPDX-License-Identifier: MIT
/* The table is generated at build time from <asm/unistd_64.h> (Makefile). */
#include <string.h>

#include "vigil/bpf_event.h"
#include "syscalls.h"

static const char *const names[] = {
#include "syscall_names.h"
};

const char *vigil_syscall_name(unsigned nr)
{
	/* bpf/sentinel.bpf.c counts 32-bit (int 0x80) and out-of-range calls apart. */
	if (nr == VIGIL_BPF_NR_OTHER)
		return "compat_or_unknown";
	return nr < sizeof(names) / sizeof(names[0]) ? names[nr] : NULL;
}

const char *vigil_errno_name(unsigned err)
{
	return err && err < 4096 ? strerrorname_np((int)err) : NULL;
}
