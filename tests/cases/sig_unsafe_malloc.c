// SPDX-License-Identifier: MIT
/* Bug: signal handlers that allocate. SIGUSR1's (installed with sigaction) mallocs a
 * note and frees it; a worker thread's SIGUSR2 handler, sent with pthread_kill,
 * callocs. Each call is reported with the handler's stack on the thread that ran
 * it. The same allocations made by main and the worker outside the handlers are
 * not reported. */
// expect: signal-unsafe-call function=note_signal line=25 details.function=malloc
// expect: signal-unsafe-call function=note_signal line=31 details.function=free
// expect: signal-unsafe-call function=worker_signal line=38 details.function=calloc
// expect-none: signal-unsafe-call function=main
// expect-none: signal-unsafe-call function=worker
// expect-stdout: notes 1 1
// expect-exit: 0
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_barrier_t ready, sent;
static volatile sig_atomic_t noted, worker_noted;

static void note_signal(int sig)
{
	char *note = malloc(32);

	if (note) {
		note[0] = (char)sig;
		noted = 1;
	}
	free(note);
}

static void worker_signal(int sig)
{
	int *cell;

	cell = calloc(1, sizeof(*cell));
	if (cell)
		worker_noted = sig == SIGUSR2;
	free(cell);
}

static void *worker(void *arg)
{
	char *own = malloc(64);

	(void)arg;
	pthread_barrier_wait(&ready);
	/* The signal is pending before main reaches the second barrier: it is handled
	 * before this wait returns. */
	pthread_barrier_wait(&sent);
	free(own);
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	pthread_t t;
	char *own;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = note_signal;
	if (sigaction(SIGUSR1, &sa, NULL))
		return 1;
	sa.sa_handler = worker_signal;
	if (sigaction(SIGUSR2, &sa, NULL))
		return 1;
	pthread_barrier_init(&ready, NULL, 2);
	pthread_barrier_init(&sent, NULL, 2);
	if (pthread_create(&t, NULL, worker, NULL))
		return 1;
	raise(SIGUSR1);
	pthread_barrier_wait(&ready);
	pthread_kill(t, SIGUSR2);
	pthread_barrier_wait(&sent);
	pthread_join(t, NULL);
	own = malloc(16);
	if (!own)
		return 1;
	free(own);
	printf("notes %d %d\n", (int)noted, (int)worker_noted);
	return 0;
}
