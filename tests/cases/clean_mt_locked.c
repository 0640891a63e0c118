// SPDX-License-Identifier: MIT
/* Clean: two threads call localtime and strtok, but only under one mutex, copying the
 * result out before they unlock - the calls are serialised, not a race. */
// vigil-args: --checks threads
// expect-none: mt-unsafe-call
// expect-stdout: done
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t libc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t turn;

static void *work(void *arg)
{
	char line[32], *tok;
	time_t t = 86400 * (long)(size_t)arg;
	struct tm copy;

	pthread_barrier_wait(&turn);
	pthread_mutex_lock(&libc_lock);
	copy = *localtime(&t);
	strcpy(line, "a,b,c");
	tok = strtok(line, ",");
	while (tok)
		tok = strtok(NULL, ",");
	pthread_mutex_unlock(&libc_lock);
	return copy.tm_mday ? NULL : arg;
}

int main(void)
{
	pthread_t th[2];

	pthread_barrier_init(&turn, NULL, 2);
	for (long i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, work, (void *)i);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	puts("done");
	return 0;
}
