// SPDX-License-Identifier: MIT
/* syslog: takes a lock, formats into an allocated buffer, may open the log socket;
 * not async-signal-safe. Called from a signal handler it is reported; everywhere
 * else these are the real calls and nothing more. With the api checks, the format
 * is checked for writable memory (api.c). */
#undef _FORTIFY_SOURCE /* these are the functions fortified headers would wrap */
#include <stdarg.h>
#include <syslog.h>

#include "api.h"
#include "realsym.h"
#include "rt.h"
#include "sigsafe.h"
#include "vigil/finding.h"

/* Filled on first use; from a signal handler after vigil's start, the lookup reads
 * vigil_realsym's table and never runs dlsym. */
static void (*real_vsyslog)(int, const char *, va_list);
static void (*real_vsyslog_chk)(int, int, const char *, va_list); /* FORTIFY, optional */

static void do_vsyslog(unsigned fn, int pri, int flag, int chk, const char *fmt, va_list ap)
{
	unsigned t = vigil_sigsafe__enter(fn);

	if (vigil_api__on())
		vigil_api__format(fmt, fn);
	if (chk && VIGIL_REAL(real_vsyslog_chk, "__vsyslog_chk", NULL))
		real_vsyslog_chk(pri, flag, fmt, ap);
	else
		VIGIL_REAL(real_vsyslog, "vsyslog", NULL)(pri, fmt, ap);
	vigil_sigsafe__leave(t);
}

VIGIL_EXPORT void syslog(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	do_vsyslog(VIGIL_FN_SYSLOG, pri, 0, 0, fmt, ap);
	va_end(ap);
}

VIGIL_EXPORT void vsyslog(int pri, const char *fmt, va_list ap)
{
	do_vsyslog(VIGIL_FN_VSYSLOG, pri, 0, 0, fmt, ap);
}

VIGIL_EXPORT void __syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	do_vsyslog(VIGIL_FN_SYSLOG, pri, flag, 1, fmt, ap);
	va_end(ap);
}

VIGIL_EXPORT void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap)
{
	do_vsyslog(VIGIL_FN_VSYSLOG, pri, flag, 1, fmt, ap);
}
