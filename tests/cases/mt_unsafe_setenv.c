// SPDX-License-Identifier: MIT
/* Bug: the main thread changes the environment with setenv while a worker thread
 * reads it with getenv: setenv may move the environment array the worker is
 * walking. Reported from the one setenv call, with the worker's getenv as the other
 * stack; the setenv made before the worker started and the unsetenv made after it
 * was joined are fine. */
// variant: heap --checks heap
// expect[base]: mt-unsafe-call function=reload_config line=31 severity=warning details.function=setenv details.reason="environment changed while threads run" details.threads=2 count=1
// expect[base]: mt-unsafe-call role=other-call function=worker_level line=24
// expect-none[base]: mt-unsafe-call line=49
// expect-none[base]: mt-unsafe-call details.function=unsetenv
// expect-none[heap]: mt-unsafe-call
// expect-exit: 0
// expect-stdout: level info
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_barrier_t read_once, reloaded;

static const char *worker_level(void)
{
	const char *v = getenv("APP_LOG_LEVEL");

	return v ? v : "none";
}

static void reload_config(void)
{
	setenv("APP_LOG_LEVEL", "debug", 1);
}

static void *worker(void *arg)
{
	char *out = arg;

	strcpy(out, worker_level());
	pthread_barrier_wait(&read_once);
	pthread_barrier_wait(&reloaded);
	return NULL;
}

int main(void)
{
	pthread_t th;
	char level[32];

	setenv("APP_LOG_LEVEL", "info", 1);
	pthread_barrier_init(&read_once, NULL, 2);
	pthread_barrier_init(&reloaded, NULL, 2);
	if (pthread_create(&th, NULL, worker, level))
		return 1;
	pthread_barrier_wait(&read_once);
	reload_config();
	pthread_barrier_wait(&reloaded);
	pthread_join(th, NULL);
	unsetenv("APP_LOG_LEVEL");
	printf("level %s\n", level);
	return 0;
}
