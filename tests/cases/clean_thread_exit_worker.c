// SPDX-License-Identifier: MIT
/* Clean control: a worker ends the process with exit() while main waits for it in
 * pthread_join, and main's other thread has been joined. The worker running the exit
 * and the thread a join waits for are not leaks. */
// expect-none: thread-leak
// expect-none: crash
// expect-exit: 3
// expect-stdout: worker exits
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *helper(void *arg)
{
	return arg;
}

static void *worker(void *arg)
{
	(void)arg;
	printf("worker exits\n");
	exit(3);
}

int main(void)
{
	pthread_t h, w;

	if (pthread_create(&h, NULL, helper, NULL) || pthread_join(h, NULL))
		return 1;
	if (pthread_create(&w, NULL, worker, NULL))
		return 1;
	pthread_join(w, NULL);
	return 0;
}
