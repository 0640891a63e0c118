// SPDX-License-Identifier: MIT
/* Clean control: a storm of signals on busy threads. Four threads allocate, format
 * and print while SIGUSR1 arrives from a fifth with pthread_kill, as fast as it can,
 * and a profiling timer interrupts them all; both handlers are async-signal-safe
 * (counters, errno restored), one nests (SA_NODEFER). Whatever the threads were
 * doing when interrupted, their own calls are not signal-unsafe calls, and their
 * errno is left alone. */
// expect-none: signal-unsafe-call
// expect-none: crash
// expect-stdout: storm over
// expect-exit: 0
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define WORKERS 4
#define ROUNDS 100000

static volatile sig_atomic_t usr1_hits, prof_hits, stop;
static pthread_t workers[WORKERS];

static void on_usr1(int sig)
{
	int saved = errno;

	(void)sig;
	usr1_hits++;
	errno = saved;
}

static void on_prof(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_signo == SIGPROF)
		prof_hits++;
}

static void *work(void *arg)
{
	FILE *null = fopen("/dev/null", "w");
	int bad = 0;

	(void)arg;
	if (!null)
		return (void *)1;
	for (int i = 0; i < ROUNDS; i++) {
		char *p = malloc(16 + i % 200);

		if (!p)
			return (void *)1;
		errno = 0;
		snprintf(p, 16, "%d", i);
		fprintf(null, "%s\n", p);
		if (errno)
			bad++; /* a handler that leaked errno into this thread */
		free(p);
	}
	fclose(null);
	return (void *)(long)bad;
}

static void *pester(void *arg)
{
	(void)arg;
	while (!stop)
		for (int i = 0; i < WORKERS; i++)
			pthread_kill(workers[i], SIGUSR1);
	return NULL;
}

int main(void)
{
	struct itimerval it = {.it_interval = {.tv_usec = 200}, .it_value = {.tv_usec = 200}};
	struct sigaction sa;
	pthread_t p;
	long bad = 0;
	void *r;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR1, &sa, NULL))
		return 1;
	sa.sa_sigaction = on_prof;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
	if (sigaction(SIGPROF, &sa, NULL))
		return 1;
	setitimer(ITIMER_PROF, &it, NULL);
	for (int i = 0; i < WORKERS; i++)
		if (pthread_create(&workers[i], NULL, work, NULL))
			return 1;
	if (pthread_create(&p, NULL, pester, NULL))
		return 1;
	for (int i = 0; i < WORKERS; i++) {
		pthread_join(workers[i], &r);
		bad += (long)r;
	}
	stop = 1;
	pthread_join(p, NULL);
	it.it_value.tv_usec = it.it_interval.tv_usec = 0;
	setitimer(ITIMER_PROF, &it, NULL);
	printf("storm over\n");
	fprintf(stderr, "usr1 %d prof %d bad %ld\n", (int)usr1_hits, (int)prof_hits, bad);
	return bad != 0;
}
