// SPDX-License-Identifier: MIT
/* Clean control for mt-unsafe-call across fork: the parent's main thread tokenizes
 * with strtok and reads the clock with localtime, then forks while a worker thread is
 * alive. The child has one thread: its strtok, localtime and setenv are fine,
 * although its thread id differs from the parent's first caller. */
// vigil-args: --checks threads
// expect-none: mt-unsafe-call
// expect-exit: 0
// expect-stdout: child 2 parent 2
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_barrier_t forked;

static int words(char *s)
{
	int n = 0;
	time_t t = 0;

	for (char *tok = strtok(s, " "); tok; tok = strtok(NULL, " "))
		n++;
	return localtime(&t) ? n : -1;
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&forked);
	return NULL;
}

int main(void)
{
	char a[] = "one two", b[] = "three four";
	pthread_t th;
	int status, n;
	pid_t pid;

	n = words(a);
	pthread_barrier_init(&forked, NULL, 2);
	if (pthread_create(&th, NULL, worker, NULL))
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setenv("CHILD", "1", 1);
		printf("child %d ", words(b));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	pthread_barrier_wait(&forked);
	pthread_join(th, NULL);
	printf("parent %d\n", n);
	return 0;
}
