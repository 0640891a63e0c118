// SPDX-License-Identifier: MIT
/* Bug: load_config closes its descriptor on the error path and its caller closes it
 * again. A worker thread runs meanwhile: had it opened anything between the two
 * closes, it would have got that number and the second close would have closed the
 * worker's file. This time it failed with EBADF. The finding names the second close,
 * the first one and the open. With --checks heap nothing is reported. */
// variant: heap --checks heap
// expect[base]: double-close function=main line=52 severity=error details.fd=3 details.call=close details.closed_by=close details.opened_by=open count=1
// expect[base]: double-close role=close function=load_config line=26
// expect[base]: double-close role=open function=main line=46
// expect-none[heap]: double-close
// expect-none: bad-fd
// expect-none: fd-reuse
// expect-exit: 0
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

static pthread_barrier_t started, done;

static int load_config(int fd)
{
	char buf[16];

	if (read(fd, buf, sizeof(buf)) >= 0) {
		close(fd); /* "error": done with it here already */
		return -1;
	}
	return 0;
}

static void *worker(void *arg)
{
	pthread_barrier_wait(&started);
	pthread_barrier_wait(&done);
	return arg;
}

int main(void)
{
	pthread_t th;
	int fd;

	pthread_barrier_init(&started, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	fd = open("/dev/null", O_RDONLY);
	if (fd != 3 || pthread_create(&th, NULL, worker, NULL))
		return 1;
	pthread_barrier_wait(&started);
	if (load_config(fd) != -1)
		return 1;
	close(fd);
	pthread_barrier_wait(&done);
	pthread_join(th, NULL);
	return 0;
}
