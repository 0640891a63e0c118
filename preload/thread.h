/* SPDX-License-Identifier: MIT */
/* Threads: the registry of the stack range of every thread created through
 * pthread_create or thrd_create, live or exited, for the leak scan (live stacks are
 * scanned from their stack pointer; the cached stacks of exited threads are not
 * roots), and the lifecycle calls the thread-leak check follows. */
#ifndef VIGIL_THREAD_H
#define VIGIL_THREAD_H

#include <stdint.h>
#include <sys/types.h>

#include "hidden.h"
#include "threadtab.h"

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

/* Threads alive now: those created through pthread_create or thrd_create since
 * vigil started, and the main thread unless it ended in pthread_exit. Takes the
 * registry lock. */
unsigned vigil_thread__live(void) VIGIL_HID;

/* Thread creation, shared with c11thread.c. prepare (vigil active) allocates the
 * block the trampoline gets and, with the thread checks on, enters the thread in the
 * thread table with the creator's stack; NULL: create the thread as asked, untracked.
 * created: after the real create (s belongs to the new thread once ok: it may be
 * gone already, so ref is passed apart; *th is read only if the thread has not
 * started). begin: first thing in the new thread; *out gets fn and arg. */
struct vigil_thread_start {
	void (*fn)(void); /* the program's start routine, called with its own type */
	void *arg;
	struct vigil_thr_ref ref;
};

struct vigil_thread_start *vigil_thread__prepare(void (*fn)(void), void *arg,
						 int detached) VIGIL_HID;
void vigil_thread__created(struct vigil_thread_start *s, struct vigil_thr_ref ref, int ok,
			   const uint64_t *th) VIGIL_HID;
void vigil_thread__begin(struct vigil_thread_start *s, struct vigil_thread_start *out) VIGIL_HID;

/* A join: begin before the real call (reports joining a joined or detached thread),
 * end after it, also from a cleanup when the joiner is cancelled (joined 0). j starts
 * zeroed; end is a no-op for a thread the table does not know. */
struct vigil_thread_join {
	struct vigil_thr_join tj;
	uint32_t stack;
	int joined;
};

void vigil_thread__join_begin(uint64_t th, struct vigil_thread_join *j) VIGIL_HID;
void vigil_thread__join_end(struct vigil_thread_join *j) VIGIL_HID;

/* A detach: begin before the real call, end with its success. */
struct vigil_thread_detach {
	struct vigil_thr_ref ref;
	uint32_t stack;
};

void vigil_thread__detach_begin(uint64_t th, struct vigil_thread_detach *d) VIGIL_HID;
void vigil_thread__detach_end(const struct vigil_thread_detach *d, int ok) VIGIL_HID;

/* pthread_exit / thrd_exit, before the real call. */
void vigil_thread__exiting(void) VIGIL_HID;

void vigil_thread__lock(void) VIGIL_HID;
void vigil_thread__unlock(void) VIGIL_HID;
#endif
