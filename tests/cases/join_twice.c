// SPDX-License-Identifier: MIT
/* Bug: a request handler is joined twice: once by the code that waits for it, once
 * more by a shutdown path that does not know. The second join is reported before
 * the real call, with the first join and the creation. glibc keeps the joined
 * thread's descriptor in its stack cache (no other thread is created in between)
 * and answers ESRCH, EBUSY to the tryjoin: that is what the program sees. */
// expect: thread-leak function=shutdown_handler line=43 role=call severity=warning details.reason="joined twice"
// expect: thread-leak function=wait_handler line=34 role=other-call details.reason="joined twice"
// expect: thread-leak function=main line=53 role=thread-create details.reason="joined twice"
// expect: thread-leak function=shutdown_handler line=45 role=call details.reason="joined twice"
// expect-none: thread-leak details.reason="neither joined nor detached"
// expect-none: thread-leak details.reason="joined while detached"
// expect-exit: 0
// expect-stdout: first join: Success, result 42
// expect-stdout: second join: No such process
// expect-stdout: tryjoin after join: Device or resource busy
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void *handler(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)42;
}

static void wait_handler(pthread_t th)
{
	void *res = NULL;
	int r;

	r = pthread_join(th, &res);
	printf("first join: %s, result %d\n", strerror(r), (int)(intptr_t)res);
}

static void shutdown_handler(pthread_t th)
{
	int r;

	/* Bug: th was joined already. */
	r = pthread_join(th, NULL);
	printf("second join: %s\n", strerror(r));
	r = pthread_tryjoin_np(th, NULL);
	printf("tryjoin after join: %s\n", strerror(r));
}

int main(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, handler, NULL))
		return 1;
	wait_handler(th);
	shutdown_handler(th);
	return 0;
}
