// SPDX-License-Identifier: MIT
/* Not a leak: the main thread keeps its per-thread cache in thread-local storage, and
 * a second thread still running at exit keeps one on its stack and one in its TLS.
 * TLS and the stacks of live threads are roots of the leak scan; with
 * report_reachable=1 both blocks are leak-reachable findings, so a leak scan that
 * never ran cannot pass. */
// variant: reachable VIGIL_OPTIONS=report_reachable=1
// expect-none: leak
// expect-none: crash
// expect-exit: 0
// expect[reachable]: leak-reachable function=thread_cache line=32
// expect[reachable]: leak-reachable function=resident line=43
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cache {
	char tag[48];
	int hits;
};

static __thread struct cache *t_cache;
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready;

static struct cache *thread_cache(const char *who)
{
	if (!t_cache) {
		t_cache = calloc(1, sizeof(*t_cache));
		if (!t_cache)
			exit(1);
		snprintf(t_cache->tag, sizeof(t_cache->tag), "cache of %s", who);
	}
	t_cache->hits++;
	return t_cache;
}

static void *resident(void *arg)
{
	char *scratch = malloc(256);

	(void)arg;
	if (!scratch)
		exit(1);
	snprintf(scratch, 256, "%s", thread_cache("resident thread")->tag);
	pthread_mutex_lock(&ready_lock);
	ready = 1;
	pthread_cond_signal(&ready_cond);
	pthread_mutex_unlock(&ready_lock);
	for (;;)
		pause();
	return scratch;
}

int main(void)
{
	pthread_t th;

	printf("%s\n", thread_cache("main thread")->tag);
	if (pthread_create(&th, NULL, resident, NULL))
		return 1;
	pthread_mutex_lock(&ready_lock);
	while (!ready)
		pthread_cond_wait(&ready_cond, &ready_lock);
	pthread_mutex_unlock(&ready_lock);
	printf("hits %d\n", thread_cache("main thread")->hits);
	return 0;
}
