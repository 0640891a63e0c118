// SPDX-License-Identifier: MIT
/* Clean control: a fixed pool of workers fed through a task queue (mutex + cond),
 * shut down with a broadcast and joined. Each task transfers between two accounts,
 * locking the two account mutexes in address order, as a careful pool would. */
// expect-none: lock-order-inversion
// expect-none: deadlock
// expect-none: thread-leak
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: tasks 5000 total 8000
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define NWORKERS 4
#define NACCOUNTS 8
#define NTASKS 5000

struct account {
	pthread_mutex_t lock;
	int balance;
};

static struct account accounts[NACCOUNTS];
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;
static int next_task, queued, done, stopping;

static void transfer(struct account *from, struct account *to)
{
	struct account *first = (uintptr_t)from < (uintptr_t)to ? from : to;
	struct account *second = first == from ? to : from;

	pthread_mutex_lock(&first->lock);
	pthread_mutex_lock(&second->lock);
	from->balance--;
	to->balance++;
	pthread_mutex_unlock(&second->lock);
	pthread_mutex_unlock(&first->lock);
}

static void *worker(void *arg)
{
	for (;;) {
		int task;

		pthread_mutex_lock(&queue_lock);
		while (next_task == queued && !stopping)
			pthread_cond_wait(&queue_cond, &queue_lock);
		if (next_task == queued) {
			pthread_mutex_unlock(&queue_lock);
			return arg;
		}
		task = next_task++;
		pthread_mutex_unlock(&queue_lock);
		transfer(&accounts[task % NACCOUNTS], &accounts[(task * 3 + 1) % NACCOUNTS]);
		pthread_mutex_lock(&queue_lock);
		done++;
		pthread_mutex_unlock(&queue_lock);
	}
}

int main(void)
{
	pthread_t th[NWORKERS];
	int total = 0;

	for (int i = 0; i < NACCOUNTS; i++) {
		pthread_mutex_init(&accounts[i].lock, NULL);
		accounts[i].balance = 1000;
	}
	for (int i = 0; i < NWORKERS; i++)
		if (pthread_create(&th[i], NULL, worker, NULL))
			return 1;
	for (int i = 0; i < NTASKS; i++) {
		pthread_mutex_lock(&queue_lock);
		queued++;
		pthread_cond_signal(&queue_cond);
		pthread_mutex_unlock(&queue_lock);
	}
	pthread_mutex_lock(&queue_lock);
	stopping = 1;
	pthread_cond_broadcast(&queue_cond);
	pthread_mutex_unlock(&queue_lock);
	for (int i = 0; i < NWORKERS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NACCOUNTS; i++) {
		total += accounts[i].balance;
		pthread_mutex_destroy(&accounts[i].lock);
	}
	printf("tasks %d total %d\n", done, total);
	return 0;
}
