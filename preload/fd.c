// SPDX-License-Identifier: MIT
/* Closing and duplicating descriptors. Keeps the raw log's descriptor alive through
 * programs that close every descriptor (daemons, subprocess helpers) or dup2 onto its
 * number: the program sees the call succeed, and vigil's log never ends up written
 * into one of the program's files. With the fd checks, every close and duplicate
 * goes to the descriptor table (fds.c). */
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fds.h"
#include "rawlog.h"
#include "realsym.h"
#include "rt.h"
#include "vfork.h"

static int (*real_dup)(int);
static int (*real_fcntl)(int, int, ...);
static int (*real_fcntl64)(int, int, ...);

static int is_log(int fd)
{
	return fd >= 0 && fd == vigil_rawlog__fd();
}

VIGIL_EXPORT int close(int fd)
{
	struct vigil_fds_close x;
	int r;

	vigil_rt__active();
	if (is_log(fd) && vigil_rt__state() != VIGIL_DISABLED)
		return 0;
	vigil_fds__close_begin(&x, fd, VIGIL_FDC_CLOSE, (uintptr_t)__builtin_return_address(0));
	r = vigil_real.close(fd);
	vigil_fds__close_end(&x, r, errno);
	return r;
}

static int close_range_around(unsigned first, unsigned last, int flags)
{
	int lf = vigil_rawlog__fd(), r = 0;

	if (lf < 0 || (unsigned)lf < first || (unsigned)lf > last ||
	    vigil_rt__state() == VIGIL_DISABLED)
		return vigil_real.close_range(first, last, flags);
	if ((unsigned)lf > first)
		r = vigil_real.close_range(first, (unsigned)lf - 1, flags);
	if (!r && (unsigned)lf < last)
		r = vigil_real.close_range((unsigned)lf + 1, last, flags);
	return r;
}

VIGIL_EXPORT int close_range(unsigned first, unsigned last, int flags)
{
	int r;

	vigil_rt__active();
	if (!vigil_real.close_range) {
		errno = ENOSYS;
		return -1;
	}
	r = close_range_around(first, last, flags);
	/* CLOSE_RANGE_CLOEXEC only marks them close-on-exec. */
	if (!r && !(flags & CLOSE_RANGE_CLOEXEC))
		vigil_fds__closed_range(first, last, VIGIL_FDC_CLOSE_RANGE);
	return r;
}

VIGIL_EXPORT void closefrom(int lowfd)
{
	int e = errno;

	vigil_rt__active();
	if (lowfd < 0)
		lowfd = 0;
	if (!vigil_real.close_range || close_range_around((unsigned)lowfd, UINT_MAX, 0)) {
		int lf = vigil_rawlog__fd();
		long max = sysconf(_SC_OPEN_MAX);
		for (long fd = lowfd; fd < max; fd++)
			if (fd != lf)
				vigil_real.close((int)fd);
	}
	vigil_fds__closed_range((unsigned)lowfd, UINT_MAX, VIGIL_FDC_CLOSEFROM);
	errno = e;
}

/* The program wants our number: move the log out of the way first. */
static void make_room(int newfd)
{
	/* A vfork child shares our memory but not our descriptor table: moving "our"
	 * log there would rewrite the parent's idea of where its log is. */
	if (is_log(newfd) && !vigil_in_vfork_child()) {
		vigil_guard__enter(); /* the move's own fcntl is not the program's */
		vigil_rawlog__move();
		vigil_guard__leave();
	}
}

/* After a dup2 or dup3: the new descriptor at the number the program chose, or the
 * failure (an old descriptor closed before). */
static int duped(int r, int oldfd, int newfd, unsigned call)
{
	int e = errno;

	if (r >= 0 && oldfd != newfd)
		vigil_fds__targeted(r, call);
	else if (r < 0)
		vigil_fds__failed(oldfd, call, e);
	errno = e;
	return r;
}

VIGIL_EXPORT int dup2(int oldfd, int newfd)
{
	vigil_rt__active();
	if (oldfd != newfd)
		make_room(newfd);
	return duped(vigil_real.dup2(oldfd, newfd), oldfd, newfd, VIGIL_FDC_DUP2);
}

VIGIL_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	vigil_rt__active();
	if (oldfd != newfd)
		make_room(newfd);
	return duped(vigil_real.dup3(oldfd, newfd, flags), oldfd, newfd, VIGIL_FDC_DUP3);
}

VIGIL_EXPORT int dup(int oldfd)
{
	int r = VIGIL_REAL(real_dup, "dup", NULL) ? real_dup(oldfd)
						   : (int)syscall(SYS_dup, oldfd);

	if (r >= 0)
		vigil_fds__created(r, VIGIL_FDC_DUP);
	else
		duped(r, oldfd, -1, VIGIL_FDC_DUP);
	return r;
}

/* fcntl is variadic: the third argument, when there is one, is an int or a pointer,
 * and is passed on as a pointer-sized word, as the C library passes it to the kernel. */
static int do_fcntl(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	int r = real ? real(fd, cmd, arg) : (int)syscall(SYS_fcntl, fd, cmd, arg);

	if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		vigil_fds__created(r, VIGIL_FDC_FCNTL);
	return r;
}

VIGIL_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(VIGIL_REAL(real_fcntl, "fcntl", NULL), fd, cmd, arg);
}

VIGIL_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return do_fcntl(VIGIL_REAL(real_fcntl64, "fcntl64", NULL), fd, cmd, arg);
}
