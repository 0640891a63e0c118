/* SPDX-License-Identifier: MIT */
/* The module map: every loaded object's address range and load bias, from
 * dl_iterate_phdr, cached in memory and written to the raw log so stacks can be
 * symbolized after the process is gone. Refreshed whenever the loader's counters of
 * added and removed objects moved (checked before a stack is written) or a stack
 * holds a pc no known module covers. dlopen itself is not interposed: glibc picks
 * the search path from the caller's link map, which would then be vigil's. */
#ifndef VIGIL_MODMAP_H
#define VIGIL_MODMAP_H

#include <stdint.h>

#include "hidden.h"

int vigil_modmap__init(void) VIGIL_HID;
/* Writes every cached module to the (new) raw log. */
void vigil_modmap__write_all(void) VIGIL_HID;
/* Makes sure every pc's module is in the log; may rescan unless in a signal handler. */
void vigil_modmap__ensure(const uintptr_t *pcs, unsigned n, int may_scan) VIGIL_HID;
/* Visits the writable PT_LOAD ranges of every module except libvigil itself. */
void vigil_modmap__foreach_writable(void (*fn)(uintptr_t lo, uintptr_t hi, void *ctx),
				    void *ctx) VIGIL_HID;

/* fork(2): held across fork by fork.c. */
void vigil_modmap__lock(void) VIGIL_HID;
void vigil_modmap__unlock(int reset) VIGIL_HID;
#endif
