/* SPDX-License-Identifier: MIT */
/* The thread table: every thread created while the thread checks run, from its
 * creation to its join or detach, keyed by pthread_t (glibc reuses a descriptor once
 * its thread is joined, or detached and exited: the new thread retires the old
 * entry). No interposition here: thread.c and c11thread.c feed it. */
#ifndef VIGIL_THREADTAB_H
#define VIGIL_THREADTAB_H

#include <stdint.h>

#include "hidden.h"

struct vigil_thrtab;

/* An entry as the creator and the thread itself hold it: its slot and the generation
 * the slot had, so an entry retired since (reuse, eviction, fork) is never written
 * through a stale reference. gen 0: not tracked. */
struct vigil_thr_ref {
	uint32_t idx, gen;
};

/* A join as it goes through the table: counted is set when it is the one join of a
 * joinable thread (others are misuse), so its end can undo it. */
struct vigil_thr_join {
	struct vigil_thr_ref ref;
	int counted;
};

/* What a bad join is reported with: the thread's creation, and the earlier join or
 * the detach (other_stack 0 when it was created detached). */
struct vigil_thr_misuse {
	uint32_t create_stack, create_tid;
	uint32_t other_stack, other_tid;
};

/* Threads of one creation site that were neither joined nor detached. */
struct vigil_thr_leak {
	uint32_t create_stack, create_tid;
	uint32_t threads, running;
};

struct vigil_thrtab *vigil_thrtab__new(unsigned max) VIGIL_HID;
void vigil_thrtab__free(struct vigil_thrtab *t) VIGIL_HID;

/* Before the real create. Returns 0, or -ENOSPC when every entry is a thread that
 * still needs one (counted; *ref then has gen 0). */
int vigil_thrtab__add(struct vigil_thrtab *t, uint32_t create_stack, uint32_t create_tid,
		      int detached, struct vigil_thr_ref *ref) VIGIL_HID;
/* The real create failed. */
void vigil_thrtab__cancel(struct vigil_thrtab *t, struct vigil_thr_ref ref) VIGIL_HID;
/* The handle, from the thread when it starts (before the program's code runs) and
 * from the creator once the real create returned, whichever comes first. The
 * creator's *th is read under the table lock and only while the thread has not
 * started: once started, the thread may have freed the memory that holds it. */
void vigil_thrtab__started(struct vigil_thrtab *t, struct vigil_thr_ref ref, uint64_t th,
			   uint32_t tid) VIGIL_HID;
void vigil_thrtab__set_handle(struct vigil_thrtab *t, struct vigil_thr_ref ref,
			      const uint64_t *th) VIGIL_HID;
void vigil_thrtab__exited(struct vigil_thrtab *t, struct vigil_thr_ref ref) VIGIL_HID;

/* A join of th by tid, from stack, before the real call. Returns a enum vigil_reason
 * (joined twice: already joined, or another join is in progress; joined while
 * detached) and fills *m, or 0. *j is what join_end needs (ref.gen 0: th unknown). */
unsigned vigil_thrtab__join_begin(struct vigil_thrtab *t, uint64_t th, uint32_t stack,
				  uint32_t tid, struct vigil_thr_join *j,
				  struct vigil_thr_misuse *m) VIGIL_HID;
/* After the real call (or its cancellation): joined when it returned success. */
void vigil_thrtab__join_end(struct vigil_thrtab *t, const struct vigil_thr_join *j,
			    int joined, uint32_t stack, uint32_t tid) VIGIL_HID;

/* Detach: the entry is looked up before the real call (after it, a detached thread
 * may be gone and its handle taken by a new one), marked after it succeeded. */
struct vigil_thr_ref vigil_thrtab__find(struct vigil_thrtab *t, uint64_t th) VIGIL_HID;
void vigil_thrtab__detached(struct vigil_thrtab *t, struct vigil_thr_ref ref, uint32_t stack,
			    uint32_t tid) VIGIL_HID;

/* At exit: the threads neither joined nor detached, one entry per creation stack,
 * leaving out self_tid (the thread that runs the exit: nobody is left to join it)
 * and threads a join is waiting for. Returns how many entries were written. */
unsigned vigil_thrtab__leaks(struct vigil_thrtab *t, uint32_t self_tid,
			     struct vigil_thr_leak *out, unsigned max) VIGIL_HID;

void vigil_thrtab__stats(struct vigil_thrtab *t, uint64_t *created, uint64_t *overflow) VIGIL_HID;

/* fork(2): held across it; the child forgets every thread (only the forking one
 * survives, and nobody can join it). */
void vigil_thrtab__lock(struct vigil_thrtab *t) VIGIL_HID;
void vigil_thrtab__unlock(struct vigil_thrtab *t) VIGIL_HID;
void vigil_thrtab__reset_after_fork(struct vigil_thrtab *t) VIGIL_HID;

#endif
