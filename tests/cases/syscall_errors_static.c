// SPDX-License-Identifier: MIT
/* Bug, in a statically linked program the preload cannot enter: a client retries a
 * refused loopback connection 3000 times in a tight loop, then maps a page writable
 * and executable. Only the kernel's view sees either: a syscall-errors finding at the
 * connect call (the libc wrapper's frame above it) and a wx-mapping at the mmap. */
// build-flags: -static
// needs: bpf
// expect: syscall-errors function=dial line=28 severity=warning count>=3000 details.syscall=connect details.errno=ECONNREFUSED pids-include=self
// expect: wx-mapping function=jit_page line=38 severity=warning pids-include=self
// expect-none: crash
// expect-none: slow-syscall
// expect-process: self code=0
// expect-exit: 0
// expect-stdout: 3000 refused
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include "include/refused_port.h"

#define TRIES 3000

static int dial(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), r;

	if (fd < 0)
		return -1;
	r = connect(fd, (const struct sockaddr *)a, sizeof(*a));
	close(fd);
	return r < 0 && errno == ECONNREFUSED;
}

/* A code buffer mapped RWX in one go, as naive JITs do. */
static unsigned char *jit_page(void)
{
	void *p;

	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int main(void)
{
	struct sockaddr_in a;
	int hold, refused = 0;
	unsigned char *code;

	printf("vigil-case: self=%d\n", (int)getpid());
	hold = refused_port(&a);
	if (hold < 0)
		return 1;
	for (int i = 0; i < TRIES; i++)
		refused += dial(&a);
	close(hold);
	code = jit_page();
	if (!code)
		return 1;
	code[0] = 0xc3; /* ret */
	printf("%d refused\n", refused);
	return 0;
}
