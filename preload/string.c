// SPDX-License-Identifier: MIT
/* The mem and str families and their FORTIFY twins: the bytes a call will touch are
 * checked against the heap block they start in (heap.c), then, with the api checks,
 * for overlap between source and destination and for unbounded copies into stack and
 * global buffers (api.c), then the real call runs. */
#undef _FORTIFY_SOURCE /* these are the functions fortified headers would wrap */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "heap.h"
#include "rt.h"

/* libvigil.so's own calls land here too, and some come while dlsym resolves the real
 * functions: byte loops serve those. volatile keeps the compiler from turning a loop
 * back into a call to the function it stands in for. */
static void *move_bytes(void *d, const void *s, size_t n)
{
	volatile unsigned char *dp = d;
	const volatile unsigned char *sp = s;

	if ((uintptr_t)d <= (uintptr_t)s) {
		for (size_t i = 0; i < n; i++)
			dp[i] = sp[i];
	} else {
		for (size_t i = n; i--;)
			dp[i] = sp[i];
	}
	return d;
}

static void *set_bytes(void *d, int c, size_t n)
{
	volatile unsigned char *dp = d;

	for (size_t i = 0; i < n; i++)
		dp[i] = (unsigned char)c;
	return d;
}

static char *copy_str(char *d, const char *s, size_t n, size_t pad)
{
	move_bytes(d, s, n);
	set_bytes(d + n, 0, pad);
	return d;
}

/* The real functions when known, else the loops above. */
static inline void *real_memmove(void *d, const void *s, size_t n)
{
	return vigil_real.memmove ? vigil_real.memmove(d, s, n) : move_bytes(d, s, n);
}

static inline void *real_memcpy(void *d, const void *s, size_t n)
{
	return vigil_real.memcpy ? vigil_real.memcpy(d, s, n) : move_bytes(d, s, n);
}

static inline void *real_memset(void *d, int c, size_t n)
{
	return vigil_real.memset ? vigil_real.memset(d, c, n) : set_bytes(d, c, n);
}

static inline char *real_strcpy(char *d, const char *s)
{
	return vigil_real.strcpy ? vigil_real.strcpy(d, s) : copy_str(d, s, strlen(s) + 1, 0);
}

static inline char *real_strncpy(char *d, const char *s, size_t n)
{
	size_t m;

	if (vigil_real.strncpy)
		return vigil_real.strncpy(d, s, n);
	m = strnlen(s, n);
	return copy_str(d, s, m, n - m);
}

static inline char *real_stpcpy(char *d, const char *s)
{
	size_t n;

	if (vigil_real.stpcpy)
		return vigil_real.stpcpy(d, s);
	n = strlen(s);
	copy_str(d, s, n + 1, 0);
	return d + n;
}

static inline char *real_strcat(char *d, const char *s)
{
	if (vigil_real.strcat)
		return vigil_real.strcat(d, s);
	copy_str(d + strlen(d), s, strlen(s) + 1, 0);
	return d;
}

static inline char *real_strncat(char *d, const char *s, size_t n)
{
	if (vigil_real.strncat)
		return vigil_real.strncat(d, s, n);
	copy_str(d + strlen(d), s, strnlen(s, n), 1);
	return d;
}

/* check_call's own first tests, inline, so that a pointer that cannot start a
 * block costs neither a call, an errno save nor a length count. */
static inline int maybe_block(const void *p)
{
	return vigil_heap__maybe_block(p);
}

static inline void check(const void *p, size_t n, int write)
{
	int saved;

	if (!n || !maybe_block(p))
		return;
	saved = errno; /* a report makes syscalls */
	vigil_heap__check_call(p, n, write);
	errno = saved;
}

/* What strncpy and strncat read of s: up to n bytes, the NUL too when it comes first. */
static size_t str_read_len(const char *s, size_t n)
{
	size_t m = strnlen(s, n);

	return m < n ? m + 1 : m;
}

static inline void check_strcpy(char *d, const char *s)
{
	size_t n;

	if (maybe_block(d) || maybe_block(s)) {
		n = strlen(s) + 1;
		check(d, n, 1);
		check(s, n, 0);
	}
}

static inline void check_strncpy(char *d, const char *s, size_t n)
{
	check(d, n, 1);
	if (maybe_block(s))
		check(s, str_read_len(s, n), 0);
}

static inline void check_strcat(char *d, const char *s)
{
	size_t ns;

	if (maybe_block(d) || maybe_block(s)) {
		ns = strlen(s) + 1;
		check(d, strlen(d) + ns, 1);
		check(s, ns, 0);
	}
}

static inline void check_strncat(char *d, const char *s, size_t n)
{
	if (maybe_block(d))
		check(d, strlen(d) + strnlen(s, n) + 1, 1);
	if (maybe_block(s))
		check(s, str_read_len(s, n), 0);
}

static inline int api(void)
{
	return vigil_rt.opt.checks & (1u << VIGIL_CHECK_API);
}

/* memcpy(p, p, n) is not reported: compilers emit it for a struct assigned to
 * itself, and every libc copes (GCC bug 32667). */
static inline void api_memcpy(void *d, const void *s, size_t n, const void *site)
{
	if (d != s && vigil_api__overlaps(d, n, s, n) && api())
		vigil_api__overlap(VIGIL_FN_MEMCPY, d, n, s, n, site);
}

/* strcpy and stpcpy write strlen(s) + 1 bytes at d reading as many at s: the ranges
 * meet when the string is as long as the distance between them. */
static void api_strcpy(unsigned fn, char *d, const char *s, size_t dlen, const void *site)
{
	size_t n;

	if (!api())
		return;
	n = strlen(s) + 1;
	if (vigil_api__overlaps(d, n, s, n))
		vigil_api__overlap(fn, d, n, s, n, site);
	vigil_api__unbounded(fn, d, n, dlen, site);
}

/* strcat writes at d + strlen(d): the whole destination string and the source must
 * stay apart, as valgrind checks it. */
static void api_strcat(char *d, const char *s, size_t dlen, const void *site)
{
	size_t nd, ns;

	if (!api())
		return;
	nd = strlen(d);
	ns = strlen(s) + 1;
	if (vigil_api__overlaps(d, nd + ns, s, ns))
		vigil_api__overlap(VIGIL_FN_STRCAT, d, nd + ns, s, ns, site);
	vigil_api__unbounded(VIGIL_FN_STRCAT, d, nd + ns, dlen, site);
}

static inline void api_strncpy(char *d, const char *s, size_t n, const void *site)
{
	if (n && api() && vigil_api__overlaps(d, n, s, str_read_len(s, n)))
		vigil_api__overlap(VIGIL_FN_STRNCPY, d, n, s, str_read_len(s, n), site);
}

VIGIL_EXPORT void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	if (!vigil_rt__active())
		return real_memcpy(d, s, n);
	check(d, n, 1);
	check(s, n, 0);
	api_memcpy(d, s, n, __builtin_return_address(0));
	return vigil_real.memcpy(d, s, n);
}

VIGIL_EXPORT void *memmove(void *d, const void *s, size_t n)
{
	if (!vigil_rt__active())
		return real_memmove(d, s, n);
	check(d, n, 1);
	check(s, n, 0);
	return vigil_real.memmove(d, s, n);
}

VIGIL_EXPORT void *memset(void *d, int c, size_t n)
{
	if (!vigil_rt__active())
		return real_memset(d, c, n);
	check(d, n, 1);
	return vigil_real.memset(d, c, n);
}

VIGIL_EXPORT char *strcpy(char *restrict d, const char *restrict s)
{
	if (!vigil_rt__active())
		return real_strcpy(d, s);
	check_strcpy(d, s);
	api_strcpy(VIGIL_FN_STRCPY, d, s, (size_t)-1, __builtin_return_address(0));
	return vigil_real.strcpy(d, s);
}

VIGIL_EXPORT char *stpcpy(char *restrict d, const char *restrict s)
{
	if (!vigil_rt__active())
		return real_stpcpy(d, s);
	check_strcpy(d, s);
	api_strcpy(VIGIL_FN_STPCPY, d, s, (size_t)-1, __builtin_return_address(0));
	return real_stpcpy(d, s);
}

VIGIL_EXPORT char *strncpy(char *restrict d, const char *restrict s, size_t n)
{
	if (!vigil_rt__active())
		return real_strncpy(d, s, n);
	check_strncpy(d, s, n);
	api_strncpy(d, s, n, __builtin_return_address(0));
	return vigil_real.strncpy(d, s, n);
}

VIGIL_EXPORT char *strcat(char *restrict d, const char *restrict s)
{
	if (!vigil_rt__active())
		return real_strcat(d, s);
	check_strcat(d, s);
	api_strcat(d, s, (size_t)-1, __builtin_return_address(0));
	return vigil_real.strcat(d, s);
}

VIGIL_EXPORT char *strncat(char *restrict d, const char *restrict s, size_t n)
{
	if (!vigil_rt__active())
		return real_strncat(d, s, n);
	check_strncat(d, s, n);
	return vigil_real.strncat(d, s, n);
}

/* _FORTIFY_SOURCE builds call these with the size the compiler knows of d (or -1):
 * the same checks, then the real _chk, which keeps its own abort on overflow. A C
 * library without one never had a caller of it; the plain call stands in. */

VIGIL_EXPORT void *__memcpy_chk(void *restrict d, const void *restrict s, size_t n, size_t dlen)
{
	if (vigil_rt__active()) {
		check(d, n, 1);
		check(s, n, 0);
		api_memcpy(d, s, n, __builtin_return_address(0));
	}
	return vigil_real.__memcpy_chk ? vigil_real.__memcpy_chk(d, s, n, dlen)
				       : real_memcpy(d, s, n);
}

VIGIL_EXPORT void *__memmove_chk(void *d, const void *s, size_t n, size_t dlen)
{
	if (vigil_rt__active()) {
		check(d, n, 1);
		check(s, n, 0);
	}
	return vigil_real.__memmove_chk ? vigil_real.__memmove_chk(d, s, n, dlen)
					: real_memmove(d, s, n);
}

VIGIL_EXPORT void *__memset_chk(void *d, int c, size_t n, size_t dlen)
{
	if (vigil_rt__active())
		check(d, n, 1);
	return vigil_real.__memset_chk ? vigil_real.__memset_chk(d, c, n, dlen)
				       : real_memset(d, c, n);
}

VIGIL_EXPORT char *__strcpy_chk(char *restrict d, const char *restrict s, size_t dlen)
{
	if (vigil_rt__active()) {
		check_strcpy(d, s);
		api_strcpy(VIGIL_FN_STRCPY, d, s, dlen, __builtin_return_address(0));
	}
	return vigil_real.__strcpy_chk ? vigil_real.__strcpy_chk(d, s, dlen) : real_strcpy(d, s);
}

VIGIL_EXPORT char *__stpcpy_chk(char *restrict d, const char *restrict s, size_t dlen)
{
	if (vigil_rt__active()) {
		check_strcpy(d, s);
		api_strcpy(VIGIL_FN_STPCPY, d, s, dlen, __builtin_return_address(0));
	}
	return vigil_real.__stpcpy_chk ? vigil_real.__stpcpy_chk(d, s, dlen) : real_stpcpy(d, s);
}

VIGIL_EXPORT char *__strncpy_chk(char *restrict d, const char *restrict s, size_t n, size_t dlen)
{
	if (vigil_rt__active()) {
		check_strncpy(d, s, n);
		api_strncpy(d, s, n, __builtin_return_address(0));
	}
	return vigil_real.__strncpy_chk ? vigil_real.__strncpy_chk(d, s, n, dlen)
					: real_strncpy(d, s, n);
}

VIGIL_EXPORT char *__strcat_chk(char *restrict d, const char *restrict s, size_t dlen)
{
	if (vigil_rt__active()) {
		check_strcat(d, s);
		api_strcat(d, s, dlen, __builtin_return_address(0));
	}
	return vigil_real.__strcat_chk ? vigil_real.__strcat_chk(d, s, dlen) : real_strcat(d, s);
}

VIGIL_EXPORT char *__strncat_chk(char *restrict d, const char *restrict s, size_t n, size_t dlen)
{
	if (vigil_rt__active())
		check_strncat(d, s, n);
	return vigil_real.__strncat_chk ? vigil_real.__strncat_chk(d, s, n, dlen)
					: real_strncat(d, s, n);
}
