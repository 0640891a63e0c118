// SPDX-License-Identifier: MIT
/* Lazy real-symbol lookup (dlsym's own calloc is served by the interposed one, which
 * copes before vigil is initialised). */
#include <dlfcn.h>
#include <stddef.h>

#include "realsym.h"

void *vigil_realsym(const char *name, const char *version)
{
	void *p = version ? dlvsym(RTLD_NEXT, name, version) : NULL;

	return p ? p : dlsym(RTLD_NEXT, name);
}
