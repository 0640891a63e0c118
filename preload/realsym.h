/* SPDX-License-Identifier: MIT */
/* Real functions resolved on first use, for interposers outside rt.c's table. */
#ifndef VIGIL_REALSYM_H
#define VIGIL_REALSYM_H

#include "hidden.h"

/* dlvsym(RTLD_NEXT, name, version) when version is set (glibc keeps old ABIs of
 * some pthread functions under the same name), else dlsym(RTLD_NEXT, name). */
void *vigil_realsym(const char *name, const char *version) VIGIL_HID;

/* The real function in the static pointer var, resolved the first time. */
#define VIGIL_REAL(var, name, version)                                                   \
	({                                                                                 \
		if (__builtin_expect((var) == NULL, 0))                                    \
			(var) = (__typeof__(var))vigil_realsym((name), (version));         \
		(var);                                                                     \
	})

#endif
