/* SPDX-License-Identifier: MIT */
/* The thread registry: the stack range of every thread created through
 * pthread_create, live or exited, for the leak scan (live stacks are scanned from
 * their stack pointer; the cached stacks of exited threads are not roots). */
#ifndef VIGIL_THREAD_H
#define VIGIL_THREAD_H

#include <stdint.h>
#include <sys/types.h>

#include "hidden.h"

struct vigil_thread_stack {
	pid_t tid; /* 0 once the thread has exited */
	uintptr_t lo, hi;
	uintptr_t tp; /* thread pointer: glibc's TCB, which outlives the thread in the
		       * stack cache and still owns its DTV block */
	int ghost;    /* lived in the parent at fork: its stack is inherited memory */
};

/* Copies up to max entries; returns how many were copied. */
unsigned vigil_thread__stacks(struct vigil_thread_stack *out, unsigned max) VIGIL_HID;
/* Fork child: only the calling thread survives. */
void vigil_thread__after_fork_child(void) VIGIL_HID;

/* Threads alive now: those created through pthread_create since vigil started, and
 * the main thread. Takes the registry lock. */
unsigned vigil_thread__live(void) VIGIL_HID;

void vigil_thread__lock(void) VIGIL_HID;
void vigil_thread__unlock(void) VIGIL_HID;
#endif
