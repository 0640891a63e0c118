// SPDX-License-Identifier: MIT
/* Descriptors for kernel objects that are not files or sockets: pipes, eventfd,
 * timerfd, signalfd, epoll, inotify and memfd. Each new one goes to the fd checks
 * with its stack; nothing else changes. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "fds.h"
#include "realsym.h"
#include "rt.h"

static int (*real_pipe)(int[2]);
static int (*real_pipe2)(int[2], int);
static int (*real_eventfd)(unsigned, int);
static int (*real_timerfd_create)(int, int);
static int (*real_signalfd)(int, const sigset_t *, int);
static int (*real_epoll_create)(int);
static int (*real_epoll_create1)(int);
static int (*real_inotify_init)(void);
static int (*real_inotify_init1)(int);
static int (*real_memfd_create)(const char *, unsigned);

static inline int made(int fd, unsigned call)
{
	if (fd >= 0)
		vigil_fds__created(fd, call);
	return fd;
}

VIGIL_EXPORT int pipe(int fd[2])
{
	int r = VIGIL_REAL(real_pipe, "pipe", NULL)(fd);

	if (!r)
		vigil_fds__created_pair(fd, VIGIL_FDC_PIPE);
	return r;
}

VIGIL_EXPORT int pipe2(int fd[2], int flags)
{
	int r = VIGIL_REAL(real_pipe2, "pipe2", NULL)(fd, flags);

	if (!r)
		vigil_fds__created_pair(fd, VIGIL_FDC_PIPE2);
	return r;
}

VIGIL_EXPORT int eventfd(unsigned initval, int flags)
{
	return made(VIGIL_REAL(real_eventfd, "eventfd", NULL)(initval, flags), VIGIL_FDC_EVENTFD);
}

VIGIL_EXPORT int timerfd_create(int clockid, int flags)
{
	return made(VIGIL_REAL(real_timerfd_create, "timerfd_create", NULL)(clockid, flags),
		    VIGIL_FDC_TIMERFD_CREATE);
}

/* signalfd(-1, ...) makes a descriptor; on an existing one it changes its mask. */
VIGIL_EXPORT int signalfd(int fd, const sigset_t *mask, int flags)
{
	int r = VIGIL_REAL(real_signalfd, "signalfd", NULL)(fd, mask, flags);

	if (fd == -1)
		made(r, VIGIL_FDC_SIGNALFD);
	return r;
}

VIGIL_EXPORT int epoll_create(int size)
{
	return made(VIGIL_REAL(real_epoll_create, "epoll_create", NULL)(size),
		    VIGIL_FDC_EPOLL_CREATE);
}

VIGIL_EXPORT int epoll_create1(int flags)
{
	return made(VIGIL_REAL(real_epoll_create1, "epoll_create1", NULL)(flags),
		    VIGIL_FDC_EPOLL_CREATE1);
}

VIGIL_EXPORT int inotify_init(void)
{
	return made(VIGIL_REAL(real_inotify_init, "inotify_init", NULL)(), VIGIL_FDC_INOTIFY_INIT);
}

VIGIL_EXPORT int inotify_init1(int flags)
{
	return made(VIGIL_REAL(real_inotify_init1, "inotify_init1", NULL)(flags),
		    VIGIL_FDC_INOTIFY_INIT1);
}

VIGIL_EXPORT int memfd_create(const char *name, unsigned flags)
{
	return made(VIGIL_REAL(real_memfd_create, "memfd_create", NULL)(name, flags),
		    VIGIL_FDC_MEMFD_CREATE);
}
