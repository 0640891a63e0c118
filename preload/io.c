// SPDX-License-Identifier: MIT
/* Reads from files and sockets into memory, and their FORTIFY twins: the length the
 * caller asks for is checked against the heap block the buffer starts (heap.c)
 * before the call, then the real call runs. */
#undef _FORTIFY_SOURCE /* these are the functions fortified headers would wrap */
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "heap.h"
#include "rt.h"

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
	check(buf, n);
	return vigil_real.read ? vigil_real.read(fd, buf, n) : syscall(SYS_read, fd, buf, n);
}

VIGIL_EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	check(buf, n);
	return vigil_real.pread ? vigil_real.pread(fd, buf, n, off)
				: syscall(SYS_pread64, fd, buf, n, off);
}

VIGIL_EXPORT ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	check(buf, n);
	return vigil_real.pread64 ? vigil_real.pread64(fd, buf, n, off)
				  : syscall(SYS_pread64, fd, buf, n, off);
}

VIGIL_EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	check(buf, n);
	return vigil_real.recv ? vigil_real.recv(fd, buf, n, flags)
			       : syscall(SYS_recvfrom, fd, buf, n, flags, NULL, NULL);
}

VIGIL_EXPORT ssize_t recvfrom(int fd, void *restrict buf, size_t n, int flags,
			      struct sockaddr *restrict from, socklen_t *restrict fromlen)
{
	check(buf, n);
	return vigil_real.recvfrom ? vigil_real.recvfrom(fd, buf, n, flags, from, fromlen)
				   : syscall(SYS_recvfrom, fd, buf, n, flags, from, fromlen);
}

/* _FORTIFY_SOURCE builds call these with the size the compiler knows of buf (or -1):
 * the same check, then the real _chk, which keeps its own abort on overflow. A C
 * library without one never had a caller of it; the plain call stands in. */

VIGIL_EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	check(buf, n);
	return vigil_real.__read_chk ? vigil_real.__read_chk(fd, buf, n, buflen)
				     : vigil_real.read(fd, buf, n);
}

VIGIL_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	check(buf, n);
	return vigil_real.__pread_chk ? vigil_real.__pread_chk(fd, buf, n, off, buflen)
				      : vigil_real.pread(fd, buf, n, off);
}

VIGIL_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	check(buf, n);
	return vigil_real.__pread64_chk ? vigil_real.__pread64_chk(fd, buf, n, off, buflen)
					: vigil_real.pread64(fd, buf, n, off);
}

VIGIL_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
	check(buf, n);
	return vigil_real.__recv_chk ? vigil_real.__recv_chk(fd, buf, n, buflen, flags)
				     : vigil_real.recv(fd, buf, n, flags);
}

VIGIL_EXPORT ssize_t __recvfrom_chk(int fd, void *restrict buf, size_t n, size_t buflen, int flags,
				    struct sockaddr *restrict from, socklen_t *restrict fromlen)
{
	check(buf, n);
	return vigil_real.__recvfrom_chk
		       ? vigil_real.__recvfrom_chk(fd, buf, n, buflen, flags, from, fromlen)
		       : vigil_real.recvfrom(fd, buf, n, flags, from, fromlen);
}
