// SPDX-License-Identifier: MIT
/* Clean: poll and ppoll given an array the process cannot read get EFAULT from the
 * kernel, as without vigil - vigil must not read the array first and crash. */
// expect-none: *
// expect-exit: 0
// expect-stdout: poll: -1 Bad address
// expect-stdout: ppoll: -1 Bad address
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	struct timespec zero = {0, 0};
	/* volatile: the compiler would otherwise see the bad pointer and warn. */
	struct pollfd *volatile bad = (struct pollfd *)16;
	int r;

	r = poll(bad, 1, 0);
	printf("poll: %d %s\n", r, strerror(errno));
	r = ppoll(bad, 1, &zero, NULL);
	printf("ppoll: %d %s\n", r, strerror(errno));
	return 0;
}
