/* SPDX-License-Identifier: MIT */
/* Async-signal safety: vigil runs every handler the program installs through a
 * wrapper (signal.c) that records, per thread, the handlers running now. An
 * interposer of a function that is not async-signal-safe calls vigil_sigsafe__check
 * first (or vigil_sigsafe__enter/leave around a call that makes other such calls). */
#ifndef VIGIL_SIGSAFE_H
#define VIGIL_SIGSAFE_H

#include <stdint.h>

#include "hidden.h"

/* Non-zero while the calling thread runs a program signal handler whose unsafe
 * calls are checked (nested handlers count; an exit left by siglongjmp is noticed
 * at the next check and no longer counts). */
extern __thread unsigned vigil_sig_depth VIGIL_HID;

/* Writes a signal-unsafe-call finding for fn (enum vigil_func) called from the
 * handler now running, once per call site. */
void vigil_sigsafe__report(unsigned fn) VIGIL_HID;

static inline void vigil_sigsafe__check(unsigned fn)
{
	if (__builtin_expect(vigil_sig_depth != 0, 0))
		vigil_sigsafe__report(fn);
}

unsigned vigil_sigsafe__enter_slow(unsigned fn) VIGIL_HID;
void vigil_sigsafe__leave_slow(unsigned token) VIGIL_HID;

/* For an unsafe call that makes other checked calls itself (printf allocates):
 * reports fn as vigil_sigsafe__check does, then keeps the checks quiet until the
 * matching leave, so the call's own allocations are not reported a second time. A
 * handler that interrupts the call is checked as usual. */
static inline unsigned vigil_sigsafe__enter(unsigned fn)
{
	if (__builtin_expect(vigil_sig_depth != 0, 0))
		return vigil_sigsafe__enter_slow(fn);
	return 0;
}

static inline void vigil_sigsafe__leave(unsigned token)
{
	if (__builtin_expect(token != 0, 0))
		vigil_sigsafe__leave_slow(token);
}

/* The handler wrapper's side, async-signal-safe. push records a handler about to
 * run: slot is a word in the wrapper's own frame (its address and content tell
 * later whether that frame is still there), uc the kernel's ucontext. It returns
 * the token pop needs (0: not recorded, nesting too deep). */
unsigned vigil_sigsafe__push(volatile uintptr_t *slot, void *handler, const void *uc) VIGIL_HID;
void vigil_sigsafe__pop(unsigned token) VIGIL_HID;
/* The handler returned with errno changed: a finding naming it, once per handler. */
void vigil_sigsafe__errno_changed(void *handler, const void *uc) VIGIL_HID;

#endif
