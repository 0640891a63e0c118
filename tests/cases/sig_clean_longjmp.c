// SPDX-License-Identifier: MIT
/* Clean control: handlers that leave by siglongjmp, as shells and interpreters do,
 * never return through vigil's wrapper. After the jump the program is no longer in
 * a handler: its mallocs and printfs, made even deeper in the stack than the
 * handler's frame was, are not signal-unsafe calls. Also with the handler on the
 * program's own alternate stack (SA_ONSTACK), and with a SIGSEGV handler (the
 * signal vigil keeps for crashes) that a memory probe leaves the same way. */
// expect-none: signal-unsafe-call
// expect-none: crash
// expect-stdout: rounds 3, on the alternate stack 2, probes 2
// expect-exit: 0
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALT_SIZE (64 * 1024)

static sigjmp_buf back;
static volatile int *volatile nowhere;
static volatile sig_atomic_t jumps;

static void on_sig(int sig)
{
	(void)sig;
	jumps++;
	siglongjmp(back, 1);
}

/* Raises from a few frames down, so the handler runs below main's frame. */
static int raise_deep(int sig, int n)
{
	volatile char pad[512];

	memset((char *)pad, n, sizeof(pad));
	if (n)
		return raise_deep(sig, n - 1) + pad[0];
	raise(sig);
	return 0;
}

/* Deeper than the handler ever was, then the calls a handler must not make. */
static int work_deep(int n)
{
	volatile char pad[512];
	char *p;
	int r;

	memset((char *)pad, n, sizeof(pad));
	if (n)
		return work_deep(n - 1) + pad[0];
	p = malloc(64);
	if (!p)
		return 0;
	r = snprintf(p, 64, "work %d", n);
	printf("%s\n", p);
	free(p);
	return r;
}

int main(void)
{
	struct sigaction sa;
	stack_t ss;
	int rounds = 0, alt = 0, probes = 0;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_sig;
	if (sigaction(SIGUSR1, &sa, NULL))
		return 1;
	for (int i = 0; i < 3; i++) {
		if (!sigsetjmp(back, 1))
			raise_deep(SIGUSR1, 8);
		rounds += work_deep(16) > 0;
	}

	ss.ss_sp = malloc(ALT_SIZE);
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 0;
	if (!ss.ss_sp || sigaltstack(&ss, NULL))
		return 1;
	sa.sa_flags = SA_ONSTACK;
	if (sigaction(SIGUSR2, &sa, NULL))
		return 1;
	for (int i = 0; i < 2; i++) {
		if (!sigsetjmp(back, 1))
			raise_deep(SIGUSR2, 2);
		alt += work_deep(4) > 0;
	}

	sa.sa_flags = 0;
	if (sigaction(SIGSEGV, &sa, NULL))
		return 1;
	for (int i = 0; i < 2; i++) {
		if (!sigsetjmp(back, 1))
			probes += *nowhere;
		probes += work_deep(8) > 0;
	}
	printf("rounds %d, on the alternate stack %d, probes %d\n", rounds, alt, probes);
	return jumps == 7 ? 0 : 1;
}
