// SPDX-License-Identifier: MIT
/* Clean: every kind of descriptor the fd checks follow, made and closed a thousand
 * times over (files, pipes, socket pairs, dup and F_DUPFD copies, eventfd, timerfd,
 * signalfd, epoll, inotify, memfd, FILE* and DIR* streams, fdopen and fdopendir of
 * descriptors made for them), used while open. Numbers are reused all the time by
 * other sites: nothing is reported. */
// expect-none: fd-leak
// expect-none: double-close
// expect-none: bad-fd
// expect-none: fd-reuse
// expect-none: nonblocking-spin
// expect-exit: 0
// expect-stdout: churned 1000
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int use(int fd, size_t n)
{
	static const char bytes[8] = {1};

	return fd < 0 || write(fd, bytes, n) != (ssize_t)n;
}

static int round_of(int i)
{
	int p[2], sv[2], fd, bad = 0;
	sigset_t mask;
	FILE *f;
	DIR *d;

	if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	bad |= use(p[1], 1) | use(sv[0], 1);
	fd = dup(p[0]);
	close(p[0]);
	close(fd);
	fd = fcntl(p[1], i & 1 ? F_DUPFD : F_DUPFD_CLOEXEC, 10);
	close(fd);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	fd = open("/dev/null", O_RDWR);
	bad |= use(fd, 1);
	close(fd);
	fd = eventfd(0, 0);
	bad |= use(fd, 8);
	close(fd);
	close(timerfd_create(CLOCK_MONOTONIC, 0));
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	close(signalfd(-1, &mask, 0));
	close(epoll_create1(0));
	close(inotify_init1(0));
	fd = memfd_create("churn", 0);
	bad |= use(fd, 1);
	close(fd);
	f = fopen("/dev/null", "w");
	if (!f)
		return 1;
	fputs("line\n", f);
	fclose(f);
	f = fdopen(open("/dev/null", O_RDONLY), "r");
	if (!f)
		return 1;
	fclose(f);
	d = opendir("/");
	if (!d)
		return 1;
	readdir(d);
	closedir(d);
	d = fdopendir(open("/", O_RDONLY | O_DIRECTORY));
	if (!d)
		return 1;
	closedir(d);
	return bad;
}

int main(void)
{
	int n = 0;

	for (int i = 0; i < 1000; i++)
		n += !round_of(i);
	printf("churned %d\n", n);
	return 0;
}
