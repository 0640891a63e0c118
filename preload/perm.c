// SPDX-License-Identifier: MIT
/* File modes: umask (remembered, with where a permissive one was set), the calls
 * that create filesystem objects with a mode (mkdir, mkfifo, mknod and their *at
 * forms) and the chmod family, checked for world-writable results (apifile.c).
 * open and creat are the descriptor interposers', which call the same check. */
#include <fcntl.h>
#include <sys/stat.h>

#include "api.h"
#include "realsym.h"
#include "rt.h"

static mode_t (*real_umask)(mode_t);
static int (*real_mkdir)(const char *, mode_t);
static int (*real_mkdirat)(int, const char *, mode_t);
static int (*real_mkfifo)(const char *, mode_t);
static int (*real_mkfifoat)(int, const char *, mode_t);
static int (*real_mknod)(const char *, mode_t, dev_t);
static int (*real_mknodat)(int, const char *, mode_t, dev_t);
static int (*real_chmod)(const char *, mode_t);
static int (*real_fchmod)(int, mode_t);
static int (*real_fchmodat)(int, const char *, mode_t, int);

#define REAL(name) VIGIL_REAL(real_##name, #name, NULL)

VIGIL_EXPORT mode_t umask(mode_t mask)
{
	mode_t r = REAL(umask)(mask);

	if (vigil_api__on())
		vigil_api__umask(mask);
	return r;
}

static inline void creating(int dirfd, const char *path, mode_t mode, unsigned fn)
{
	if ((mode & S_IWOTH) && vigil_api__on())
		vigil_api__creating(dirfd, path, mode, fn);
}

VIGIL_EXPORT int mkdir(const char *path, mode_t mode)
{
	creating(AT_FDCWD, path, mode, VIGIL_FN_MKDIR);
	return REAL(mkdir)(path, mode);
}

VIGIL_EXPORT int mkdirat(int dirfd, const char *path, mode_t mode)
{
	creating(dirfd, path, mode, VIGIL_FN_MKDIRAT);
	return REAL(mkdirat)(dirfd, path, mode);
}

VIGIL_EXPORT int mkfifo(const char *path, mode_t mode)
{
	creating(AT_FDCWD, path, mode, VIGIL_FN_MKFIFO);
	return REAL(mkfifo)(path, mode);
}

VIGIL_EXPORT int mkfifoat(int dirfd, const char *path, mode_t mode)
{
	creating(dirfd, path, mode, VIGIL_FN_MKFIFOAT);
	return REAL(mkfifoat)(dirfd, path, mode);
}

VIGIL_EXPORT int mknod(const char *path, mode_t mode, dev_t dev)
{
	creating(AT_FDCWD, path, mode, VIGIL_FN_MKNOD);
	return REAL(mknod)(path, mode, dev);
}

VIGIL_EXPORT int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	creating(dirfd, path, mode, VIGIL_FN_MKNODAT);
	return REAL(mknodat)(dirfd, path, mode, dev);
}

VIGIL_EXPORT int chmod(const char *path, mode_t mode)
{
	if ((mode & S_IWOTH) && vigil_api__on())
		vigil_api__chmod(AT_FDCWD, path, -1, mode, VIGIL_FN_CHMOD);
	return REAL(chmod)(path, mode);
}

VIGIL_EXPORT int fchmod(int fd, mode_t mode)
{
	if ((mode & S_IWOTH) && vigil_api__on())
		vigil_api__chmod(AT_FDCWD, NULL, fd, mode, VIGIL_FN_FCHMOD);
	return REAL(fchmod)(fd, mode);
}

VIGIL_EXPORT int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	if ((mode & S_IWOTH) && vigil_api__on())
		vigil_api__chmod(dirfd, path, -1, mode, VIGIL_FN_FCHMODAT);
	return REAL(fchmodat)(dirfd, path, mode, flags);
}
