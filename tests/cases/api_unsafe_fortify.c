// SPDX-License-Identifier: MIT
/* Bug, built with _FORTIFY_SOURCE: a strcpy into a buffer whose size the compiler
 * knew (__strcpy_chk) and that the string does not fit. The warning is written
 * before FORTIFY aborts the process. The fortified sprintf into a pointer parameter
 * (size unknown to the compiler, __sprintf_chk with -1) is info; a fortified copy
 * that fits says nothing. */
// build-flags: -O2 -D_FORTIFY_SOURCE=2 -fno-optimize-sibling-calls
// expect: unsafe-api function=store line=28 severity=warning details.function=strcpy details.reason="writes past the destination" details.dest_size=8 details.access_size=27
// expect: unsafe-api function=label line=23 severity=info details.function=sprintf
// expect-none: unsafe-api line=38
// expect: crash details.signal=6
// expect-exit: 134
#include <stdio.h>
#include <string.h>

struct entry {
	char key[8];
	char value[8];
};

static void __attribute__((noinline)) label(char *out, int n)
{
	sprintf(out, "item-%d", n);
}

static void __attribute__((noinline)) store(struct entry *e, const char *k)
{
	strcpy(e->key, k);
}

int main(int argc, char **argv)
{
	struct entry e;
	char name[32];
	const char *longkey = argc > 5 ? argv[1] : "a-key-much-longer-than-8!!";

	label(name, 3);
	strcpy(e.value, argc > 5 ? argv[2] : "short");
	puts(name);
	fflush(stdout);
	store(&e, longkey);
	puts(e.key);
	return 0;
}
