// SPDX-License-Identifier: MIT
/* The BSD err/warn family formats its message like printf: the format is checked for
 * writable memory (format-string, api.c), then the real v-call runs. */
#include <err.h>
#include <errno.h>
#include <stdarg.h>

#include "api.h"
#include "realsym.h"
#include "rt.h"

static void *real_verr, *real_verrx, *real_vwarn, *real_vwarnx;

/* The real v-function, after the format check; errno (which warn and err print) is
 * kept across both. */
static void *enter(unsigned fn, const char *fmt, void **slot, const char *name)
{
	int saved = errno;
	void *real = vigil_realsym__slot(slot, name, NULL);

	if (vigil_api__on())
		vigil_api__format(fmt, fn);
	errno = saved;
	return real;
}

#define FMT_CALL(fn, id, fmt) ((__typeof__(&fn))enter(VIGIL_FN_##id, fmt, &real_##fn, #fn))

VIGIL_EXPORT void verr(int status, const char *fmt, va_list ap)
{
	FMT_CALL(verr, VERR, fmt)(status, fmt, ap);
	__builtin_unreachable();
}

VIGIL_EXPORT void verrx(int status, const char *fmt, va_list ap)
{
	FMT_CALL(verrx, VERRX, fmt)(status, fmt, ap);
	__builtin_unreachable();
}

VIGIL_EXPORT void err(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	FMT_CALL(verr, ERR, fmt)(status, fmt, ap);
	__builtin_unreachable();
}

VIGIL_EXPORT void errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	FMT_CALL(verrx, ERRX, fmt)(status, fmt, ap);
	__builtin_unreachable();
}

VIGIL_EXPORT void vwarn(const char *fmt, va_list ap)
{
	FMT_CALL(vwarn, VWARN, fmt)(fmt, ap);
}

VIGIL_EXPORT void vwarnx(const char *fmt, va_list ap)
{
	FMT_CALL(vwarnx, VWARNX, fmt)(fmt, ap);
}

VIGIL_EXPORT void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	FMT_CALL(vwarn, WARN, fmt)(fmt, ap);
	va_end(ap);
}

VIGIL_EXPORT void warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	FMT_CALL(vwarnx, WARNX, fmt)(fmt, ap);
	va_end(ap);
}
