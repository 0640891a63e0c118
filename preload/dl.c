// SPDX-License-Identifier: MIT
/* dlopen/dlclose: the module map is refreshed afterwards so stacks through newly
 * loaded code can be symbolized. The real call runs outside the guard: constructors
 * of the loaded object allocate like any other program code. */
#include <dlfcn.h>

#include "modmap.h"
#include "rt.h"
#include "unwind.h"

static void refresh(void)
{
	int e = errno;

	if (!vigil_rt__active())
		return;
	vigil_guard__enter();
	vigil_modmap__refresh();
	vigil_guard__leave();
	errno = e;
}

VIGIL_EXPORT void *dlopen(const char *file, int mode)
{
	void *h;

	vigil_rt__active();
	h = vigil_real.dlopen(file, mode);
	if (h)
		refresh();
	return h;
}

VIGIL_EXPORT void *dlmopen(Lmid_t lmid, const char *file, int mode)
{
	void *h;

	vigil_rt__active();
	if (!vigil_real.dlmopen)
		return NULL;
	h = vigil_real.dlmopen(lmid, file, mode);
	if (h)
		refresh();
	return h;
}

VIGIL_EXPORT int dlclose(void *h)
{
	int r;

	vigil_rt__active();
	r = vigil_real.dlclose(h);
	if (!r) {
		vigil_unwind__flush(); /* rules for the unloaded code are stale */
		refresh();
	}
	return r;
}
