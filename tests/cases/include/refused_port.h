// SPDX-License-Identifier: MIT
/* A loopback TCP address that refuses connections: a port bound and never listened on,
 * held open for the whole run so that no other program can take it meanwhile. */
#ifndef VIGIL_CASES_REFUSED_PORT_H
#define VIGIL_CASES_REFUSED_PORT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Fills *a and returns the descriptor holding the port, or -1. */
static inline int refused_port(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)a, sizeof(*a)) ||
	    getsockname(fd, (struct sockaddr *)a, &len)) {
		close(fd);
		return -1;
	}
	return fd;
}

#endif
