/* SPDX-License-Identifier: MIT */
/* The stack table: interns raw pc arrays to 32-bit ids. Sharded by hash so threads
 * capturing different stacks rarely meet on a lock; bounded by max stacks (overflow is
 * counted and yields id 0). Pure: no interposition, driven directly by unit tests. */
#ifndef VIGIL_STACKTAB_H
#define VIGIL_STACKTAB_H

#include <stdint.h>

#include "hidden.h"

struct vigil_stacktab;

struct vigil_stacktab *vigil_stacktab__new(unsigned max_stacks) VIGIL_HID;
/* Returns the id of this stack (the same id for the same pcs), or 0 when full. */
uint32_t vigil_stacktab__intern(struct vigil_stacktab *t, const uintptr_t *pcs,
				unsigned depth) VIGIL_HID;
/* 0 and the stack for a valid id, -ENOENT otherwise. The pcs stay valid forever. */
int vigil_stacktab__get(struct vigil_stacktab *t, uint32_t id, const uintptr_t **pcs,
			unsigned *depth) VIGIL_HID;
/* Claims the duty to write stack id into the log of generation gen: 1 for the first
 * caller per generation, 0 afterwards. */
int vigil_stacktab__claim_write(struct vigil_stacktab *t, uint32_t id, unsigned gen) VIGIL_HID;
unsigned vigil_stacktab__count(const struct vigil_stacktab *t) VIGIL_HID;
unsigned long vigil_stacktab__overflow(const struct vigil_stacktab *t) VIGIL_HID;

/* fork(2): lock every shard in order, then unlock or reset. */
void vigil_stacktab__lock_all(struct vigil_stacktab *t) VIGIL_HID;
void vigil_stacktab__unlock_all(struct vigil_stacktab *t, int reset) VIGIL_HID;

#endif
