// SPDX-License-Identifier: MIT
/* Bug: the main thread and a worker both tokenize with strtok, whose position is one
 * static pointer for the whole process. The main thread parses its config first
 * while the worker waits; the worker's strtok is the one reported, with the main
 * thread's first call as the other stack. With --checks heap nothing is reported. */
// variant: heap --checks heap
// expect[base]: mt-unsafe-call function=parse_request line=31 severity=warning details.function=strtok details.reason="called from two threads" count=1
// expect[base]: mt-unsafe-call role=other-call function=parse_config line=22
// expect-none[heap]: mt-unsafe-call
// expect-exit: 0
// expect-stdout: fields 3 3
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_barrier_t config_done;

static int parse_config(char *line)
{
	int n = 0;

	for (char *tok = strtok(line, ","); tok; tok = strtok(NULL, ","))
		n++;
	return n;
}

static int parse_request(char *line)
{
	int n = 0;

	for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " "))
		n++;
	return n;
}

static void *worker(void *arg)
{
	char req[] = "GET /index.html HTTP/1.1";

	pthread_barrier_wait(&config_done);
	*(int *)arg = parse_request(req);
	return NULL;
}

int main(void)
{
	char cfg[] = "port=80,host=example,workers=4";
	pthread_t th;
	int nreq = 0, ncfg;

	pthread_barrier_init(&config_done, NULL, 2);
	if (pthread_create(&th, NULL, worker, &nreq))
		return 1;
	ncfg = parse_config(cfg);
	pthread_barrier_wait(&config_done);
	pthread_join(th, NULL);
	printf("fields %d %d\n", ncfg, nreq);
	return 0;
}
