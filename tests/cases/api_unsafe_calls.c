// SPDX-License-Identifier: MIT
/* Bug: calls that are dangerous whatever their arguments. gets has no bound on the
 * line it stores; tmpnam, tempnam and mktemp only name a file, which another process
 * can create (or symlink) before this one opens it. Each is an unsafe-api warning
 * naming the call and its replacement, once per call site. With --checks heap
 * nothing is reported. */
// variant: heap --checks heap
// expect[base]: unsafe-api function=main line=31 severity=warning details.function=gets details.reason="input length unbounded" details.replacement=fgets
// expect[base]: unsafe-api function=main line=32 severity=warning details.function=tmpnam details.reason="predictable temporary name" details.replacement=mkstemp
// expect[base]: unsafe-api function=name_it line=23 severity=warning details.function=tempnam
// expect[base]: unsafe-api function=main line=35 severity=warning details.function=mktemp count=1
// expect-none[heap]: unsafe-api
// expect-exit: 0
// expect-stdout: names made
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *gets(char *s); /* gone from the C11 headers, still in the C library */

static char *name_it(void)
{
	return tempnam(NULL, "vgl");
}

int main(void)
{
	char line[128], name[L_tmpnam], tmpl[32];
	char *t;

	gets(line); /* stdin is /dev/null: returns at once */
	tmpnam(name);
	t = name_it();
	for (int i = 0; i < 3; i++)
		mktemp(strcpy(tmpl, "/tmp/vigil-case-XXXXXX"));
	free(t);
	puts("names made");
	return 0;
}
