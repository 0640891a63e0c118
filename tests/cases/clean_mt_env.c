// SPDX-License-Identifier: MIT
/* Clean control for mt-unsafe-call: the environment is set up before any thread
 * starts, worker threads then read it with getenv as much as they like, and it is
 * changed again only after every worker was joined. Nothing is reported. */
// vigil-args: --checks threads
// expect-none: mt-unsafe-call
// expect-exit: 0
// expect-stdout: reads 40000
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 4
#define READS 10000

static char mode_var[] = "APP_MODE=fast";

static void *worker(void *arg)
{
	unsigned long n = 0;

	(void)arg;
	for (int i = 0; i < READS; i++) {
		const char *v = getenv(i & 1 ? "APP_MODE" : "APP_LEVEL");

		n += v && v[0] != '\0';
	}
	return (void *)n;
}

int main(void)
{
	pthread_t th[NTHREADS];
	unsigned long total = 0;

	setenv("APP_LEVEL", "info", 1);
	putenv(mode_var);
	unsetenv("APP_UNUSED");
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, NULL))
			return 1;
	for (int i = 0; i < NTHREADS; i++) {
		void *n;

		pthread_join(th[i], &n);
		total += (unsigned long)n;
	}
	setenv("APP_LEVEL", "debug", 1);
	unsetenv("APP_MODE");
	clearenv();
	printf("reads %lu\n", total);
	return 0;
}
