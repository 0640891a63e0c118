// SPDX-License-Identifier: MIT
/* Bug: read_config opens the file for every request and loses the descriptor when
 * the file is empty (the early return misses the close). Ten requests leave ten
 * descriptors from that one open at exit: one fd-leak for the site, with the count.
 * A listening socket and a log file the program keeps until exit are one descriptor
 * per site and are not reported (fd_leak_min=2); with fd_leak_min=1 they are. With
 * --checks heap nothing is reported. */
// variant: heap --checks heap
// variant: strict VIGIL_OPTIONS=fd_leak_min=1
// expect[base,strict]: fd-leak function=read_config line=23 severity=warning details.fds=10 details.fds_created=12 details.opened_by=open details.reason="open at exit" count=1
// expect-none[base]: fd-leak function=main
// expect[strict]: fd-leak function=main line=38 details.fds=1 details.opened_by=socket
// expect-none[heap]: fd-leak
// expect-exit: 0
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

static int read_config(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		return 0; /* leaks fd */
	close(fd);
	return (int)n;
}

int main(void)
{
	int total = 0, listener;

	listener = socket(AF_INET, SOCK_STREAM, 0);
	for (int i = 0; i < 12; i++)
		total += read_config(i < 2 ? "/etc/hostname" : "/dev/null");
	return total < 0 || listener < 0;
}
