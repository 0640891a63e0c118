// SPDX-License-Identifier: MIT
/* The plugin dlopen_runpath.c loads by bare name. It is built into
 * build/tests/cases/lib, a directory only that program's RUNPATH names, and it loses
 * one block per call: a leak in code that was mapped after the program started. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vigil_test_plugin_answer(int n)
{
	char *note = malloc(48);

	if (!note)
		return -1;
	snprintf(note, 48, "plugin call %d", n);
	return (int)strlen(note) + n;
}
