// SPDX-License-Identifier: MIT
/* A thread walks the loaded objects with dl_iterate_phdr in a loop, holding the
 * loader's lock for most of its time, while main returns: vigil's exit path (the leak
 * scan enumerates modules too) must not hang on that lock or on the thread. */
// expect-stdout: iterating
// expect-none: crash
// expect-exit: 0
#define _GNU_SOURCE
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static volatile unsigned long walks;

static int count_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)info;
	(void)size;
	++*(unsigned long *)data;
	return 0;
}

static void *walker(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long n = 0;

		dl_iterate_phdr(count_object, &n);
		walks += n > 0;
	}
	return NULL;
}

int main(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, walker, NULL))
		return 1;
	while (walks < 1000)
		usleep(1000);
	printf("iterating\n");
	return 0;
}
