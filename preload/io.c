// SPDX-License-Identifier: MIT
/* Reads and writes on descriptors, and the FORTIFY twins of the reads: the length
 * the caller asks a read for is checked against the heap block the buffer starts
 * (heap.c) before the call, then the real call runs. With the fd checks each call is
 * a use of its descriptor (fds.h): stale numbers, EBADF, EAGAIN spins, EPIPE. */
#undef _FORTIFY_SOURCE /* these are the functions fortified headers would wrap */
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fds.h"
#include "heap.h"
#include "realsym.h"
#include "rt.h"

#define RA() ((uintptr_t)__builtin_return_address(0))

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_readv)(int, const struct iovec *, int);
static ssize_t (*real_writev)(int, const struct iovec *, int);

/* check_call's own first test, repeated here so that a buffer that cannot start a
 * block costs no errno save. errno is the real call's alone: a report makes
 * syscalls. */
static inline void check(const void *p, size_t n)
{
	int saved;

	/* The buffer goes to the kernel, which answers EFAULT for a bad one: nothing
	 * here may load through it. */
	if (!n || ((uintptr_t)p & 15) || !vigil_rt__active())
		return;
	saved = errno;
	vigil_heap__check_call_untrusted(p, n, 1);
	errno = saved;
}

/* libvigil.so reads files itself, some of them (/proc) while the real functions are
 * being resolved: the system call serves those. */
VIGIL_EXPORT ssize_t read(int fd, void *buf, size_t n)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	check(buf, n);
	vigil_fds__use_begin(&u, fd, VIGIL_FDC_READ, RA(), 1);
	r = vigil_real.read ? vigil_real.read(fd, buf, n) : syscall(SYS_read, fd, buf, n);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	check(buf, n);
	vigil_fds__use_begin(&u, fd, VIGIL_FDC_PREAD, RA(), 0);
	r = vigil_real.pread ? vigil_real.pread(fd, buf, n, off)
			     : syscall(SYS_pread64, fd, buf, n, off);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	check(buf, n);
	vigil_fds__use_begin(&u, fd, VIGIL_FDC_PREAD, RA(), 0);
	r = vigil_real.pread64 ? vigil_real.pread64(fd, buf, n, off)
			       : syscall(SYS_pread64, fd, buf, n, off);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	check(buf, n);
	vigil_fds__use_begin(&u, fd, VIGIL_FDC_RECV, RA(), 1);
	r = vigil_real.recv ? vigil_real.recv(fd, buf, n, flags)
			    : syscall(SYS_recvfrom, fd, buf, n, flags, NULL, NULL);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t recvfrom(int fd, void *restrict buf, size_t n, int flags,
			      struct sockaddr *restrict from, socklen_t *restrict fromlen)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	check(buf, n);
	vigil_fds__use_begin(&u, fd, VIGIL_FDC_RECVFROM, RA(), 1);
	r = vigil_real.recvfrom ? vigil_real.recvfrom(fd, buf, n, flags, from, fromlen)
				: syscall(SYS_recvfrom, fd, buf, n, flags, from, fromlen);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

/* _FORTIFY_SOURCE builds call these with the size the compiler knows of buf (or -1):
 * the same check, then the real _chk, which keeps its own abort on overflow. A C
 * library without one never had a caller of it; the plain call stands in. */

VIGIL_EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	check(buf, n);
	vigil_fds__use_begin(&u, fd, VIGIL_FDC_READ, RA(), 1);
	r = vigil_real.__read_chk ? vigil_real.__read_chk(fd, buf, n, buflen)
				  : vigil_real.read(fd, buf, n);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	check(buf, n);
	vigil_fds__use_begin(&u, fd, VIGIL_FDC_PREAD, RA(), 0);
	r = vigil_real.__pread_chk ? vigil_real.__pread_chk(fd, buf, n, off, buflen)
				   : vigil_real.pread(fd, buf, n, off);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	check(buf, n);
	vigil_fds__use_begin(&u, fd, VIGIL_FDC_PREAD, RA(), 0);
	r = vigil_real.__pread64_chk ? vigil_real.__pread64_chk(fd, buf, n, off, buflen)
				     : vigil_real.pread64(fd, buf, n, off);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	check(buf, n);
	vigil_fds__use_begin(&u, fd, VIGIL_FDC_RECV, RA(), 1);
	r = vigil_real.__recv_chk ? vigil_real.__recv_chk(fd, buf, n, buflen, flags)
				  : vigil_real.recv(fd, buf, n, flags);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t __recvfrom_chk(int fd, void *restrict buf, size_t n, size_t buflen, int flags,
				    struct sockaddr *restrict from, socklen_t *restrict fromlen)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	check(buf, n);
	vigil_fds__use_begin(&u, fd, VIGIL_FDC_RECVFROM, RA(), 1);
	r = vigil_real.__recvfrom_chk
		    ? vigil_real.__recvfrom_chk(fd, buf, n, buflen, flags, from, fromlen)
		    : vigil_real.recvfrom(fd, buf, n, flags, from, fromlen);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

/* Writes: uses of their descriptor only (no buffer is written to). */

VIGIL_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_WRITE, RA(), 1);
	r = VIGIL_REAL(real_write, "write", NULL) ? real_write(fd, buf, n)
						  : syscall(SYS_write, fd, buf, n);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_PWRITE, RA(), 0);
	r = VIGIL_REAL(real_pwrite, "pwrite", NULL)(fd, buf, n, off);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_PWRITE, RA(), 0);
	r = VIGIL_REAL(real_pwrite64, "pwrite64", NULL)(fd, buf, n, off);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t readv(int fd, const struct iovec *iov, int n)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_READV, RA(), 1);
	r = VIGIL_REAL(real_readv, "readv", NULL)(fd, iov, n);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t writev(int fd, const struct iovec *iov, int n)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_WRITEV, RA(), 1);
	r = VIGIL_REAL(real_writev, "writev", NULL)(fd, iov, n);
	vigil_fds__use_end(&u, r, errno);
	return r;
}
