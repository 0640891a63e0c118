// SPDX-License-Identifier: MIT
/* Bad buffers that are not bugs: read() into a PROT_NONE page must fail with EFAULT
 * as it does natively, and a memcpy of 0 bytes from a dangling aligned pointer (Rust's
 * NonNull::dangling) must do nothing. vigil's call checks must not load through
 * either pointer. */
// build-flags: -fno-builtin
// expect-stdout: read -1 errno 14
// expect-stdout: copied nothing
// expect-none: crash
// expect-none: heap-overflow
// expect-exit: 0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	int fds[2];
	char *page, d[16];
	ssize_t r;

	if (pipe(fds) || write(fds[1], "abc", 3) != 3)
		return 1;
	page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	r = read(fds[0], page + 64, 3);
	printf("read %zd errno %d\n", r, errno);
	memcpy(d, (const void *)0x10, 0);
	printf("copied nothing\n");
	return 0;
}
