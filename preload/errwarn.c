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

__attribute__((constructor)) static void resolve_all(void)
{
	static const struct {
		void **slot;
		const char *name;
	} syms[] = {
#define SYM(name) {&real_##name, #name}
		SYM(verr), SYM(verrx), SYM(vwarn), SYM(vwarnx),
#undef SYM
	};
	int saved = errno;

	vigil_guard__enter();
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (!__atomic_load_n(syms[i].slot, __ATOMIC_ACQUIRE))
			__atomic_store_n(syms[i].slot, vigil_realsym(syms[i].name, NULL),
					 __ATOMIC_RELEASE);
	vigil_guard__leave();
	errno = saved;
}

/* The real v-function, after the format check; errno (which warn and err print) is
 * kept across both. */
static void *enter(unsigned fn, const char *fmt, void **slot, const char *name)
{
	int saved = errno;
	void *real = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (!real) {
		vigil_guard__enter();
		real = vigil_realsym(name, NULL);
		vigil_guard__leave();
		__atomic_store_n(slot, real, __ATOMIC_RELEASE);
	}
	errno = saved;
	if (vigil_api__on())
		vigil_api__format(fmt, fn);
	return real;
}

#define REAL(fn, id, fmt) ((__typeof__(&fn))enter(VIGIL_FN_##id, fmt, &real_##fn, #fn))

VIGIL_EXPORT void verr(int status, const char *fmt, va_list ap)
{
	REAL(verr, VERR, fmt)(status, fmt, ap);
	__builtin_unreachable();
}

VIGIL_EXPORT void verrx(int status, const char *fmt, va_list ap)
{
	REAL(verrx, VERRX, fmt)(status, fmt, ap);
	__builtin_unreachable();
}

VIGIL_EXPORT void err(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	REAL(verr, ERR, fmt)(status, fmt, ap);
	__builtin_unreachable();
}

VIGIL_EXPORT void errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	REAL(verrx, ERRX, fmt)(status, fmt, ap);
	__builtin_unreachable();
}

VIGIL_EXPORT void vwarn(const char *fmt, va_list ap)
{
	REAL(vwarn, VWARN, fmt)(fmt, ap);
}

VIGIL_EXPORT void vwarnx(const char *fmt, va_list ap)
{
	REAL(vwarnx, VWARNX, fmt)(fmt, ap);
}

VIGIL_EXPORT void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	REAL(vwarn, WARN, fmt)(fmt, ap);
	va_end(ap);
}

VIGIL_EXPORT void warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	REAL(vwarnx, WARNX, fmt)(fmt, ap);
	va_end(ap);
}
