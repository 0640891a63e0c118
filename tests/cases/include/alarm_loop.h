// SPDX-License-Identifier: MIT
/* A malloc/free loop that a SIGALRM handler interrupts after a second, most likely
 * inside the allocator: the exit-from-a-handler cases differ only in the handler. */
#ifndef VIGIL_CASES_ALARM_LOOP_H
#define VIGIL_CASES_ALARM_LOOP_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile size_t alarm_loop_sink;

/* Loops until on_alarm ends the process; returns 1 only if the loop cannot start or
 * an allocation fails. */
static inline int alarm_loop(void (*on_alarm)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return 1;
	printf("looping\n");
	fflush(stdout);
	alarm(1);
	for (size_t i = 0;; i++) {
		char *p = malloc(16 + i % 512);

		if (!p)
			return 1;
		p[0] = (char)i;
		alarm_loop_sink += (size_t)p[0];
		free(p);
	}
}

#endif
