// SPDX-License-Identifier: MIT
/* Clean control: POSIX's own pattern (pthread_cond_destroy, "EXAMPLES"): the last
 * user of an object broadcasts to its waiters and destroys the cond at once. The
 * waiters are woken, no longer blocked on the cond, so the destroy is valid even
 * though they have not returned from pthread_cond_wait yet (they still need the
 * mutex, which the destroying thread holds). glibc supports it. */
// expect-none: destroy-locked
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: destroy 0 woke 1
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int waiting, done, woke;

static void *waiter(void *arg)
{
	pthread_mutex_lock(&lock);
	waiting = 1;
	while (!done)
		pthread_cond_wait(&done_cond, &lock);
	woke = 1;
	pthread_mutex_unlock(&lock);
	return arg;
}

int main(void)
{
	pthread_t th;
	int in_wait = 0, r;

	if (pthread_create(&th, NULL, waiter, NULL))
		return 1;
	/* The waiter sets waiting under the lock and frees it only inside the wait. */
	while (!in_wait) {
		pthread_mutex_lock(&lock);
		in_wait = waiting;
		if (!in_wait)
			pthread_mutex_unlock(&lock);
	}
	done = 1;
	pthread_cond_broadcast(&done_cond);
	r = pthread_cond_destroy(&done_cond);
	pthread_mutex_unlock(&lock);
	pthread_join(th, NULL);
	printf("destroy %d woke %d\n", r, woke);
	return 0;
}
