// SPDX-License-Identifier: MIT
/* Clean control for mt-unsafe-call: worker threads use the reentrant forms
 * (strtok_r, localtime_r, gmtime_r, asctime_r, ctime_r, rand_r, strerror_r,
 * tmpnam with a buffer), each reads a directory stream of its own, and one after
 * the other they read a stream the main thread closes and reopens in between,
 * often at the same address (always in the reuse variant: no quarantine). strtok
 * itself is used by the main thread only, while the workers run. Nothing is
 * reported. */
// variant: threads --checks threads
// variant: reuse --checks threads VIGIL_OPTIONS=quarantine_mb=0
// expect-none: mt-unsafe-call
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: workers 4 tokens 3
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NTHREADS 4

static pthread_barrier_t start, turn;

static unsigned long reentrant_calls(unsigned id)
{
	char line[] = "a,b,c";
	char *save, buf[64], name[L_tmpnam];
	time_t t = 86400 * id;
	struct tm tm;
	unsigned seed = id;
	unsigned long sum = 0;
	DIR *d;

	for (char *tok = strtok_r(line, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		sum += (unsigned char)tok[0];
	sum += (unsigned long)localtime_r(&t, &tm)->tm_mday;
	sum += (unsigned long)gmtime_r(&t, &tm)->tm_yday;
	sum += strlen(asctime_r(&tm, buf));
	sum += strlen(ctime_r(&t, buf));
	sum += (unsigned long)rand_r(&seed);
	sum += (unsigned long)strerror_r(2, buf, sizeof(buf));
	sum += (unsigned long)tmpnam(name);
	d = opendir("/");
	if (d) {
		while (readdir(d))
			sum++;
		closedir(d);
	}
	return sum;
}

/* The main thread opens "/" once per worker and closes it after that worker's turn:
 * the streams often share an address, each read by one thread. */
static DIR *turn_dir;

static void read_in_turn(unsigned id)
{
	for (unsigned i = 0; i < NTHREADS; i++) {
		pthread_barrier_wait(&turn);
		if (i == id && turn_dir)
			readdir(turn_dir);
		pthread_barrier_wait(&turn);
	}
}

static void open_turns(void)
{
	for (unsigned i = 0; i < NTHREADS; i++) {
		turn_dir = opendir("/");
		pthread_barrier_wait(&turn);
		pthread_barrier_wait(&turn);
		if (turn_dir)
			closedir(turn_dir);
	}
}

static void *worker(void *arg)
{
	unsigned id = (unsigned)(unsigned long)arg;

	pthread_barrier_wait(&start);
	reentrant_calls(id);
	read_in_turn(id);
	return NULL;
}

static int count_tokens(char *s)
{
	int n = 0;

	for (char *tok = strtok(s, " "); tok; tok = strtok(NULL, " "))
		n++;
	return n;
}

int main(void)
{
	pthread_t th[NTHREADS];
	char cmd[] = "GET / HTTP/1.0";
	int tokens, joined = 0;

	pthread_barrier_init(&start, NULL, NTHREADS + 1);
	pthread_barrier_init(&turn, NULL, NTHREADS + 1);
	for (unsigned long i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i))
			return 1;
	tokens = count_tokens(cmd);
	pthread_barrier_wait(&start);
	open_turns();
	for (int i = 0; i < NTHREADS; i++)
		joined += !pthread_join(th[i], NULL);
	printf("workers %d tokens %d\n", joined, tokens);
	return 0;
}
