// SPDX-License-Identifier: MIT
/* Clean control: the pthread_t lives in a job block the thread itself frees once it
 * has detached itself - by the time pthread_create returns, the handle's storage may
 * be freed (and, on a guard page, unreadable): vigil must not read it then. All
 * threads share one CPU, so a new thread can run before its creator resumes. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// expect-none: thread-leak
// expect-none: crash
// expect-none: use-after-free
// expect-exit: 0
// expect-stdout: jobs 400
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

struct job {
	pthread_t th;
	int n;
};

static int ran;

static void *run(void *arg)
{
	struct job *j = arg;

	pthread_detach(j->th);
	__atomic_add_fetch(&ran, 1, __ATOMIC_RELAXED);
	free(j);
	return NULL;
}

int main(void)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	for (int i = 0; i < 400; i++) {
		struct job *j = malloc(sizeof(*j));

		if (!j)
			return 1;
		j->n = i;
		if (pthread_create(&j->th, NULL, run, j))
			return 1;
	}
	while (__atomic_load_n(&ran, __ATOMIC_RELAXED) < 400)
		sched_yield();
	printf("jobs %d\n", ran);
	return 0;
}
