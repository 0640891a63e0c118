/* SPDX-License-Identifier: MIT */
/* Whether this code runs in a vfork child: one on its parent's memory (and TLS) but
 * with a descriptor table and signal dispositions of its own. Only programs that
 * called vfork, or clone with CLONE_VM and without CLONE_THREAD, can have one, so the
 * rest never pay the system call that tells. */
#ifndef VIGIL_VFORK_H
#define VIGIL_VFORK_H

#include <sys/syscall.h>
#include <unistd.h>

#include "hidden.h"
#include "rt.h"

extern int vigil_vfork_seen VIGIL_HID;

/* Resolves the real vfork; called once at vigil's start, after the real-symbol table. */
void vigil_vfork__init(void) VIGIL_HID;

static inline int vigil_in_vfork_child(void)
{
	return __atomic_load_n(&vigil_vfork_seen, __ATOMIC_RELAXED) && vigil_rt.pid &&
	       (pid_t)syscall(SYS_getpid) != vigil_rt.pid;
}

#endif
