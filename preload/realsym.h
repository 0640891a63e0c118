/* SPDX-License-Identifier: MIT */
/* Real functions resolved on first use, for interposers outside rt.c's table. */
#ifndef VIGIL_REALSYM_H
#define VIGIL_REALSYM_H

#include "hidden.h"

/* Looks up every interposed name once; called at the start of vigil's
 * initialisation, before any interposer does its work. */
void vigil_realsym__init(void) VIGIL_HID;

/* The next definition of name (of that symbol version when version is set), from the
 * table once it is filled: no loader lock then. Names vigil does not export, and
 * calls before the start, go to dlsym/dlvsym. */
void *vigil_realsym(const char *name, const char *version) VIGIL_HID;

/* The real function in the static pointer var, resolved the first time. */
#define VIGIL_REAL(var, name, version)                                                   \
	({                                                                                 \
		if (__builtin_expect((var) == NULL, 0))                                    \
			(var) = (__typeof__(var))vigil_realsym((name), (version));         \
		(var);                                                                     \
	})

#endif
