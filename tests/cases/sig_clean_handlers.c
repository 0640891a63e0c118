// SPDX-License-Identifier: MIT
/* Clean control: handlers that only use async-signal-safe calls (write, sigprocmask,
 * a sig_atomic_t flag, errno saved and restored), installed every way, with what the
 * program can observe of vigil's wrapper checked: SA_SIGINFO handlers get the real
 * siginfo (si_signo, si_code, sigqueue's value) and context; sigaction's old action
 * and signal()'s return are the program's own handlers, flags and mask; sa_mask is
 * blocked inside the handler; SA_NODEFER lets the signal nest, its absence defers
 * it; a one-shot System V handler re-arms itself from inside; SIG_IGN stays ignored.
 * Main's own printf and malloc afterwards are fine. */
// expect-none: signal-unsafe-call
// expect-none: crash
// expect-stdout: siginfo ok 2
// expect-stdout: view ok
// expect-stdout: signal() ok
// expect-stdout: nodefer order ABab
// expect-stdout: deferred order AaBb
// expect-stdout: re-armed 3
// expect-stdout: ignored ok
// expect-exit: 0
#define _GNU_SOURCE /* REG_RIP */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t info_ok, plain_hits, depth;
static char order[8];
static volatile sig_atomic_t order_n;

static void mark(char c)
{
	if (order_n < (sig_atomic_t)sizeof(order) - 1)
		order[order_n++] = c;
}

static void on_info(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	sigset_t now;
	int saved = errno;

	sigprocmask(SIG_BLOCK, NULL, &now);
	if (sig == SIGUSR1 && si->si_signo == SIGUSR1 && uc && uc->uc_mcontext.gregs[REG_RIP] &&
	    sigismember(&now, SIGUSR2) && sigismember(&now, SIGUSR1) &&
	    ((si->si_code == SI_TKILL && si->si_pid == getpid()) ||
	     (si->si_code == SI_QUEUE && si->si_value.sival_int == 42)))
		info_ok++;
	write(STDOUT_FILENO, "", 0);
	errno = saved;
}

static void on_plain(int sig)
{
	if (sig == SIGUSR2)
		plain_hits++;
}

static void on_other(int sig)
{
	(void)sig;
}

/* Raises its own signal once more from inside: with SA_NODEFER it nests at once. */
static void on_nest(int sig)
{
	int first = !depth++;

	mark(first ? 'A' : 'B');
	if (first)
		raise(sig);
	mark(first ? 'b' : 'a');
	depth--;
}

/* System V style: the disposition resets on delivery, the handler installs itself
 * again (signal functions are async-signal-safe). */
static void on_rearm(int sig)
{
	plain_hits++;
	sysv_signal(sig, on_rearm);
}

static void on_defer(int sig)
{
	static volatile sig_atomic_t calls;
	int first = !calls++;

	mark(first ? 'A' : 'B');
	if (first)
		raise(sig);
	mark(first ? 'a' : 'b');
}

int main(void)
{
	struct sigaction sa, old;
	union sigval v = {.sival_int = 42};
	char *p;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	if (sigaction(SIGUSR1, &sa, NULL))
		return 1;
	raise(SIGUSR1);
	sigqueue(getpid(), SIGUSR1, v);
	printf("siginfo ok %d\n", (int)info_ok);

	if (sigaction(SIGUSR1, NULL, &old))
		return 1;
	if (old.sa_sigaction == on_info && (old.sa_flags & SA_SIGINFO) &&
	    (old.sa_flags & SA_RESTART) && sigismember(&old.sa_mask, SIGUSR2) &&
	    !sigismember(&old.sa_mask, SIGINT))
		printf("view ok\n");

	if (signal(SIGUSR2, on_plain) == SIG_ERR)
		return 1;
	raise(SIGUSR2);
	if (signal(SIGUSR2, on_other) == on_plain && plain_hits == 1 &&
	    sigaction(SIGUSR2, NULL, &old) == 0 && old.sa_handler == on_other &&
	    !(old.sa_flags & SA_SIGINFO) && (old.sa_flags & SA_RESTART))
		printf("signal() ok\n");

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_nest;
	sa.sa_flags = SA_NODEFER;
	if (sigaction(SIGRTMIN, &sa, NULL))
		return 1;
	raise(SIGRTMIN);
	printf("nodefer order %s\n", order);

	memset(order, 0, sizeof(order));
	order_n = 0;
	sa.sa_handler = on_defer;
	sa.sa_flags = 0;
	if (sigaction(SIGRTMIN + 1, &sa, NULL))
		return 1;
	raise(SIGRTMIN + 1);
	printf("deferred order %s\n", order);

	plain_hits = 0;
	if (sysv_signal(SIGHUP, on_rearm) == SIG_ERR)
		return 1;
	for (int i = 0; i < 3; i++)
		raise(SIGHUP);
	printf("re-armed %d\n", (int)plain_hits);

	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL))
		return 1;
	raise(SIGPIPE);
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		printf("ignored ok\n");

	p = malloc(100);
	if (!p)
		return 1;
	snprintf(p, 100, "%d", plain_hits);
	free(p);
	return 0;
}
