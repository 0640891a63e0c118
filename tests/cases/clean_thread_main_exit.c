// SPDX-License-Identifier: MIT
/* Clean control: main hands over to a server thread with pthread_exit, the idiom for
 * "the process lives as long as its threads". The server joins its helpers and is
 * the last thread: glibc runs the exit handlers on it, after its own TLS destructors,
 * and nobody is left to join it. It is not reported. */
// expect-none: thread-leak
// expect-none: crash
// expect-exit: 0
// expect-stdout: served 3
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *helper(void *arg)
{
	return arg;
}

static void *server(void *arg)
{
	int served = 0;

	(void)arg;
	/* Let main reach pthread_exit first. */
	usleep(100 * 1000);
	for (int i = 0; i < 3; i++) {
		pthread_t th;

		if (!pthread_create(&th, NULL, helper, NULL) && !pthread_join(th, NULL))
			served++;
	}
	printf("served %d\n", served);
	return NULL;
}

int main(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, server, NULL))
		return 1;
	pthread_exit(NULL);
}
