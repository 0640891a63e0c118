// SPDX-License-Identifier: MIT
/* main ends with pthread_exit() while a worker still runs; the process exits when the
 * worker returns, and exit handlers run on the worker's thread, with the main thread
 * gone. The 100 blocks a global holds stay reachable; the one the worker drops is a
 * leak. */
// expect-stdout: worker done
// expect: leak function=lose_one line=33
// expect-none: leak function=hold_blocks
// expect-none: crash
// expect-exit: 0
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NHELD 100

static char *held[NHELD];

static void hold_blocks(void)
{
	for (int i = 0; i < NHELD; i++) {
		held[i] = malloc(32);
		if (!held[i])
			exit(1);
		snprintf(held[i], 32, "held %d", i);
	}
}

static size_t lose_one(void)
{
	char *lost = malloc(77);

	if (!lost)
		return 0;
	snprintf(lost, 77, "dropped by the worker");
	return strlen(lost);
}

/* The exit handlers run on this thread's stack, where the frames of lose_one lay: a
 * conservative scan cannot tell a stale slot from a live one, so the dead area is
 * cleared, as the frames of any later work would do. */
static __attribute__((noinline)) void scrub_stack(void)
{
	volatile char pad[16384];

	memset((char *)pad, 0, sizeof(pad));
}

static void *worker(void *arg)
{
	size_t n;

	(void)arg;
	/* Let main reach pthread_exit first. */
	usleep(200 * 1000);
	n = lose_one();
	scrub_stack();
	printf("worker done%s\n", n ? "" : " badly");
	return NULL;
}

int main(void)
{
	pthread_t th;

	hold_blocks();
	if (pthread_create(&th, NULL, worker, NULL))
		return 1;
	pthread_exit(NULL);
}
