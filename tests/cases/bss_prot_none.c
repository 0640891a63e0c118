// SPDX-License-Identifier: MIT
/* The program makes one page of its .bss inaccessible with mprotect(PROT_NONE), as a
 * guard page around a buffer, and exits normally. vigil's leak scan reads the writable
 * segments of every module and must skip that page rather than fault on it; the leak
 * the program planted shows that the scan still ran. */
// expect-stdout: guarded
// expect: leak function=lose_one line=22
// expect-none: crash
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static char guarded[3 * PAGE] __attribute__((aligned(PAGE)));

static size_t lose_one(void)
{
	char *lost = malloc(56);

	if (!lost)
		return 0;
	snprintf(lost, 56, "lost beside a guard page");
	return strlen(lost);
}

int main(void)
{
	size_t n = 0;

	if (sysconf(_SC_PAGESIZE) != PAGE)
		return 1;
	guarded[0] = guarded[2 * PAGE] = 1;
	if (mprotect(guarded + PAGE, PAGE, PROT_NONE))
		return 1;
	for (int i = 0; i < 4; i++)
		n += lose_one();
	printf("guarded%s\n", n ? "" : " badly");
	return 0;
}
