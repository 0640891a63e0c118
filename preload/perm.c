// SPDX-License-Identifier: MIT
/* File modes: umask (remembered, with where a permissive one was set), the calls
 * that create filesystem objects with a mode (mkdir, mkfifo, mknod and their *at
 * forms) and the chmod family, checked for world-writable results (apifile.c).
 * open and creat are the descriptor interposers', which call the same check. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "api.h"
#include "realsym.h"
#include "rt.h"

static void *real_umask, *real_mkdir, *real_mkdirat, *real_mkfifo, *real_mkfifoat,
	*real_mknod, *real_mknodat, *real_chmod, *real_fchmod, *real_fchmodat;

/* Resolved while the library loads; a call from an earlier constructor resolves its
 * own. */
__attribute__((constructor)) static void resolve_all(void)
{
	static const struct {
		void **slot;
		const char *name;
	} syms[] = {
#define SYM(name) {&real_##name, #name}
		SYM(umask), SYM(mkdir), SYM(mkdirat), SYM(mkfifo), SYM(mkfifoat), SYM(mknod),
		SYM(mknodat), SYM(chmod), SYM(fchmod), SYM(fchmodat),
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
