// SPDX-License-Identifier: MIT
/* Streams that own a descriptor: fopen, fdopen, freopen, fclose, opendir, fdopendir
 * (closedir is in mtunsafe.c). For the fd checks a FILE* or DIR* owns its descriptor
 * from its opening to its close; the api checks see the paths fopen and freopen
 * create; fopen and fclose are not async-signal-safe (sigsafe.h). */
#include <dirent.h>
#include <stdio.h>

#include "apihooks.h"
#include "fds.h"
#include "realsym.h"
#include "rt.h"
#include "sigsafe.h"

static FILE *(*real_fopen)(const char *, const char *);
static FILE *(*real_fopen64)(const char *, const char *);
static FILE *(*real_fdopen)(int, const char *);
static FILE *(*real_freopen)(const char *, const char *, FILE *);
static FILE *(*real_freopen64)(const char *, const char *, FILE *);
static int (*real_fclose)(FILE *);
static DIR *(*real_opendir)(const char *);
static DIR *(*real_fdopendir)(int);

/* fileno and dirfd may set errno (a stream with no descriptor): the program's is
 * kept. */
static int fd_of_file(FILE *f)
{
	int saved = errno, fd = fileno(f);

	errno = saved;
	return fd;
}

static int fd_of_dir(DIR *d)
{
	int saved = errno, fd = dirfd(d);

	errno = saved;
	return fd;
}

static void file_opened(FILE *f, unsigned call, int made)
{
	if (f && vigil_fds__on())
		vigil_fds__stream_opened(f, fd_of_file(f), VIGIL_FDO_FILE, call, made);
}

static void dir_opened(DIR *d, unsigned call, int made)
{
	if (d && vigil_fds__on())
		vigil_fds__stream_opened(d, fd_of_dir(d), VIGIL_FDO_DIR, call, made);
}

static FILE *do_fopen(FILE *(*real)(const char *, const char *), const char *path,
		      const char *mode)
{
	unsigned t = vigil_sigsafe__enter(VIGIL_FN_FOPEN);
	FILE *f;

	if (vigil_api__on())
		vigil_api__opening(path, vigil_api__fopen_flags(mode), VIGIL_API_FOPEN_MODE,
				   VIGIL_FN_FOPEN);
	f = real(path, mode);
	file_opened(f, VIGIL_FDC_FOPEN, 1);
	vigil_sigsafe__leave(t);
	return f;
}

VIGIL_EXPORT FILE *fopen(const char *restrict path, const char *restrict mode)
{
	return do_fopen(VIGIL_REAL(real_fopen, "fopen", NULL), path, mode);
}

/* What fopen() compiles to with -D_FILE_OFFSET_BITS=64. */
VIGIL_EXPORT FILE *fopen64(const char *restrict path, const char *restrict mode)
{
	if (!VIGIL_REAL(real_fopen64, "fopen64", NULL))
		return fopen(path, mode);
	return do_fopen(real_fopen64, path, mode);
}

static FILE *(*real_tmpfile)(void), *(*real_tmpfile64)(void);

VIGIL_EXPORT FILE *fdopen(int fd, const char *mode)
{
	FILE *f = VIGIL_REAL(real_fdopen, "fdopen", NULL)(fd, mode);

	file_opened(f, VIGIL_FDC_FDOPEN, 0);
	return f;
}

/* tmpfile: a stream on an unlinked file, made by the C library's own open. */
VIGIL_EXPORT FILE *tmpfile(void)
{
	FILE *f = VIGIL_REAL(real_tmpfile, "tmpfile", NULL)();

	file_opened(f, VIGIL_FDC_TMPFILE, 1);
	return f;
}

VIGIL_EXPORT FILE *tmpfile64(void)
{
	FILE *f = VIGIL_REAL(real_tmpfile64, "tmpfile64", NULL)();

	file_opened(f, VIGIL_FDC_TMPFILE, 1);
	return f;
}

/* freopen closes the stream's descriptor and opens the path in its place, at the
 * same number when it can: the new descriptor is put there on purpose. */
static FILE *do_freopen(FILE *(*real)(const char *, const char *, FILE *), const char *path,
			const char *mode, FILE *f)
{
	struct vigil_fds_close x;
	FILE *r;

	if (path && vigil_api__on())
		vigil_api__opening(path, vigil_api__fopen_flags(mode), VIGIL_API_FOPEN_MODE,
				   VIGIL_FN_FREOPEN);
	vigil_fds__stream_close_begin(&x, f, VIGIL_FDC_FREOPEN);
	r = real(path, mode, f);
	vigil_fds__close_end(&x, 0, errno);
	if (r && vigil_fds__on()) {
		int fd = fd_of_file(r);

		vigil_fds__targeted(fd, VIGIL_FDC_FREOPEN);
		vigil_fds__stream_opened(r, fd, VIGIL_FDO_FILE, VIGIL_FDC_FREOPEN, 0);
	}
	return r;
}

VIGIL_EXPORT FILE *freopen(const char *restrict path, const char *restrict mode,
			   FILE *restrict f)
{
	return do_freopen(VIGIL_REAL(real_freopen, "freopen", NULL), path, mode, f);
}

VIGIL_EXPORT FILE *freopen64(const char *restrict path, const char *restrict mode,
			     FILE *restrict f)
{
	if (!VIGIL_REAL(real_freopen64, "freopen64", NULL))
		return freopen(path, mode, f);
	return do_freopen(real_freopen64, path, mode, f);
}

VIGIL_EXPORT int fclose(FILE *f)
{
	unsigned t = vigil_sigsafe__enter(VIGIL_FN_FCLOSE);
	struct vigil_fds_close x;
	int r;

	vigil_fds__stream_close_begin(&x, f, VIGIL_FDC_FCLOSE);
	r = VIGIL_REAL(real_fclose, "fclose", NULL)(f);
	vigil_fds__close_end(&x, r, errno);
	vigil_sigsafe__leave(t);
	return r;
}

VIGIL_EXPORT DIR *opendir(const char *path)
{
	DIR *d = VIGIL_REAL(real_opendir, "opendir", NULL)(path);

	dir_opened(d, VIGIL_FDC_OPENDIR, 1);
	return d;
}

VIGIL_EXPORT DIR *fdopendir(int fd)
{
	DIR *d = VIGIL_REAL(real_fdopendir, "fdopendir", NULL)(fd);

	dir_opened(d, VIGIL_FDC_FDOPENDIR, 0);
	return d;
}
