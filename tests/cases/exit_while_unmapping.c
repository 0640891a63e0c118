// SPDX-License-Identifier: MIT
/* Regression: a thread unmaps memory while the process exits. The leak check read
 * the mappings before it stopped the threads, then read them directly: a page
 * unmapped in between crashed the exit (a detached thread's signal stack, freed as
 * it ended, did so under load). Here a thread unmaps a mapping page by page from an
 * exit handler on, so that some page goes while the check gathers its roots. The page
 * still mapped keeps its block reachable; the block dropped is still a leak. */
// expect: leak function=make_lost line=29 details.direct_bytes>0
// expect-none: leak function=keep_in_region
// expect-none: crash
// expect-exit: 0
// build-flags: -pthread
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096
#define PAGES 4096

static char *region;
static sem_t go, never;

/* Called in a loop so a stale copy of the last pointer in a dead stack slot cannot
 * hide every block. */
static __attribute__((noinline)) int make_lost(int i)
{
	char *p = malloc(48);

	if (!p)
		return 0;
	memset(p, i, 48);
	return p[i % 48];
}

/* The only pointer to the block lives in the first page, which stays mapped. */
static __attribute__((noinline)) void keep_in_region(void)
{
	void *p = malloc(64);

	memcpy(region, &p, sizeof(p));
}

static void *unmapper(void *arg)
{
	(void)arg;
	sem_wait(&go);
	for (int i = PAGES - 1; i >= 1; i--)
		munmap(region + (size_t)i * PAGE, PAGE);
	sem_wait(&never);
	return NULL;
}

static void start_unmapping(void)
{
	sem_post(&go);
}

int main(void)
{
	pthread_t th;
	int sum = 0;

	region = mmap(NULL, (size_t)PAGES * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		return 1;
	/* Resident: pages never touched are skipped without being read. */
	for (int i = 0; i < PAGES; i++)
		region[(size_t)i * PAGE + 8] = 1;
	keep_in_region();
	for (int i = 0; i < 8; i++)
		sum += make_lost(i);
	sem_init(&go, 0, 0);
	sem_init(&never, 0, 0);
	if (pthread_create(&th, NULL, unmapper, NULL))
		return 1;
	pthread_detach(th);
	/* Registered after vigil's handler, so it runs before it. */
	atexit(start_unmapping);
	return sum == -1;
}
