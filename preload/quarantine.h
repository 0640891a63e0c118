/* SPDX-License-Identifier: MIT */
/* The quarantine: freed blocks wait here, FIFO, before the real allocator may reuse
 * them, so a use after free touches memory vigil still owns and can check. Bounded
 * in bytes and entries; sharded by thread so threads freeing at once rarely share a
 * lock. Pure:
 * it only holds addresses; the caller checks and releases what falls out. */
#ifndef VIGIL_QUARANTINE_H
#define VIGIL_QUARANTINE_H

#include <stdint.h>

#include "hidden.h"

struct vigil_qentry {
	uintptr_t ptr;
	uint64_t size;
};

struct vigil_quarantine;

/* max_bytes 0 makes a quarantine that holds nothing. */
struct vigil_quarantine *vigil_quarantine__new(uint64_t max_bytes) VIGIL_HID;
/* Adds a block freed by thread `who`. The blocks pushed out (oldest first; possibly
 * this one when it alone exceeds a shard's share, a quarter of the total) go to out,
 * at most cap of them; returns how many. What did not fit in out stays and goes out
 * on a later push. */
unsigned vigil_quarantine__push(struct vigil_quarantine *q, unsigned who, uintptr_t ptr,
				uint64_t size, struct vigil_qentry *out, unsigned cap) VIGIL_HID;
uint64_t vigil_quarantine__bytes(struct vigil_quarantine *q) VIGIL_HID;

/* fork(2): every shard locked, then unlocked or reset. */
void vigil_quarantine__lock_all(struct vigil_quarantine *q) VIGIL_HID;
void vigil_quarantine__unlock_all(struct vigil_quarantine *q, int reset) VIGIL_HID;

#endif
