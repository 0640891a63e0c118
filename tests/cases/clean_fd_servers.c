// SPDX-License-Identifier: MIT
/* Clean: an event loop serving two listeners (TCP on loopback and a unix socket)
 * with epoll: each accepted connection, whichever listener it came from, goes to the
 * same handler, which reads the request, answers through a write_all helper and
 * closes it, so numbers are reused constantly by descriptors created at two accept
 * sites. Then a blocking accept loop with a thread per connection, and a connection
 * table where the event loop closes what the handler used. Nothing is reported. */
// expect-none: fd-leak
// expect-none: double-close
// expect-none: bad-fd
// expect-none: fd-reuse
// expect-none: nonblocking-spin
// expect-exit: 0
// expect-stdout: served 200 200
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define ROUNDS 100

static struct sockaddr_in tcp_addr;
static struct sockaddr_un unix_addr;

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int handle(int fd)
{
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));

	return n > 0 ? write_all(fd, buf, (size_t)n) : -1;
}

static int client_once(int tcp)
{
	int fd = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM, 0);
	char buf[8];
	int ok;

	if (fd < 0)
		return 0;
	ok = !connect(fd, tcp ? (struct sockaddr *)&tcp_addr : (struct sockaddr *)&unix_addr,
		      tcp ? sizeof(tcp_addr) : sizeof(unix_addr)) &&
	     !write_all(fd, "ping", 4) && read(fd, buf, sizeof(buf)) == 4;
	close(fd);
	return ok;
}

static void *clients(void *arg)
{
	int *ok = arg;

	for (int i = 0; i < 2 * ROUNDS; i++)
		*ok += client_once(i & 1);
	return NULL;
}

static int listen_on(int tcp)
{
	int fd = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM, 0);
	socklen_t len = sizeof(tcp_addr);

	if (fd < 0)
		return -1;
	if (tcp) {
		tcp_addr.sin_family = AF_INET;
		tcp_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(fd, (struct sockaddr *)&tcp_addr, sizeof(tcp_addr)) ||
		    getsockname(fd, (struct sockaddr *)&tcp_addr, &len))
			return -1;
	} else {
		unix_addr.sun_family = AF_UNIX;
		snprintf(unix_addr.sun_path, sizeof(unix_addr.sun_path), "/tmp/vigil-srv-%d",
			 (int)getpid());
		unlink(unix_addr.sun_path);
		if (bind(fd, (struct sockaddr *)&unix_addr, sizeof(unix_addr)))
			return -1;
	}
	return listen(fd, 64) ? -1 : fd;
}

/* Phase 1: epoll over both listeners, one handler for both. */
static int event_loop(int ltcp, int lunix)
{
	struct epoll_event ev = {.events = EPOLLIN}, out[4];
	int ep = epoll_create1(0), served = 0;

	ev.data.fd = ltcp;
	epoll_ctl(ep, EPOLL_CTL_ADD, ltcp, &ev);
	ev.data.fd = lunix;
	epoll_ctl(ep, EPOLL_CTL_ADD, lunix, &ev);
	while (served < 2 * ROUNDS) {
		int n = epoll_wait(ep, out, 4, -1);

		for (int i = 0; i < n; i++) {
			int c = out[i].data.fd == ltcp ? accept(ltcp, NULL, NULL)
						       : accept4(lunix, NULL, NULL, 0);

			if (c < 0)
				continue;
			handle(c);
			close(c);
			served++;
		}
	}
	close(ep);
	return served;
}

static void *conn_thread(void *arg)
{
	int fd = (int)(long)arg;

	handle(fd);
	close(fd);
	return NULL;
}

/* Phase 2: a blocking accept loop, a thread per connection. */
static int accept_loop(int ltcp, int lunix)
{
	int served = 0;

	for (int i = 0; i < 2 * ROUNDS; i++) {
		pthread_t th;
		int c;

		if (i & 1)
			c = accept(ltcp, NULL, NULL);
		else
			c = accept(lunix, NULL, NULL);
		if (c < 0 || pthread_create(&th, NULL, conn_thread, (void *)(long)c))
			continue;
		pthread_join(th, NULL);
		served++;
	}
	return served;
}

int main(void)
{
	int ltcp = listen_on(1), lunix = listen_on(0), ok = 0, s1, s2;
	pthread_t th;

	if (ltcp < 0 || lunix < 0 || pthread_create(&th, NULL, clients, &ok))
		return 1;
	s1 = event_loop(ltcp, lunix);
	pthread_join(th, NULL);
	if (pthread_create(&th, NULL, clients, &ok))
		return 1;
	s2 = accept_loop(ltcp, lunix);
	pthread_join(th, NULL);
	close(ltcp);
	close(lunix);
	unlink(unix_addr.sun_path);
	printf("served %d %d\n", s1, s2);
	return ok != 4 * ROUNDS;
}
