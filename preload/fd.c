// SPDX-License-Identifier: MIT
/* Keeps the raw log's descriptor alive through programs that close every descriptor
 * (daemons, subprocess helpers) or dup2 onto its number: the program sees the call
 * succeed, and vigil's log never ends up written into one of the program's files. */
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "rawlog.h"
#include "rt.h"

static int is_log(int fd)
{
	return fd >= 0 && fd == vigil_rawlog__fd();
}

VIGIL_EXPORT int close(int fd)
{
	vigil_rt__active();
	if (is_log(fd) && vigil_rt__state() != VIGIL_DISABLED)
		return 0;
	return vigil_real.close(fd);
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
	vigil_rt__active();
	if (!vigil_real.close_range) {
		errno = ENOSYS;
		return -1;
	}
	return close_range_around(first, last, flags);
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
	errno = e;
}

/* The program wants our number: move the log out of the way first. */
static void make_room(int newfd)
{
	/* A vfork child shares our memory but not our descriptor table: moving "our"
	 * log there would rewrite the parent's idea of where its log is. */
	if (is_log(newfd) && getpid() == vigil_rt.pid)
		vigil_rawlog__move();
}

VIGIL_EXPORT int dup2(int oldfd, int newfd)
{
	vigil_rt__active();
	if (oldfd != newfd)
		make_room(newfd);
	return vigil_real.dup2(oldfd, newfd);
}

VIGIL_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	vigil_rt__active();
	if (oldfd != newfd)
		make_room(newfd);
	return vigil_real.dup3(oldfd, newfd, flags);
}
