// SPDX-License-Identifier: MIT
/* A small epoll echo server for the descriptor benchmark: one thread, non-blocking
 * sockets on 127.0.0.1, every byte read from a connection written back to it.
 * bench/echo_client.c is the load.
 *
 * Usage: echo_server [-p PORT] [-e]
 * -p: the port (default 0: the kernel picks a free one); -e: edge-triggered, each
 * readable connection read until EAGAIN (default: level-triggered, one read per
 * wake-up, as redis does). Once it accepts connections it prints port=N (the port it
 * listens on). SIGTERM or SIGINT stop it: it closes everything and prints one line:
 * mode=level|edge accepted=N reads=R bytes=B cpu_seconds=S ns_per_read=X maxrss_kb=K
 * (cpu_seconds: its user and system time until then, getrusage; ns_per_read: that
 * over the reads that returned data, i.e. the server's CPU per echo; maxrss_kb:
 * VmHWM, 0 without /proc).
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

#define BUF_SIZE 16384
#define MAX_EVENTS 64

/* One connection: its descriptor and what it still has to write back, the buffer
 * on the heap as a server's would be. */
struct conn {
	struct conn *prev, *next; /* all open connections, closed at exit */
	int fd;
	int want_out; /* registered for EPOLLOUT */
	size_t off, len;
	char *buf;
};

static volatile sig_atomic_t stop;
static int edge;
static unsigned long accepted, reads, bytes;
static struct conn conns = {.prev = &conns, .next = &conns};

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void conn_close(int ep, struct conn *c)
{
	c->prev->next = c->next;
	c->next->prev = c->prev;
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->buf);
	free(c);
}

static int conn_watch(int ep, struct conn *c, int op, int out)
{
	struct epoll_event ev = {
		.events = (out ? EPOLLOUT : EPOLLIN) | (edge ? EPOLLET : 0),
		.data.ptr = c,
	};

	c->want_out = out;
	return epoll_ctl(ep, op, c->fd, &ev);
}

/* Writes back what is pending: 1 when all of it went, 0 when the socket is full, -1
 * when the connection is gone. */
static int flush_out(struct conn *c)
{
	while (c->off < c->len) {
		ssize_t n = write(c->fd, c->buf + c->off, c->len - c->off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		c->off += (size_t)n;
	}
	c->off = c->len = 0;
	return 1;
}

/* A readable connection: read, echo; 0 to keep it, -1 to close it. */
static int serve(int ep, struct conn *c)
{
	for (;;) {
		ssize_t n = read(c->fd, c->buf, BUF_SIZE);
		int r;

		if (n == 0)
			return -1;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		reads++;
		bytes += (unsigned long)n;
		c->off = 0;
		c->len = (size_t)n;
		r = flush_out(c);
		if (r < 0)
			return -1;
		if (!r)
			/* The peer is not reading: stop reading until it does. */
			return conn_watch(ep, c, EPOLL_CTL_MOD, 1) ? -1 : 0;
		if (!edge)
			return 0;
	}
}

static void accept_all(int ep, int lfd)
{
	for (;;) {
		int one = 1, fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0)
			return; /* EAGAIN: all taken; anything else: the client's problem */
		c = calloc(1, sizeof(*c));
		if (c)
			c->buf = malloc(BUF_SIZE);
		if (!c || !c->buf) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (conn_watch(ep, c, EPOLL_CTL_ADD, 0)) {
			close(fd);
			free(c->buf);
			free(c);
			continue;
		}
		c->next = &conns;
		c->prev = conns.prev;
		conns.prev->next = c;
		conns.prev = c;
		accepted++;
	}
}

static int listen_on(unsigned port, unsigned *bound)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1024) ||
	    getsockname(fd, (struct sockaddr *)&a, &len)) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	*bound = ntohs(a.sin_port);
	return fd;
}

/* VmHWM rather than getrusage: ru_maxrss survives exec, so it would count the
 * launcher (a shell, or vigil's CLI) that forked this process. */
static int usage(void)
{
	fprintf(stderr, "usage: echo_server [-p PORT] [-e]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct epoll_event evs[MAX_EVENTS], ev = {.events = EPOLLIN};
	struct sigaction sa = {.sa_handler = on_signal}, ign = {.sa_handler = SIG_IGN};
	sigset_t stops, waiting;
	struct rusage ru;
	double cpu;
	unsigned long port = 0;
	unsigned bound;
	int opt, lfd, ep;

	while ((opt = getopt(argc, argv, "p:eh")) != -1) {
		char *end;

		switch (opt) {
		case 'p':
			errno = 0;
			port = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || port > 65535)
				return usage();
			break;
		case 'e':
			edge = 1;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc)
		return usage();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
	/* The stop signals are let in only inside epoll_pwait: one that came between the
	 * test of stop and the wait would otherwise be slept through. */
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigprocmask(SIG_BLOCK, &stops, &waiting);

	lfd = listen_on((unsigned)port, &bound);
	if (lfd < 0) {
		fprintf(stderr, "echo_server: error: 127.0.0.1:%lu: %s\n", port, strerror(errno));
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.ptr = NULL; /* the listener; connections carry their struct conn */
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev)) {
		fprintf(stderr, "echo_server: error: epoll: %s\n", strerror(errno));
		return 1;
	}
	printf("port=%u\n", bound);
	fflush(stdout);

	while (!stop) {
		int n = epoll_pwait(ep, evs, MAX_EVENTS, -1, &waiting);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "echo_server: error: epoll_pwait: %s\n", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (!c) {
				accept_all(ep, lfd);
				continue;
			}
			if (c->want_out) {
				int r = flush_out(c);

				if (r < 0 || (r > 0 && conn_watch(ep, c, EPOLL_CTL_MOD, 0)))
					conn_close(ep, c);
				continue;
			}
			if (serve(ep, c))
				conn_close(ep, c);
		}
	}

	while (conns.next != &conns)
		conn_close(ep, conns.next);
	close(ep);
	close(lfd);
	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("mode=%s accepted=%lu reads=%lu bytes=%lu cpu_seconds=%.3f ns_per_read=%.1f "
	       "maxrss_kb=%ld\n",
	       edge ? "edge" : "level", accepted, reads, bytes, cpu,
	       reads ? cpu * 1e9 / (double)reads : 0.0, peak_rss_kb());
	return 0;
}
