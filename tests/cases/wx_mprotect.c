// SPDX-License-Identifier: MIT
/* Bug: code pages made writable and executable after the fact: mprotect to RWX, and
 * the same through a raw pkey_mprotect syscall (glibc's pkey_mprotect with key -1
 * would call mprotect). Each is a wx-mapping at its call. The W^X way, written while
 * RW and then flipped to RX, is not reported. */
// needs: bpf
// expect: wx-mapping function=patch_in_place line=25 details.syscall=mprotect details.prot=7 details.length=4096 pids-include=self
// expect: wx-mapping function=patch_with_pkey line=33 details.syscall=pkey_mprotect details.prot=7 details.length=4096
// expect-none: wx-mapping function=emit_wx_safe
// expect-none: syscall-errors
// expect-exit: 0
// expect-stdout: patched 0 0 0
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096

static unsigned char *pages;

static int patch_in_place(void)
{
	if (mprotect(pages, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC))
		return -1;
	pages[0] = 0xc3; /* ret */
	return 0;
}

static int patch_with_pkey(void)
{
	return (int)syscall(SYS_pkey_mprotect, pages + PAGE, PAGE,
			    PROT_READ | PROT_WRITE | PROT_EXEC, -1);
}

static int emit_wx_safe(void)
{
	pages[2 * PAGE] = 0xc3;
	return mprotect(pages + 2 * PAGE, PAGE, PROT_READ | PROT_EXEC);
}

int main(void)
{
	int a, b, c;

	printf("vigil-case: self=%d\n", (int)getpid());
	pages = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		return 1;
	a = patch_in_place();
	b = patch_with_pkey();
	c = emit_wx_safe();
	printf("patched %d %d %d\n", a, b, c);
	return 0;
}
