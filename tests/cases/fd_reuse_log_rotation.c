// SPDX-License-Identifier: MIT
/* Bug (the log-rotation bug): rotate_log closes the log, but the new log is opened
 * only on the next rotation. The request handler's log call keeps its old descriptor
 * number: its next line fails (a bad-fd, with the rotation's close), then the store
 * opens its data file, which gets that number, and the request log lines go into the
 * data file. The log call is the same call site (same full stack) before and after:
 * an fd-reuse at its write, with the rotation's close and the data file's open. With
 * --checks heap nothing is reported. */
// variant: heap --checks heap
// expect[base]: fd-reuse function=log_line line=32 severity=error details.reason="stale descriptor number" details.call=write details.closed_by=close details.opened_by=open details.fd=3 count=1
// expect[base]: fd-reuse role=close function=rotate_log line=38
// expect[base]: fd-reuse role=open function=open_store line=43
// expect-none[heap]: fd-reuse
// expect[base]: bad-fd function=log_line line=32 details.reason=closed details.closed_by=close
// expect-none[heap]: bad-fd
// expect-exit: 0
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int log_fd = -1, store_fd = -1;
static char log_path[] = "/tmp/vigil-rot-log-XXXXXX", store_path[] = "/tmp/vigil-rot-db-XXXXXX";

static void log_line(const char *msg)
{
	if (log_fd >= 0) {
		char line[128];

		snprintf(line, sizeof(line), "%s\n", msg);
		(void)!write(log_fd, line, strlen(line));
	}
}

static void rotate_log(void)
{
	close(log_fd); /* the new log is opened later, log_fd still holds the number */
}

static void open_store(void)
{
	store_fd = open(store_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
}

static void handle_request(int i)
{
	char msg[32];

	snprintf(msg, sizeof(msg), "request %d", i);
	log_line(msg);
}

int main(void)
{
	int t1 = mkstemp(log_path), t2 = mkstemp(store_path);

	close(t1);
	close(t2);
	log_fd = open(log_path, O_WRONLY | O_APPEND);
	for (int i = 0; i < 6; i++) {
		handle_request(i);
		if (i == 2)
			rotate_log();
		if (i == 3)
			open_store();
	}
	close(store_fd);
	unlink(log_path);
	unlink(store_path);
	return 0;
}
