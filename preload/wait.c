// SPDX-License-Identifier: MIT
/* Waiting for descriptors and sleeping: poll, ppoll, select, pselect, epoll_wait,
 * epoll_pwait(2), epoll_ctl, nanosleep, clock_nanosleep. For the fd checks a wait
 * ends a run of EAGAINs (it is not a spin), a thread inside poll or epoll_wait is
 * inside a call on those descriptors (closing one under it is a bug), and epoll_ctl
 * on a closed descriptor is a bad-fd. */
#undef _FORTIFY_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "fds.h"
#include "realsym.h"
#include "rt.h"

#define RA() ((uintptr_t)__builtin_return_address(0))
#define POLL_NOTED 64 /* descriptors of one poll noted as waited on */

static int (*real_poll)(struct pollfd *, nfds_t, int);
static int (*real_ppoll)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
static int (*real_poll_chk)(struct pollfd *, nfds_t, int, size_t);
static int (*real_ppoll_chk)(struct pollfd *, nfds_t, const struct timespec *,
			     const sigset_t *, size_t);
static int (*real_select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
static int (*real_pselect)(int, fd_set *, fd_set *, fd_set *, const struct timespec *,
			   const sigset_t *);
static int (*real_epoll_wait)(int, struct epoll_event *, int, int);
static int (*real_epoll_pwait)(int, struct epoll_event *, int, int, const sigset_t *);
static int (*real_epoll_pwait2)(int, struct epoll_event *, int, const struct timespec *,
				const sigset_t *);
static int (*real_epoll_ctl)(int, int, int, struct epoll_event *);
static int (*real_nanosleep)(const struct timespec *, struct timespec *);
static int (*real_clock_nanosleep)(clockid_t, int, const struct timespec *, struct timespec *);

/* The descriptors of a poll, noted for as long as it runs (a cancelled poll included:
 * the cleanup runs on the cancellation's unwinding too). A copy: the program's
 * array may be a bad pointer, which the real call answers with EFAULT. */
struct polling {
	struct pollfd fds[POLL_NOTED];
	unsigned n;
};

static void poll_end(struct polling *p)
{
	vigil_fds__busy(&p->fds[0].fd, p->n, sizeof(p->fds[0]), 0);
}

/* glibc 2.36's <poll.h> declares the array write-only (__attr_access), which GCC
 * trusts: it is read-write, so it is taken here as a pointer GCC cannot follow. */
static inline struct pollfd *launder(struct pollfd *fds)
{
	__asm__("" : "+r"(fds));
	return fds;
}

/* Copied with process_vm_readv on ourselves, which fails on an unmapped address
 * where a load would fault. */
static void poll_begin(struct polling *p, const struct pollfd *fds, nfds_t n)
{
	unsigned k = n < POLL_NOTED ? (unsigned)n : POLL_NOTED;
	struct iovec local = {p->fds, k * sizeof(*fds)}, remote = {(void *)fds, local.iov_len};
	int saved;

	p->n = 0;
	if (!fds || !k || !vigil_fds__on())
		return;
	saved = errno;
	if (syscall(SYS_process_vm_readv, vigil_rt.pid, &local, 1UL, &remote, 1UL, 0UL) ==
	    (long)local.iov_len)
		p->n = k;
	errno = saved;
	if (p->n)
		vigil_fds__busy(&p->fds[0].fd, p->n, sizeof(p->fds[0]), 1);
}

/* A wait that returned at once with nothing ready did not wait. */
static inline int waited(int r, int blocking)
{
	if (blocking || r > 0)
		vigil_fds__waited();
	return r;
}

static inline int ts_blocks(const struct timespec *ts)
{
	return !ts || ts->tv_sec || ts->tv_nsec;
}

VIGIL_EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	struct polling p __attribute__((cleanup(poll_end)));

	poll_begin(&p, launder(fds), n);
	return waited(VIGIL_REAL(real_poll, "poll", NULL)(fds, n, timeout), timeout != 0);
}

VIGIL_EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
	struct polling p __attribute__((cleanup(poll_end)));

	poll_begin(&p, launder(fds), n);
	if (!VIGIL_REAL(real_poll_chk, "__poll_chk", NULL))
		return waited(VIGIL_REAL(real_poll, "poll", NULL)(fds, n, timeout), timeout != 0);
	return waited(real_poll_chk(fds, n, timeout, fdslen), timeout != 0);
}

VIGIL_EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		       const sigset_t *mask)
{
	struct polling p __attribute__((cleanup(poll_end)));

	poll_begin(&p, launder(fds), n);
	return waited(VIGIL_REAL(real_ppoll, "ppoll", NULL)(fds, n, ts, mask), ts_blocks(ts));
}

VIGIL_EXPORT int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts,
			     const sigset_t *mask, size_t fdslen)
{
	struct polling p __attribute__((cleanup(poll_end)));

	poll_begin(&p, launder(fds), n);
	if (!VIGIL_REAL(real_ppoll_chk, "__ppoll_chk", NULL))
		return waited(VIGIL_REAL(real_ppoll, "ppoll", NULL)(fds, n, ts, mask),
			      ts_blocks(ts));
	return waited(real_ppoll_chk(fds, n, ts, mask, fdslen), ts_blocks(ts));
}

VIGIL_EXPORT int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	int blocking = !tv || tv->tv_sec || tv->tv_usec;

	return waited(VIGIL_REAL(real_select, "select", NULL)(n, r, w, e, tv), blocking);
}

VIGIL_EXPORT int pselect(int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts,
			 const sigset_t *mask)
{
	return waited(VIGIL_REAL(real_pselect, "pselect", NULL)(n, r, w, e, ts, mask),
		      ts_blocks(ts));
}

VIGIL_EXPORT int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	VIGIL_FDS_USE u;
	int r;

	vigil_fds__use_begin(&u, epfd, VIGIL_FDC_EPOLL_WAIT, RA(), 1);
	r = VIGIL_REAL(real_epoll_wait, "epoll_wait", NULL)(epfd, ev, max, timeout);
	vigil_fds__use_end(&u, r, errno);
	return waited(r, timeout != 0);
}

VIGIL_EXPORT int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout,
			     const sigset_t *mask)
{
	VIGIL_FDS_USE u;
	int r;

	vigil_fds__use_begin(&u, epfd, VIGIL_FDC_EPOLL_WAIT, RA(), 1);
	r = VIGIL_REAL(real_epoll_pwait, "epoll_pwait", NULL)(epfd, ev, max, timeout, mask);
	vigil_fds__use_end(&u, r, errno);
	return waited(r, timeout != 0);
}

VIGIL_EXPORT int epoll_pwait2(int epfd, struct epoll_event *ev, int max,
			      const struct timespec *ts, const sigset_t *mask)
{
	VIGIL_FDS_USE u;
	int r;

	if (!VIGIL_REAL(real_epoll_pwait2, "epoll_pwait2", NULL)) {
		errno = ENOSYS;
		return -1;
	}
	vigil_fds__use_begin(&u, epfd, VIGIL_FDC_EPOLL_WAIT, RA(), 1);
	r = real_epoll_pwait2(epfd, ev, max, ts, mask);
	vigil_fds__use_end(&u, r, errno);
	return waited(r, ts_blocks(ts));
}

/* Removing a descriptor the program already closed fails with EBADF and is harmless
 * (the close removed it): only the other operations are reported. */
VIGIL_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	int r = VIGIL_REAL(real_epoll_ctl, "epoll_ctl", NULL)(epfd, op, fd, ev);

	if (r < 0 && op != EPOLL_CTL_DEL)
		vigil_fds__failed(fd, VIGIL_FDC_EPOLL_CTL, errno);
	return r;
}

VIGIL_EXPORT int nanosleep(const struct timespec *req, struct timespec *rem)
{
	vigil_fds__waited();
	return VIGIL_REAL(real_nanosleep, "nanosleep", NULL)(req, rem);
}

VIGIL_EXPORT int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
				 struct timespec *rem)
{
	vigil_fds__waited();
	return VIGIL_REAL(real_clock_nanosleep, "clock_nanosleep", NULL)(clk, flags, req, rem);
}
