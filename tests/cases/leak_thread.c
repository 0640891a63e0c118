// SPDX-License-Identifier: MIT
/* Leak from a thread that has exited: workers build session buffers and lose them;
 * the threads are joined long before exit, so nothing of theirs is a root any more. */
// expect: leak function=open_session line=25 details.direct_bytes>0
// expect-none: crash
// expect-exit: 0
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 3

struct session {
	char peer[32];
	unsigned char key[32];
	int worker;
};

static int open_session(int worker, int n)
{
	struct session *s;
	int sum = 0;

	s = malloc(sizeof(*s));
	if (!s)
		return 0;
	snprintf(s->peer, sizeof(s->peer), "peer-%d-%d", worker, n);
	for (size_t i = 0; i < sizeof(s->key); i++)
		s->key[i] = (unsigned char)(i * 7 + (size_t)n);
	s->worker = worker;
	for (size_t i = 0; i < sizeof(s->key); i++)
		sum += s->key[i];
	return sum;
}

static void *worker_main(void *arg)
{
	int id = (int)(long)arg;
	long sum = 0;

	for (int n = 0; n < 10; n++)
		sum += open_session(id, n);
	return (void *)sum;
}

int main(void)
{
	pthread_t th[NTHREADS];
	long total = 0;

	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker_main, (void *)i))
			return 1;
	for (int i = 0; i < NTHREADS; i++) {
		void *ret;

		if (pthread_join(th[i], &ret))
			return 1;
		total += (long)ret;
	}
	printf("session checksum %ld\n", total);
	return 0;
}
