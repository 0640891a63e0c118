// SPDX-License-Identifier: MIT
/* Bug: a pipe is torn down twice (an error path and the normal path both call
 * teardown) while a worker thread runs. Every close goes through one helper, so two
 * closes of neighbouring numbers come from one return address - which is not a
 * close-everything loop: the second teardown's closes are double closes. */
// variant: heap --checks heap
// expect[base]: double-close function=xclose line=26 details.call=close
// expect[base]: double-close role=close function=xclose line=26
// expect-none[heap]: double-close
// expect-none: bad-fd
// expect-exit: 0
// expect-stdout: torn down
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_barrier_t started, done;

static void *idle(void *arg)
{
	pthread_barrier_wait(&started);
	pthread_barrier_wait(&done);
	return arg;
}

static __attribute__((noinline)) void xclose(int fd) { close(fd); }

static __attribute__((noinline)) void teardown(int p[2])
{
	xclose(p[0]);
	xclose(p[1]);
}

int main(void)
{
	pthread_t t;
	int p[2];

	pthread_barrier_init(&started, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	if (pthread_create(&t, NULL, idle, NULL) || pipe(p))
		return 1;
	pthread_barrier_wait(&started);
	teardown(p);
	/* Bug: the normal path tears it down again. */
	teardown(p);
	pthread_barrier_wait(&done);
	pthread_join(t, NULL);
	puts("torn down");
	return 0;
}
