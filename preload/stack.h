/* SPDX-License-Identifier: MIT */
/* Stack capture (unwind.c's rule cache, raw pcs only, vigil's own frames stripped),
 * the process-wide stack table, and writing stacks to the raw log. */
#ifndef VIGIL_STACK_H
#define VIGIL_STACK_H

#include <stdint.h>

#include "hidden.h"
#include "stacktab.h"

extern struct vigil_stacktab *vigil_stacks VIGIL_HID;

int vigil_stack__init(unsigned max_stacks) VIGIL_HID;
/* The caller's stack (vigil's own frames excluded), interned; 0 if none. */
uint32_t vigil_stack__capture(void) VIGIL_HID;
/* The same, at most `depth` frames (free stacks are kept shorter). */
uint32_t vigil_stack__capture_depth(unsigned depth) VIGIL_HID;
/* Unwinds from a signal handler's ucontext; pcs[0] is the interrupted pc. */
unsigned vigil_stack__from_ucontext(void *uc, uintptr_t *pcs, unsigned max) VIGIL_HID;
/* Makes sure stack id is in the current raw log. */
void vigil_stack__write(uint32_t id) VIGIL_HID;
/* Writes a stack that is not interned (signal handlers): takes a fresh id. */
uint32_t vigil_stack__write_raw(const uintptr_t *pcs, unsigned depth, int may_scan) VIGIL_HID;

#endif
