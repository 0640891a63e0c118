// SPDX-License-Identifier: MIT
/* Bug: the refused-connection storm made through syscall(SYS_connect, ...), which no
 * libc interposer sees: 3000 failures, found by the kernel's view at the syscall()
 * call, with this process's pid. */
// needs: bpf
// expect: syscall-errors function=dial_raw line=24 severity=warning count>=3000 details.syscall=connect details.errno=ECONNREFUSED pids-include=self
// expect-none: wx-mapping
// expect-none: crash
// expect-process: self code=0
// expect-exit: 0
// expect-stdout: 3000 refused
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include "include/refused_port.h"

static int dial_raw(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long r;

	if (fd < 0)
		return -1;
	r = syscall(SYS_connect, fd, a, sizeof(*a));
	close(fd);
	return r < 0 && errno == ECONNREFUSED;
}

int main(void)
{
	struct sockaddr_in a;
	int hold, refused = 0;

	printf("vigil-case: self=%d\n", (int)getpid());
	hold = refused_port(&a);
	if (hold < 0)
		return 1;
	for (int i = 0; i < 3000; i++)
		refused += dial_raw(&a);
	close(hold);
	printf("%d refused\n", refused);
	return 0;
}
