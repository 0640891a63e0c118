/* SPDX-License-Identifier: MIT */
/* What kind of memory an address lies in, for the api checks: read-only (a format
 * there cannot have been written by anyone), the calling thread's stack or a module's
 * writable data (buffers whose size only the compiler knew), the heap, or other
 * writable memory. Read-only mappings are cached from /proc/self/maps and modules'
 * writable segments from dl_iterate_phdr; a cached answer is only ever used to stay
 * quiet, and every report is confirmed by a fresh read. */
#ifndef VIGIL_MEMCLASS_H
#define VIGIL_MEMCLASS_H

#include <stdint.h>

#include "hidden.h"

enum vigil_mem {
	VIGIL_MEM_UNKNOWN = 0, /* unmapped, or no answer (tables busy or full) */
	VIGIL_MEM_READONLY,
	VIGIL_MEM_STACK,       /* the calling thread's stack */
	VIGIL_MEM_GLOBAL,      /* a module's writable PT_LOAD segment: data, bss */
	VIGIL_MEM_HEAP,        /* the brk heap */
	VIGIL_MEM_WRITABLE,    /* any other writable mapping */
};

/* Lock-free, from the cache: true when a lies in a mapping last seen read-only. */
int vigil_memclass__cached_readonly(uintptr_t a) VIGIL_HID;

/* From a fresh read of /proc/self/maps, which also refreshes the read-only cache.
 * Inside the guard. */
enum vigil_mem vigil_memclass__exact(uintptr_t a) VIGIL_HID;

/* Cheap, for a destination: STACK (*end = the stack's top) or GLOBAL (*end = the
 * segment's end), else UNKNOWN. Inside the guard. */
enum vigil_mem vigil_memclass__dest(uintptr_t a, uintptr_t *end) VIGIL_HID;

/* fork(2): its locks held across it (fork.c's rank order: before the maps lock). */
void vigil_memclass__fork_lock(void) VIGIL_HID;
void vigil_memclass__fork_unlock(int child) VIGIL_HID;

#endif
