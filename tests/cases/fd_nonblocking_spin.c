// SPDX-License-Identifier: MIT
/* Bug: wait_reply polls a non-blocking pipe in a busy loop: read, EAGAIN, read again,
 * without poll or a sleep in between, burning a core until the reply comes (here it
 * never does and the loop gives up after 100000 tries). With --checks heap, or with
 * a spin_count higher than the tries, nothing is reported. */
// variant: heap --checks heap
// variant: lenient VIGIL_OPTIONS=spin_count=1000000
// expect[base]: nonblocking-spin function=wait_reply line=24 severity=warning details.call=read details.eagains>=10000 count=1
// expect-none[heap,lenient]: nonblocking-spin
// expect-none: bad-fd
// expect-exit: 0
// expect-stdout: gave up
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int wait_reply(int fd)
{
	char buf[64];
	ssize_t n;

	for (int tries = 0; tries < 100000; tries++) {
		n = read(fd, buf, sizeof(buf));
		if (n >= 0 || errno != EAGAIN)
			return (int)n;
	}
	return -1;
}

int main(void)
{
	int p[2];

	if (pipe2(p, O_NONBLOCK))
		return 1;
	if (wait_reply(p[0]) < 0)
		printf("gave up\n");
	close(p[0]);
	close(p[1]);
	return 0;
}
