// SPDX-License-Identifier: MIT
/* Clean control: a worker blocked in pthread_cond_wait is cancelled (the wait is a
 * cancellation point; its cleanup handler unlocks the mutex glibc re-took for it),
 * joined, and only then is the cond destroyed: nobody waits on it any more. */
// expect-none: destroy-locked
// expect-none: cond-wait-not-owner
// expect-none: unlock-not-owner
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: destroy 0
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static int waiting;

static void unlock_on_cancel(void *m)
{
	pthread_mutex_unlock(m);
}

static void *worker(void *arg)
{
	pthread_mutex_lock(&lock);
	pthread_cleanup_push(unlock_on_cancel, &lock);
	waiting = 1;
	for (;;)
		pthread_cond_wait(&work, &lock);
	pthread_cleanup_pop(1);
	return arg;
}

int main(void)
{
	pthread_t th;
	int in_wait = 0;

	if (pthread_create(&th, NULL, worker, NULL))
		return 1;
	/* The worker sets waiting under the lock and frees it only inside the wait. */
	while (!in_wait) {
		pthread_mutex_lock(&lock);
		in_wait = waiting;
		pthread_mutex_unlock(&lock);
	}
	pthread_cancel(th);
	pthread_join(th, NULL);
	printf("destroy %d\n", pthread_cond_destroy(&work));
	pthread_mutex_destroy(&lock);
	return 0;
}
