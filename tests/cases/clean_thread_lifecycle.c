// SPDX-License-Identifier: MIT
/* Clean control: every way a thread can be collected correctly - joined, detached
 * by its creator, by itself or at creation, ended with pthread_exit, joined after a
 * tryjoin or timedjoin that found it still running, clockjoin, a worker pool joined
 * at shutdown, hundreds of create/join rounds that reuse the same descriptors, a
 * joiner cancelled while it waits (the thread is then joined by another), and a
 * fork child that exits while its parent's thread runs. Nothing is reported. */
// variant: heap --checks heap
// expect-none: thread-leak
// expect-none: crash
// expect-exit: 0
// expect-report[base]: stats.threads_created>=300
// expect-report[base]: stats.thread_table_overflow=0
// expect-stdout: joined 4 sum 10
// expect-stdout: tryjoin busy, then joined
// expect-stdout: timedjoin timed out, then joined
// expect-stdout: clockjoin joined
// expect-stdout: pool ran 1000 tasks
// expect-stdout: reuse rounds 300
// expect-stdout: cancelled joiner, then joined
// expect-stdout: child exited 0
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static sem_t go;

static void *identity(void *arg)
{
	return arg;
}

static void *wait_go(void *arg)
{
	sem_wait(&go);
	return arg;
}

static void *exit_early(void *arg)
{
	pthread_exit(arg);
}

static void *self_detach(void *arg)
{
	pthread_detach(pthread_self());
	return arg;
}

static void joined(void)
{
	pthread_t th[4];
	long sum = 0;

	for (long i = 0; i < 4; i++)
		if (pthread_create(&th[i], NULL, i % 2 ? exit_early : identity, (void *)(i + 1)))
			exit(1);
	for (int i = 0; i < 4; i++) {
		void *res;
		if (!pthread_join(th[i], &res))
			sum += (long)res;
	}
	printf("joined 4 sum %ld\n", sum);
}

static void detached(void)
{
	pthread_attr_t attr;
	pthread_t th;

	if (!pthread_create(&th, NULL, identity, NULL))
		pthread_detach(th);
	if (!pthread_create(&th, NULL, self_detach, NULL))
		(void)th;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (!pthread_create(&th, &attr, identity, NULL))
		(void)th;
	pthread_attr_destroy(&attr);
}

static void try_then_join(void)
{
	struct timespec ts;
	pthread_t th;
	int r;

	if (pthread_create(&th, NULL, wait_go, NULL))
		exit(1);
	r = pthread_tryjoin_np(th, NULL);
	sem_post(&go);
	if (r == EBUSY && !pthread_join(th, NULL))
		printf("tryjoin busy, then joined\n");

	if (pthread_create(&th, NULL, wait_go, NULL))
		exit(1);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	r = pthread_timedjoin_np(th, NULL, &ts);
	sem_post(&go);
	ts.tv_sec += 60;
	if (r == ETIMEDOUT && !pthread_timedjoin_np(th, NULL, &ts))
		printf("timedjoin timed out, then joined\n");

	if (pthread_create(&th, NULL, identity, NULL))
		exit(1);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 60;
	if (!pthread_clockjoin_np(th, NULL, CLOCK_MONOTONIC, &ts))
		printf("clockjoin joined\n");
}

#define POOL 4
#define TASKS 1000

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static int queued, done, stopping;

static void *pool_worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&qlock);
	for (;;) {
		while (!queued && !stopping)
			pthread_cond_wait(&qcond, &qlock);
		if (!queued)
			break;
		queued--;
		done++;
	}
	pthread_mutex_unlock(&qlock);
	return NULL;
}

static void pool(void)
{
	pthread_t th[POOL];

	for (int i = 0; i < POOL; i++)
		if (pthread_create(&th[i], NULL, pool_worker, NULL))
			exit(1);
	for (int i = 0; i < TASKS; i++) {
		pthread_mutex_lock(&qlock);
		queued++;
		pthread_cond_signal(&qcond);
		pthread_mutex_unlock(&qlock);
	}
	pthread_mutex_lock(&qlock);
	stopping = 1;
	pthread_cond_broadcast(&qcond);
	pthread_mutex_unlock(&qlock);
	for (int i = 0; i < POOL; i++)
		pthread_join(th[i], NULL);
	printf("pool ran %d tasks\n", done);
}

/* glibc hands a joined thread's descriptor to the next thread: the same pthread_t
 * comes back, and joining it is joining the new thread. */
static void reuse(void)
{
	int rounds = 0;

	for (int i = 0; i < 300; i++) {
		pthread_t th;

		if (pthread_create(&th, NULL, identity, NULL))
			exit(1);
		rounds += !pthread_join(th, NULL);
	}
	printf("reuse rounds %d\n", rounds);
}

static pthread_t target;

static void *joiner(void *arg)
{
	(void)arg;
	pthread_join(target, NULL);
	return NULL;
}

static void cancelled_joiner(void)
{
	pthread_t j;
	void *res;

	if (pthread_create(&target, NULL, wait_go, NULL) || pthread_create(&j, NULL, joiner, NULL))
		exit(1);
	/* Let the joiner block in its join (the cancellation works either way). */
	usleep(20 * 1000);
	pthread_cancel(j);
	if (pthread_join(j, &res) || res != PTHREAD_CANCELED)
		exit(1);
	sem_post(&go);
	if (!pthread_join(target, NULL))
		printf("cancelled joiner, then joined\n");
}

static void fork_with_thread(void)
{
	pthread_t th;
	int status;
	pid_t pid;

	if (pthread_create(&th, NULL, wait_go, NULL))
		exit(1);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		exit(0);
	sem_post(&go);
	pthread_join(th, NULL);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		printf("child exited %d\n", WEXITSTATUS(status));
}

int main(void)
{
	sem_init(&go, 0, 0);
	joined();
	detached();
	try_then_join();
	pool();
	reuse();
	cancelled_joiner();
	fork_with_thread();
	return 0;
}
