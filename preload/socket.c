// SPDX-License-Identifier: MIT
/* Sockets: the calls that create them (socket, socketpair, accept, accept4, and the
 * descriptors recvmsg receives) and the ones that use them (connect, send, sendto,
 * sendmsg, recvmsg; recv and recvfrom are in io.c), for the fd checks. */
#undef _FORTIFY_SOURCE
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fds.h"
#include "realsym.h"
#include "rt.h"

static int (*real_socket)(int, int, int);
static int (*real_socketpair)(int, int, int, int *);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *,
			      socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);

#define RA() ((uintptr_t)__builtin_return_address(0))

VIGIL_EXPORT int socket(int domain, int type, int protocol)
{
	int r = VIGIL_REAL(real_socket, "socket", NULL)(domain, type, protocol);

	if (r >= 0)
		vigil_fds__created(r, VIGIL_FDC_SOCKET);
	return r;
}

VIGIL_EXPORT int socketpair(int domain, int type, int protocol, int sv[2])
{
	int r = VIGIL_REAL(real_socketpair, "socketpair", NULL)(domain, type, protocol, sv);

	if (!r)
		vigil_fds__created_pair(sv, VIGIL_FDC_SOCKETPAIR);
	return r;
}

VIGIL_EXPORT int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	VIGIL_FDS_USE u;
	int r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_ACCEPT, RA(), 1);
	r = VIGIL_REAL(real_accept, "accept", NULL)(fd, addr, len);
	vigil_fds__use_end(&u, r, errno);
	if (r >= 0)
		vigil_fds__created(r, VIGIL_FDC_ACCEPT);
	return r;
}

VIGIL_EXPORT int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict len,
			 int flags)
{
	VIGIL_FDS_USE u;
	int r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_ACCEPT4, RA(), 1);
	r = VIGIL_REAL(real_accept4, "accept4", NULL)(fd, addr, len, flags);
	vigil_fds__use_end(&u, r, errno);
	if (r >= 0)
		vigil_fds__created(r, VIGIL_FDC_ACCEPT4);
	return r;
}

VIGIL_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	VIGIL_FDS_USE u;
	int r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_CONNECT, RA(), 1);
	r = VIGIL_REAL(real_connect, "connect", NULL)(fd, addr, len);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_SEND, RA(), 1);
	r = VIGIL_REAL(real_send, "send", NULL)(fd, buf, n, flags);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
			    const struct sockaddr *to, socklen_t tolen)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_SENDTO, RA(), 1);
	r = VIGIL_REAL(real_sendto, "sendto", NULL)(fd, buf, n, flags, to, tolen);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

VIGIL_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_SENDMSG, RA(), 1);
	r = VIGIL_REAL(real_sendmsg, "sendmsg", NULL)(fd, msg, flags);
	vigil_fds__use_end(&u, r, errno);
	return r;
}

/* Descriptors passed over a unix socket (SCM_RIGHTS) are new in this process. */
static void received_fds(const struct msghdr *msg)
{
	for (const struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR((struct msghdr *)msg,
									     (struct cmsghdr *)c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			__builtin_memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			vigil_fds__created(fd, VIGIL_FDC_RECVMSG);
		}
	}
}

VIGIL_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	VIGIL_FDS_USE u;
	ssize_t r;

	vigil_fds__use_begin(&u, fd, VIGIL_FDC_RECVMSG, RA(), 1);
	r = VIGIL_REAL(real_recvmsg, "recvmsg", NULL)(fd, msg, flags);
	vigil_fds__use_end(&u, r, errno);
	if (r >= 0 && msg && msg->msg_controllen && u.on)
		received_fds(msg);
	return r;
}
