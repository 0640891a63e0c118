/* SPDX-License-Identifier: MIT */
/* Stop-the-world for the exit-time leak scan. A helper task sharing our memory
 * (clone without CLONE_THREAD) ptrace-stops every other thread and reads its
 * registers. Unlike signal-based suspension, a ptrace stop is invisible to the
 * program: sleeping syscalls restart instead of failing with EINTR. Threads that
 * cannot be stopped (the process is already traced, ptrace is forbidden) are
 * reported as such and scanned without their registers. */
#ifndef VIGIL_STW_H
#define VIGIL_STW_H

#include <sys/types.h>
#include <sys/user.h>

#include "hidden.h"

struct vigil_stw_thread {
	pid_t tid;
	int stopped;
	int pending_sig; /* signal caught by the stop, handed back on detach */
	struct user_regs_struct regs;
};

struct vigil_stw {
	struct vigil_stw_thread *t;
	unsigned n, max;
	/* private */
	pid_t pid, self, tracer;
	int go, ready, resume, done;
	int yama;
	void *stack;
};

/* Stops every thread but the caller's. t[] (max entries, caller-provided) lists
 * them, each stopped or not. 0 once the tracer finished stopping; -ETIMEDOUT when it
 * did not in time (t[] may still change: treat every thread as running); -errno when
 * no tracer could be started. vigil_stw__resume must follow in every case. */
int vigil_stw__stop(struct vigil_stw *w) VIGIL_HID;
void vigil_stw__resume(struct vigil_stw *w) VIGIL_HID;
/* True under a seccomp filter (systemd SystemCallFilter...): clone, ptrace and
 * process_vm_readv may kill the process there, so the leak scan must not run. */
int vigil_stw__seccomp_filtered(void) VIGIL_HID;

#endif
