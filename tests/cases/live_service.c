// SPDX-License-Identifier: MIT
/* A long-running service for the live reports (tests/integration/live.py): it frees
 * its config twice as it starts, then serves a request every 20 ms (a hundred small
 * blocks allocated and freed, a descriptor opened and closed, a 4 KiB block leaked)
 * and, half-way, writes an error to a log it never opened. It runs for argv[1] seconds
 * (default 1), so its findings come over time: the double-free at once, the bad-fd
 * half-way, the leak at exit; its samples of live heap bytes and open descriptors
 * make processes[].series, the heap growing. */
// expect: double-free function=start line=41 severity=error
// expect: bad-fd function=log_error line=46 details.reason="negative descriptor"
// expect: leak function=handle_request line=55
// expect-report: processes.0.series.1.t_ms>0
// expect-report: processes.0.series.1.heap_bytes>4096
// expect-report: processes.0.series.1.fds>=3
// expect-exit: 0
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *config;

static void reload(void)
{
	free(config); /* the bug: config is left dangling */
}

static void start(void)
{
	config = malloc(64);
	reload();
	free(config);
}

static void log_error(int log)
{
	(void)!write(log, "error\n", 6);
}

static void handle_request(int i)
{
	void *small[100];
	char *kept;
	int fd;

	kept = malloc(4096);
	snprintf(kept, 4096, "request %d", i);
	for (int k = 0; k < 100; k++)
		small[k] = malloc(16 + (size_t)k);
	for (int k = 0; k < 100; k++)
		free(small[k]);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? strtod(argv[1], NULL) : 1, t0 = now();
	struct timespec pause = {.tv_nsec = 20 * 1000000};
	int logged = 0;

	start();
	for (int i = 0; now() - t0 < seconds; i++) {
		handle_request(i);
		if (!logged && now() - t0 >= seconds / 2) {
			log_error(-1);
			logged = 1;
		}
		nanosleep(&pause, NULL);
	}
	printf("live_service done\n");
	return 0;
}
