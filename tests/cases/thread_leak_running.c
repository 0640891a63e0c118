// SPDX-License-Identifier: MIT
/* Bug: main starts a listener thread that blocks forever on a pipe nobody writes,
 * then returns: exit() ends the process under the thread's feet. The finding says
 * the thread was still running. */
// expect: thread-leak function=start_listener line=33 role=thread-create details.reason="neither joined nor detached" details.running=1 details.threads=1
// expect-exit: 0
// expect-stdout: listener started
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2];
static pthread_barrier_t up;

static void *listener(void *arg)
{
	char c;

	(void)arg;
	pthread_barrier_wait(&up);
	/* The write end stays open in main: this never returns. */
	while (read(fds[0], &c, 1) != 0)
		;
	return NULL;
}

static int start_listener(void)
{
	pthread_t th;

	if (pipe(fds))
		return -1;
	return pthread_create(&th, NULL, listener, NULL);
}

int main(void)
{
	pthread_barrier_init(&up, NULL, 2);
	if (start_listener())
		return 1;
	pthread_barrier_wait(&up);
	printf("listener started\n");
	return 0;
}
