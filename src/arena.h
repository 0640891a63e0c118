/* SPDX-License-Identifier: MIT */
/* A bump allocator for report-time data (model, symbol cache): everything a report
 * holds is freed at once, so nothing in it needs its own free. */
#ifndef VIGIL_ARENA_H
#define VIGIL_ARENA_H

#include <stddef.h>

struct vigil_arena;

struct vigil_arena *vigil_arena__new(void);
void vigil_arena__free(struct vigil_arena *a);

/* Zeroed, 16-byte aligned; NULL with errno ENOMEM. */
void *vigil_arena__alloc(struct vigil_arena *a, size_t size);
/* NULL for s == NULL (not an error) or with errno ENOMEM. */
char *vigil_arena__strdup(struct vigil_arena *a, const char *s);

#endif
