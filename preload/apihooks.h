/* SPDX-License-Identifier: MIT */
/* What the descriptor interposers (which own open, creat, fopen...) tell the api
 * checks about each file they open or create, so one interposer serves both. */
#ifndef VIGIL_APIHOOKS_H
#define VIGIL_APIHOOKS_H

#include <fcntl.h>
#include <sys/types.h>

#include "hidden.h"
#include "rt.h"
#include "vigil/finding.h"

/* A path opened with these open(2) flags and mode (the mode as passed, before the
 * umask; 0 when the call takes none) by the libc function fn (enum vigil_func:
 * VIGIL_FN_OPEN for open/open64, VIGIL_FN_OPENAT, VIGIL_FN_CREAT, VIGIL_FN_FOPEN for
 * fopen/fopen64, VIGIL_FN_FREOPEN). Runs the insecure-tempfile and
 * insecure-permissions checks. Call outside the guard, before the real call, with
 * errno as the program left it; it keeps errno. A relative path is taken from the
 * current directory. */
void vigil_api__opening(const char *path, int flags, mode_t mode, unsigned fn) VIGIL_HID;
/* The same for openat(2): a relative path is taken from dirfd. */
void vigil_api__opening_at(int dirfd, const char *path, int flags, mode_t mode,
			   unsigned fn) VIGIL_HID;

/* The open(2) flags an fopen mode string stands for ("w" creates, "x" is O_EXCL), and
 * the mode fopen creates files with. */
static inline int vigil_api__fopen_flags(const char *mode)
{
	int flags = 0;

	if (!mode)
		return 0;
	switch (*mode) {
	case 'w':
		flags = O_CREAT | O_TRUNC;
		break;
	case 'a':
		flags = O_CREAT | O_APPEND;
		break;
	}
	for (const char *p = mode + 1; *p && *p != ','; p++)
		if (*p == 'x')
			flags |= O_EXCL;
	return flags;
}

#define VIGIL_API_FOPEN_MODE 0666

static inline int vigil_api__on(void)
{
	return (vigil_rt.opt.checks & (1u << VIGIL_CHECK_API)) && vigil_rt__active();
}

#endif
