// SPDX-License-Identifier: MIT
/* guard_rate=1 means every allocation of at most a page (alignment at most 16) is
 * served from the guard-page pool, as report.txt says ("every allocation on a guard
 * page"): the tests of the guard-page paths rely on it. 64 blocks in the main thread
 * and 64 in a new thread (its first allocations included) must all border an
 * inaccessible page. Clean otherwise. */
// vigil-env: VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=1
// expect-stdout: main: 64 of 64 guarded
// expect-stdout: thread: 64 of 64 guarded
// expect-none: * severity=error
// expect-exit: 0
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "include/guard_probe.h"

#define N 64
#define SIZE 48

static void *count_guarded(void *who)
{
	char *b[N];
	int guarded = 0;

	for (int i = 0; i < N; i++)
		b[i] = malloc(SIZE);
	for (int i = 0; i < N; i++)
		if (b[i] && guard_probe_borders(b[i], SIZE))
			guarded++;
	for (int i = 0; i < N; i++)
		free(b[i]);
	printf("%s: %d of %d guarded\n", (const char *)who, guarded, N);
	return NULL;
}

int main(void)
{
	pthread_t t;

	count_guarded("main");
	fflush(stdout);
	if (pthread_create(&t, NULL, count_guarded, "thread") || pthread_join(t, NULL))
		return 1;
	return 0;
}
