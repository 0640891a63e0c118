// SPDX-License-Identifier: MIT
/* Temporary names. mkstemp and mkdtemp make theirs safely: the paths they return are
 * remembered, so opening them again is no insecure-tempfile (apifile.c). tempnam and
 * mktemp only name a file that another process can create first: unsafe-api. */
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "fds.h"
#include "realsym.h"
#include "rt.h"

/* This file defines calls the headers mark dangerous. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static int (*real_mkstemp)(char *);
static int (*real_mkstemp64)(char *);
static int (*real_mkostemp)(char *, int);
static int (*real_mkostemp64)(char *, int);
static int (*real_mkstemps)(char *, int);
static int (*real_mkstemps64)(char *, int);
static int (*real_mkostemps)(char *, int, int);
static int (*real_mkostemps64)(char *, int, int);
static char *(*real_mkdtemp)(char *);
static char *(*real_tempnam)(const char *, const char *);
static char *(*real_mktemp)(char *);

#define REAL(name) VIGIL_REAL(real_##name, #name, NULL)

/* The template now holds the name of the file the call created; the descriptor goes
 * to the fd table (mkstemp creates it with open, which is how it is named). */
static int made(int fd, const char *tmpl)
{
	if (fd >= 0 && vigil_api__on())
		vigil_api__made_temp(tmpl, 0);
	vigil_fds__created(fd, VIGIL_FDC_MKSTEMP);
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
