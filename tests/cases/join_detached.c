// SPDX-License-Identifier: MIT
/* Bug: joining detached threads - one detached with pthread_detach, one created
 * detached. Each join is reported before the real call, which the program still
 * makes: glibc answers EINVAL to a join, EBUSY to a tryjoin (the threads are kept
 * running until then, so the answers do not depend on timing), and the program
 * sees exactly those. */
// expect: thread-leak function=join_after_detach line=43 role=call severity=warning details.reason="joined while detached"
// expect: thread-leak function=join_after_detach line=41 role=other-call details.reason="joined while detached"
// expect: thread-leak function=join_after_detach line=39 role=thread-create details.reason="joined while detached"
// expect: thread-leak function=join_created_detached line=59 role=call details.reason="joined while detached"
// expect: thread-leak function=join_created_detached line=56 role=thread-create details.reason="joined while detached"
// expect: thread-leak function=join_created_detached line=61 role=call details.reason="joined while detached"
// expect-none: thread-leak details.reason="neither joined nor detached"
// expect-none: thread-leak details.reason="joined twice"
// expect-exit: 0
// expect-stdout: join after detach: Invalid argument
// expect-stdout: join of created-detached: Invalid argument
// expect-stdout: tryjoin of created-detached: Device or resource busy
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

/* One per thread: a post meant for the first thread must not let the second go. */
static sem_t release[2];

static void *wait_release(void *arg)
{
	sem_wait(arg);
	return NULL;
}

static void join_after_detach(void)
{
	pthread_t th;
	int r;

	if (pthread_create(&th, NULL, wait_release, &release[0]))
		return;
	pthread_detach(th);
	/* Bug: th is detached. */
	r = pthread_join(th, NULL);
	printf("join after detach: %s\n", strerror(r));
	sem_post(&release[0]);
}

static void join_created_detached(void)
{
	pthread_attr_t attr;
	pthread_t th;
	int r;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, wait_release, &release[1]))
		return;
	pthread_attr_destroy(&attr);
	r = pthread_join(th, NULL);
	printf("join of created-detached: %s\n", strerror(r));
	r = pthread_tryjoin_np(th, NULL);
	printf("tryjoin of created-detached: %s\n", strerror(r));
	sem_post(&release[1]);
}

int main(void)
{
	sem_init(&release[0], 0, 0);
	sem_init(&release[1], 0, 0);
	join_after_detach();
	join_created_detached();
	return 0;
}
