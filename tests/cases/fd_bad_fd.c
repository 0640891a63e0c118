// SPDX-License-Identifier: MIT
/* Bug: two writes to descriptors that are not open. flush_stats writes to a socket
 * the connection code closed already (the finding has that close and the socket's
 * creation), and report_error writes to the -1 of an open() that failed unchecked.
 * A read from a write-only descriptor also fails with EBADF but the descriptor is
 * open: that is not a bad-fd. With --checks heap nothing is reported. */
// variant: heap --checks heap
// expect[base]: bad-fd function=flush_stats line=24 severity=error details.fd=4 details.call=write details.reason=closed details.closed_by=close details.opened_by=socketpair
// expect[base]: bad-fd role=close function=drop_connection line=29
// expect[base]: bad-fd role=open function=main line=42
// expect[base]: bad-fd function=report_error line=34 details.call=write details.reason="negative descriptor"
// expect-none[base]: bad-fd function=main
// expect-none[heap]: bad-fd
// expect-none: double-close
// expect-exit: 0
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

static int stats_fd;

static void flush_stats(void)
{
	(void)!write(stats_fd, "stats\n", 6);
}

static void drop_connection(void)
{
	close(stats_fd);
}

static void report_error(int log)
{
	(void)!write(log, "error\n", 6);
}

int main(void)
{
	int sv[2], log, wronly;
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	stats_fd = sv[1];
	drop_connection();
	flush_stats();
	log = open("/nonexistent/dir/app.log", O_WRONLY | O_APPEND);
	report_error(log);
	wronly = open("/dev/null", O_WRONLY);
	(void)!read(wronly, &c, 1);
	close(wronly);
	close(sv[0]);
	return 0;
}
