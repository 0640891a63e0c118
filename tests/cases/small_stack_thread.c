// SPDX-License-Identifier: MIT
/* A thread created with the smallest stack the system allows (PTHREAD_STACK_MIN)
 * calls malloc with about 7 KiB of it already in use. Natively that fits; vigil's
 * wrapper (stack capture and all) must fit in what is left too. */
// expect-stdout: ok
// expect-none: crash
// expect-exit: 0
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN_USE (7 * 1024)

static void *deep_malloc(void *arg)
{
	volatile char frame[IN_USE];
	char *p;

	(void)arg;
	for (size_t i = 0; i < sizeof(frame); i += 64)
		frame[i] = (char)i;
	p = malloc(48);
	if (!p)
		return NULL;
	p[0] = frame[64];
	free(p);
	return (void *)1;
}

int main(void)
{
	pthread_attr_t attr;
	pthread_t th;
	void *res = NULL;
	int err;

	if (pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN))
		return 1;
	err = pthread_create(&th, &attr, deep_malloc, NULL);
	if (err) {
		printf("pthread_create: %s\n", strerror(err));
		return 1;
	}
	pthread_join(th, &res);
	printf("%s\n", res ? "ok" : "malloc failed");
	return 0;
}
