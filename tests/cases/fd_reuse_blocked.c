// SPDX-License-Identifier: MIT
/* Bug: shutdown closes the pipe a reader thread is blocked reading, to "wake it up".
 * It does not wake it (the read goes on with the old pipe), and the number is free
 * for the next open while the reader still believes it owns it. The finding is the
 * close, with the blocked thread's read. The main thread waits until the reader is
 * asleep in read (its state in /proc), then closes, then writes so the read returns.
 * With --checks heap nothing is reported. */
// variant: heap --checks heap
// expect[base]: fd-reuse function=shutdown_reader line=51 severity=error details.reason="another thread is blocked on it" details.call=close details.opened_by=pipe count=1
// expect[base]: fd-reuse role=blocked function=reader line=31
// expect-none[heap]: fd-reuse
// expect-none: bad-fd
// expect-none: double-close
// expect-exit: 0
// expect-stdout: read 1
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int p[2];
static volatile pid_t reader_tid;

static void *reader(void *arg)
{
	char c;

	reader_tid = (pid_t)syscall(SYS_gettid);
	*(ssize_t *)arg = read(p[0], &c, 1);
	return NULL;
}

static int asleep(pid_t tid)
{
	char path[64], buf[256] = "";
	int fd, n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strstr(buf, ") S ");
}

static void shutdown_reader(void)
{
	close(p[0]);
}

int main(void)
{
	pthread_t th;
	ssize_t got = -1;

	if (pipe(p) || pthread_create(&th, NULL, reader, &got))
		return 1;
	while (!reader_tid || !asleep(reader_tid))
		usleep(1000);
	shutdown_reader();
	(void)!write(p[1], "x", 1);
	pthread_join(th, NULL);
	close(p[1]);
	printf("read %zd\n", got);
	return 0;
}
