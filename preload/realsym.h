/* SPDX-License-Identifier: MIT */
/* Real functions: the next definition of each interposed name, looked up once at
 * vigil's start, and the static pointers interposers keep them in. */
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

/* Fills *slot with vigil_realsym(name, version), or when that is NULL and elsewhere is
 * set, with elsewhere(name); returns it. The lookup runs inside vigil's guard (what the
 * loader calls, malloc among them, passes straight through) and leaves errno as it
 * was, so an interposer may resolve before or after its own work. */
void *vigil_realsym__fill(void **slot, const char *name, const char *version,
			  void *(*elsewhere)(const char *name)) VIGIL_HID;

/* *slot, filled on first use: one acquire load once it is known. While nothing is
 * found it stays NULL and each call looks again. */
static inline void *vigil_realsym__slot_or(void **slot, const char *name, const char *version,
					   void *(*elsewhere)(const char *name))
{
	void *fn = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	return __builtin_expect(fn != NULL, 1) ? fn
					       : vigil_realsym__fill(slot, name, version, elsewhere);
}

static inline void *vigil_realsym__slot(void **slot, const char *name, const char *version)
{
	return vigil_realsym__slot_or(slot, name, version, NULL);
}

/* The real function in the static function pointer var, resolved the first time. */
#define VIGIL_REAL(var, name, version)                                                   \
	((__typeof__(var))vigil_realsym__slot((void **)&(var), (name), (version)))

#endif
