// SPDX-License-Identifier: MIT
/* signal-unsafe-call findings. */
#include "fbuild.h"
#include "sigsafe.h"
#include "vigil/finding.h"

__thread unsigned vigil_sig_depth;

void vigil_sigsafe__report(unsigned fn)
{
	struct vigil_fbuild f = {0};

	if (!vigil_rt__active() || !(vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS)))
		return;
	vigil_guard__enter();
	vigil_fb__here(&f, VIGIL_ROLE_CALL);
	vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
	vigil_fb__emit(&f, VIGIL_FK_SIGNAL_UNSAFE_CALL, VIGIL_SEV_ERROR);
	vigil_guard__leave();
}
