// SPDX-License-Identifier: MIT
/* Temporary names. mkstemp and mkdtemp make theirs safely: the paths they return are
 * remembered, so opening them again is no insecure-tempfile (apifile.c). tempnam and
 * mktemp only name a file that another process can create first: unsafe-api. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "realsym.h"
#include "rt.h"

/* This file defines calls the headers mark dangerous. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static void *real_mkstemp, *real_mkstemp64, *real_mkostemp, *real_mkostemp64, *real_mkstemps,
	*real_mkstemps64, *real_mkostemps, *real_mkostemps64, *real_mkdtemp, *real_tempnam,
	*real_mktemp;

__attribute__((constructor)) static void resolve_all(void)
{
	static const struct {
		void **slot;
		const char *name;
	} syms[] = {
#define SYM(name) {&real_##name, #name}
		SYM(mkstemp), SYM(mkstemp64), SYM(mkostemp), SYM(mkostemp64), SYM(mkstemps),
		SYM(mkstemps64), SYM(mkostemps), SYM(mkostemps64), SYM(mkdtemp),
		SYM(tempnam), SYM(mktemp),
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

static void *real_fn(void **slot, const char *name)
{
	void *fn = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	int saved;

	if (__builtin_expect(fn != NULL, 1))
		return fn;
	saved = errno;
	vigil_guard__enter();
	fn = vigil_realsym(name, NULL);
	vigil_guard__leave();
	__atomic_store_n(slot, fn, __ATOMIC_RELEASE);
	errno = saved;
	return fn;
}

#define REAL(name) ((__typeof__(&name))real_fn(&real_##name, #name))

/* The template now holds the name of the file the call created. */
static int made(int fd, const char *tmpl)
{
	if (fd >= 0 && vigil_api__on())
		vigil_api__made_temp(tmpl, 0);
	return fd;
}

VIGIL_EXPORT int mkstemp(char *tmpl)
{
	return made(REAL(mkstemp)(tmpl), tmpl);
}

VIGIL_EXPORT int mkstemp64(char *tmpl)
{
	return made(REAL(mkstemp64)(tmpl), tmpl);
}

VIGIL_EXPORT int mkostemp(char *tmpl, int flags)
{
	return made(REAL(mkostemp)(tmpl, flags), tmpl);
}

VIGIL_EXPORT int mkostemp64(char *tmpl, int flags)
{
	return made(REAL(mkostemp64)(tmpl, flags), tmpl);
}

VIGIL_EXPORT int mkstemps(char *tmpl, int suffixlen)
{
	return made(REAL(mkstemps)(tmpl, suffixlen), tmpl);
}

VIGIL_EXPORT int mkstemps64(char *tmpl, int suffixlen)
{
	return made(REAL(mkstemps64)(tmpl, suffixlen), tmpl);
}

VIGIL_EXPORT int mkostemps(char *tmpl, int suffixlen, int flags)
{
	return made(REAL(mkostemps)(tmpl, suffixlen, flags), tmpl);
}

VIGIL_EXPORT int mkostemps64(char *tmpl, int suffixlen, int flags)
{
	return made(REAL(mkostemps64)(tmpl, suffixlen, flags), tmpl);
}

VIGIL_EXPORT char *mkdtemp(char *tmpl)
{
	char *r = REAL(mkdtemp)(tmpl);

	if (r && vigil_api__on())
		vigil_api__made_temp(r, 1);
	return r;
}

static inline void predictable(unsigned fn, const void *site)
{
	if (vigil_api__on())
		vigil_api__unsafe_call(fn, VIGIL_REASON_PREDICTABLE_NAME, VIGIL_FN_MKSTEMP, site);
}

VIGIL_EXPORT char *tempnam(const char *dir, const char *prefix)
{
	predictable(VIGIL_FN_TEMPNAM, __builtin_return_address(0));
	return REAL(tempnam)(dir, prefix);
}

VIGIL_EXPORT char *mktemp(char *tmpl)
{
	predictable(VIGIL_FN_MKTEMP, __builtin_return_address(0));
	return REAL(mktemp)(tmpl);
}
