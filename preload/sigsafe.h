/* SPDX-License-Identifier: MIT */
/* Async-signal safety: vigil runs every handler the program installs through a
 * wrapper that counts, per thread, how deep it is inside handlers. An interposer of
 * a function that is not async-signal-safe calls vigil_sigsafe__check first. */
#ifndef VIGIL_SIGSAFE_H
#define VIGIL_SIGSAFE_H

#include "hidden.h"

/* Program signal handlers the calling thread is running now (nested ones count). */
extern __thread unsigned vigil_sig_depth VIGIL_HID;

/* Writes a signal-unsafe-call finding for fn (enum vigil_func) called from the
 * handler now running, once per call site. */
void vigil_sigsafe__report(unsigned fn) VIGIL_HID;

static inline void vigil_sigsafe__check(unsigned fn)
{
	if (__builtin_expect(vigil_sig_depth != 0, 0))
		vigil_sigsafe__report(fn);
}

#endif
