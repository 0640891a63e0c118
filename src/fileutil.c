// SPDX-License-Identifier: MIT
/* The shared file and array helpers of the CLI (see fileutil.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"

int vigil_file__write_atomic(const char *path, int (*render)(FILE *f, const void *ctx),
			     const void *ctx)
{
	return vigil_file__write_atomic_mode(path, 0600, render, ctx);
}

int vigil_file__write_atomic_mode(const char *path, mode_t mode,
				  int (*render)(FILE *f, const void *ctx), const void *ctx)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	err = render(f, ctx);
	if (!err && (fflush(f) || ferror(f)))
		err = errno ? -errno : -EIO;
	if (!err && (fchmod(fd, mode) || fsync(fd)))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int vigil_array__grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}
