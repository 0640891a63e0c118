// SPDX-License-Identifier: MIT
/* The program raises SIGTERM, whose handler runs on an alternate signal stack
 * (SA_ONSTACK) and calls exit(4): vigil's exit path, the leak scan included, then runs
 * on that small stack, outside the thread's own. The ten blocks lost before the raise
 * must all be found. */
// expect: leak function=plant line=19 count=10
// expect-none: crash
// expect-exit: 4
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ALT_SIZE (64 * 1024)

static size_t plant(int i)
{
	char *lost = malloc(24);

	if (!lost)
		return 0;
	snprintf(lost, 24, "planted %d", i);
	return strlen(lost);
}

/* No stale copy of a planted pointer may stay below main's frame to keep it alive. */
static void scrub_stack(void)
{
	volatile char junk[16 * 1024];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0;
}

static void on_term(int sig)
{
	(void)sig;
	exit(4);
}

int main(void)
{
	struct sigaction sa;
	stack_t ss;
	size_t total = 0;

	ss.ss_sp = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 0;
	if (ss.ss_sp == MAP_FAILED || sigaltstack(&ss, NULL))
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sa.sa_flags = SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL))
		return 1;
	for (int i = 0; i < 10; i++)
		total += plant(i);
	scrub_stack();
	printf("planted %zu bytes of text\n", total);
	fflush(stdout);
	raise(SIGTERM);
	return 0;
}
