/* SPDX-License-Identifier: MIT */
/* Writes a finding to the raw log, its stacks first, the moment it is found; caps the
 * number of findings per process and counts what it drops. */
#ifndef VIGIL_EMIT_H
#define VIGIL_EMIT_H

#include <stdint.h>

#include "hidden.h"
#include "vigil/event.h"

/* Stacks whose id came from vigil_stack__write_raw are already written; the others
 * are interned ids and are written here if this log lacks them. */
void vigil_emit__finding(unsigned fkind, unsigned severity, uint64_t count,
			 const struct vigil_rec_fstack *stacks, unsigned nstacks,
			 const struct vigil_rec_kv *kv, unsigned nkv) VIGIL_HID;
unsigned long vigil_emit__dropped(void) VIGIL_HID;
/* Fork child: the emit lock may have been held by a thread that is gone. */
void vigil_emit__reset_after_fork(void) VIGIL_HID;

#endif
