// SPDX-License-Identifier: MIT
/* munmap and mremap: memory given back to the kernel may come back at the same
 * address holding new objects, so the lock table forgets the locks that lived there
 * (pages that never held one cost a counter test). */
#include <stdarg.h>
#include <sys/mman.h>

#include "locktab.h"
#include "realsym.h"
#include "rt.h"

static int (*real_munmap)(void *, size_t);
static void *(*real_mremap)(void *, size_t, size_t, int, ...);

VIGIL_EXPORT int munmap(void *addr, size_t len)
{
	vigil_locktab__freeing(addr, len ? len : 1);
	return VIGIL_REAL(real_munmap, "munmap", NULL)(addr, len);
}

VIGIL_EXPORT void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	void *want = NULL, *p;
	va_list ap;

	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		want = va_arg(ap, void *);
		va_end(ap);
	}
	p = VIGIL_REAL(real_mremap, "mremap", NULL)(old, old_size, new_size, flags, want);
	/* Moved or shrunk: what was at the old addresses is gone from there. */
	if (p != MAP_FAILED && (p != old || new_size < old_size))
		vigil_locktab__freeing(old, old_size ? old_size : 1);
	return p;
}
