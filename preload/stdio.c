// SPDX-License-Identifier: MIT
/* The *printf and line-reading families and their FORTIFY twins: the bytes a call
 * writes are checked against the heap block the destination starts (heap.c), then
 * the real call runs. With the api checks, the format's memory is checked, gets is
 * reported, and sprintf's output into a stack or global buffer of unknown size. */
#undef _FORTIFY_SOURCE /* these are the functions fortified headers would wrap */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "heap.h"
#include "rt.h"

/* Gone from the C11 headers, still in the C library and in old binaries. */
char *gets(char *s);

/* check_call's own first test, repeated here so that a destination that cannot start
 * a block costs neither an errno save nor a second formatting pass. */
static inline int maybe_block(const void *p)
{
	return vigil_heap__maybe_block(p);
}

static inline void check(const void *p, size_t n)
{
	int saved;

	if (!n || !maybe_block(p))
		return;
	saved = errno; /* a report makes syscalls */
	vigil_heap__check_call(p, n, 1);
	errno = saved;
}

/* sprintf's length is known only once formatted: a dry run into nothing measures
 * it, so the check comes before the write. */
static void check_format(char *d, const char *fmt, va_list ap)
{
	va_list cp;
	int saved, n;

	if (!maybe_block(d))
		return;
	saved = errno;
	va_copy(cp, ap);
	n = vigil_real.vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n >= 0)
		vigil_heap__check_call(d, (size_t)n + 1, 1);
	errno = saved;
}

static inline int api(void)
{
	return vigil_rt.opt.checks & (1u << VIGIL_CHECK_API);
}

/* sprintf's length into a buffer of unknown size is known once it is written: the
 * check comes after the call (a stack buffer's overflow has not returned yet). */
static int after_sprintf(unsigned fn, char *d, size_t dlen, int r, const void *site)
{
	int saved;

	if (r >= 0 && api() && vigil_rt__active()) {
		saved = errno;
		vigil_api__unbounded(fn, d, (size_t)r + 1, dlen, site);
		errno = saved;
	}
	return r;
}

static int do_vsprintf(unsigned fn, char *d, const char *fmt, va_list ap, const void *site)
{
	if (vigil_rt__active()) {
		check_format(d, fmt, ap);
		if (api())
			vigil_api__format(fmt, fn);
	}
	return after_sprintf(fn, d, (size_t)-1, vigil_real.vsprintf(d, fmt, ap), site);
}

/* snprintf: the size the caller claims for d must fit the block, output or not. */
static int do_vsnprintf(unsigned fn, char *d, size_t size, const char *fmt, va_list ap)
{
	if (vigil_rt__active()) {
		check(d, size);
		if (api())
			vigil_api__format(fmt, fn);
	}
	return vigil_real.vsnprintf(d, size, fmt, ap);
}

VIGIL_EXPORT int sprintf(char *restrict d, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = do_vsprintf(VIGIL_FN_SPRINTF, d, fmt, ap, __builtin_return_address(0));
	va_end(ap);
	return r;
}

VIGIL_EXPORT int vsprintf(char *restrict d, const char *restrict fmt, va_list ap)
{
	return do_vsprintf(VIGIL_FN_VSPRINTF, d, fmt, ap, __builtin_return_address(0));
}

VIGIL_EXPORT int snprintf(char *restrict d, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = do_vsnprintf(VIGIL_FN_SNPRINTF, d, size, fmt, ap);
	va_end(ap);
	return r;
}

VIGIL_EXPORT int vsnprintf(char *restrict d, size_t size, const char *restrict fmt, va_list ap)
{
	return do_vsnprintf(VIGIL_FN_VSNPRINTF, d, size, fmt, ap);
}

/* gets cannot be measured before it reads: the line it wrote is checked after. */
VIGIL_EXPORT char *gets(char *s)
{
	char *r;
	int saved;

	if (!vigil_real.gets) {
		errno = ENOSYS;
		return NULL;
	}
	if (api() && vigil_rt__active())
		vigil_api__unsafe_call(VIGIL_FN_GETS, VIGIL_REASON_UNBOUNDED_INPUT, VIGIL_FN_FGETS,
				       __builtin_return_address(0));
	r = vigil_real.gets(s);
	if (r && vigil_rt__active() && maybe_block(s)) {
		saved = errno;
		vigil_heap__check_call(s, strlen(s) + 1, 1);
		errno = saved;
	}
	return r;
}

/* fgets: the size the caller claims for s must fit the block, as for snprintf. */
VIGIL_EXPORT char *fgets(char *restrict s, int n, FILE *restrict f)
{
	if (vigil_rt__active() && n > 0)
		check(s, (size_t)n);
	return vigil_real.fgets(s, n, f);
}

/* _FORTIFY_SOURCE builds call these with the size the compiler knows of d (or -1):
 * the same checks, then the real _chk, which keeps its own abort on overflow. A C
 * library without one never had a caller of it; the plain call stands in. */

/* A size FORTIFY knows is FORTIFY's to enforce (the real call aborts past it): only
 * an unknown one ((size_t)-1) is checked after the call, as for sprintf. */
static int do_vsprintf_chk(unsigned fn, char *d, int flag, size_t dlen, const char *fmt,
			   va_list ap, const void *site)
{
	int r;

	if (vigil_rt__active()) {
		check_format(d, fmt, ap);
		if (api())
			vigil_api__format(fmt, fn);
	}
	r = vigil_real.__vsprintf_chk ? vigil_real.__vsprintf_chk(d, flag, dlen, fmt, ap)
				      : vigil_real.vsprintf(d, fmt, ap);
	return dlen == (size_t)-1 ? after_sprintf(fn, d, dlen, r, site) : r;
}

static int do_vsnprintf_chk(unsigned fn, char *d, size_t size, int flag, size_t dlen,
			    const char *fmt, va_list ap)
{
	if (vigil_rt__active()) {
		check(d, size);
		if (api())
			vigil_api__format(fmt, fn);
	}
	return vigil_real.__vsnprintf_chk
		       ? vigil_real.__vsnprintf_chk(d, size, flag, dlen, fmt, ap)
		       : vigil_real.vsnprintf(d, size, fmt, ap);
}

VIGIL_EXPORT int __sprintf_chk(char *restrict d, int flag, size_t dlen, const char *restrict fmt,
			       ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = do_vsprintf_chk(VIGIL_FN_SPRINTF, d, flag, dlen, fmt, ap,
			    __builtin_return_address(0));
	va_end(ap);
	return r;
}

VIGIL_EXPORT int __vsprintf_chk(char *restrict d, int flag, size_t dlen, const char *restrict fmt,
				va_list ap)
{
	return do_vsprintf_chk(VIGIL_FN_VSPRINTF, d, flag, dlen, fmt, ap,
			       __builtin_return_address(0));
}

VIGIL_EXPORT int __snprintf_chk(char *restrict d, size_t size, int flag, size_t dlen,
				const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = do_vsnprintf_chk(VIGIL_FN_SNPRINTF, d, size, flag, dlen, fmt, ap);
	va_end(ap);
	return r;
}

VIGIL_EXPORT int __vsnprintf_chk(char *restrict d, size_t size, int flag, size_t dlen,
				 const char *restrict fmt, va_list ap)
{
	return do_vsnprintf_chk(VIGIL_FN_VSNPRINTF, d, size, flag, dlen, fmt, ap);
}

VIGIL_EXPORT char *__fgets_chk(char *restrict s, size_t size, int n, FILE *restrict f)
{
	if (vigil_rt__active() && n > 0)
		check(s, (size_t)n);
	return vigil_real.__fgets_chk ? vigil_real.__fgets_chk(s, size, n, f)
				      : vigil_real.fgets(s, n, f);
}
