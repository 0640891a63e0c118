/* SPDX-License-Identifier: MIT */
/* The heap check's shared state between the allocator interposers (malloc.c, new.c)
 * and the exit-time leak scan (leak.c). */
#ifndef VIGIL_HEAP_H
#define VIGIL_HEAP_H

#include <stddef.h>

#include "heaptab.h"

extern struct vigil_heaptab *vigil_heap __attribute__((visibility("hidden")));

int vigil_heap__init(void) VIGIL_HID;
/* Records a block the real allocator returned (call inside the guard). */
void vigil_heap__track(void *p, size_t size, unsigned kind) VIGIL_HID;
/* Forgets a block before the real allocator frees it: 0, or -ENOENT if untracked. */
int vigil_heap__untrack(void *p, struct vigil_block *out) VIGIL_HID;

#endif
