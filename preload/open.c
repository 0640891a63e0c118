// SPDX-License-Identifier: MIT
/* Opening files: open, openat, creat, their 64-bit names and the FORTIFY forms
 * (__open_2 and friends, what open() compiles to when the flags are not constant).
 * The api checks see each path first (apihooks.h); the fd checks get each new
 * descriptor with its stack. */
#undef _FORTIFY_SOURCE /* these are the functions fortified headers would wrap */
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

#include "apihooks.h"
#include "fds.h"
#include "realsym.h"
#include "rt.h"

/* open(2) reads a mode only for these flags (glibc's __OPEN_NEEDS_MODE). */
#define NEEDS_MODE(flags) (((flags) & O_CREAT) || ((flags) & __O_TMPFILE) == __O_TMPFILE)

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_creat)(const char *, mode_t);
static int (*real_creat64)(const char *, mode_t);
static int (*real_open_2)(const char *, int);
static int (*real_open64_2)(const char *, int);
static int (*real_openat_2)(int, const char *, int);
static int (*real_openat64_2)(int, const char *, int);

static inline void opening(int dirfd, const char *path, int flags, mode_t mode, unsigned fn)
{
	if (vigil_api__on())
		vigil_api__opening_at(dirfd, path, flags, mode, fn);
}

static inline int opened(int fd, unsigned call)
{
	if (fd >= 0)
		vigil_fds__created(fd, call);
	return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return NEEDS_MODE(flags) ? (mode_t)va_arg(ap, int) : 0;
}

VIGIL_EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	opening(AT_FDCWD, path, flags, mode, VIGIL_FN_OPEN);
	return opened(VIGIL_REAL(real_open, "open", NULL)(path, flags, mode), VIGIL_FDC_OPEN);
}

VIGIL_EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	opening(AT_FDCWD, path, flags, mode, VIGIL_FN_OPEN);
	return opened(VIGIL_REAL(real_open64, "open64", NULL)(path, flags, mode), VIGIL_FDC_OPEN);
}

VIGIL_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	opening(dirfd, path, flags, mode, VIGIL_FN_OPENAT);
	return opened(VIGIL_REAL(real_openat, "openat", NULL)(dirfd, path, flags, mode),
		      VIGIL_FDC_OPENAT);
}

VIGIL_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	opening(dirfd, path, flags, mode, VIGIL_FN_OPENAT);
	return opened(VIGIL_REAL(real_openat64, "openat64", NULL)(dirfd, path, flags, mode),
		      VIGIL_FDC_OPENAT);
}

VIGIL_EXPORT int creat(const char *path, mode_t mode)
{
	opening(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, VIGIL_FN_CREAT);
	return opened(VIGIL_REAL(real_creat, "creat", NULL)(path, mode), VIGIL_FDC_CREAT);
}

VIGIL_EXPORT int creat64(const char *path, mode_t mode)
{
	opening(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, VIGIL_FN_CREAT);
	return opened(VIGIL_REAL(real_creat64, "creat64", NULL)(path, mode), VIGIL_FDC_CREAT);
}

/* The FORTIFY forms abort on O_CREAT without a mode: the real ones keep doing so. */

VIGIL_EXPORT int __open_2(const char *path, int flags)
{
	opening(AT_FDCWD, path, flags, 0, VIGIL_FN_OPEN);
	return opened(VIGIL_REAL(real_open_2, "__open_2", NULL)(path, flags), VIGIL_FDC_OPEN);
}

VIGIL_EXPORT int __open64_2(const char *path, int flags)
{
	opening(AT_FDCWD, path, flags, 0, VIGIL_FN_OPEN);
	return opened(VIGIL_REAL(real_open64_2, "__open64_2", NULL)(path, flags), VIGIL_FDC_OPEN);
}

VIGIL_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	opening(dirfd, path, flags, 0, VIGIL_FN_OPENAT);
	return opened(VIGIL_REAL(real_openat_2, "__openat_2", NULL)(dirfd, path, flags),
		      VIGIL_FDC_OPENAT);
}

VIGIL_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	opening(dirfd, path, flags, 0, VIGIL_FN_OPENAT);
	return opened(VIGIL_REAL(real_openat64_2, "__openat64_2", NULL)(dirfd, path, flags),
		      VIGIL_FDC_OPENAT);
}
