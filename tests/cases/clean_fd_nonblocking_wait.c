// SPDX-License-Identifier: MIT
/* Clean: non-blocking reads that get EAGAIN often, but wait in between: a loop that
 * polls before each read (poll with a 1 ms timeout, nothing comes), a loop that sleeps
 * with nanosleep, and an event loop that reads until EAGAIN after each wakeup of
 * epoll_wait while a writer thread keeps sending. None is a spin. */
// expect-none: nonblocking-spin
// expect-none: bad-fd
// expect-none: fd-reuse
// expect-none: fd-leak
// expect-exit: 0
// expect-stdout: drained 3000
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

static int p[2];

static void *writer(void *arg)
{
	for (int i = 0; i < 3000; i++)
		(void)!write(p[1], "x", 1);
	close(p[1]);
	return arg;
}

int main(void)
{
	struct pollfd pfd;
	struct epoll_event ev = {.events = EPOLLIN}, out;
	struct timespec ts = {0, 10000};
	pthread_t th;
	char buf[16];
	long drained = 0;
	int ep, done = 0;

	if (pipe2(p, O_NONBLOCK))
		return 1;
	pfd = (struct pollfd){.fd = p[0], .events = POLLIN};
	for (int i = 0; i < 200; i++) {
		if (read(p[0], buf, 1) < 0 && errno == EAGAIN)
			poll(&pfd, 1, 1);
	}
	for (int i = 0; i < 2000; i++) {
		if (read(p[0], buf, 1) < 0 && errno == EAGAIN)
			nanosleep(&ts, NULL);
	}
	ep = epoll_create1(0);
	ev.data.fd = p[0];
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) ||
	    pthread_create(&th, NULL, writer, NULL))
		return 1;
	while (!done && epoll_wait(ep, &out, 1, -1) == 1) {
		for (;;) {
			ssize_t n = read(p[0], buf, sizeof(buf));

			if (n > 0) {
				drained += n;
				continue;
			}
			if (n == 0)
				done = 1;
			break;
		}
	}
	pthread_join(th, NULL);
	printf("drained %ld\n", drained);
	close(ep);
	close(p[0]);
	return 0;
}
