// SPDX-License-Identifier: MIT
/* The program points every descriptor from 3 to 200 at /dev/null with dup2, as a
 * daemon scrubbing what it inherited would, which lands on vigil's raw-log descriptor
 * too. The allocator keeps being used afterwards, and the report must still be
 * written, with the leak the program makes after the dup2s in it. */
// expect-stdout: scrubbed
// expect: leak function=lose_one line=18
// expect-none: crash
// expect-exit: 0
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t lose_one(int i)
{
	char *lost = malloc(40);

	if (!lost)
		return 0;
	snprintf(lost, 40, "lost after the dup2s %d", i);
	return strlen(lost);
}

int main(void)
{
	int null = open("/dev/null", O_RDWR);
	size_t total = 0;

	if (null < 0)
		return 1;
	for (int fd = 3; fd <= 200; fd++)
		if (fd != null && dup2(null, fd) != fd)
			return 1;
	for (int i = 0; i < 100; i++)
		free(malloc(32 + (size_t)i));
	for (int i = 0; i < 4; i++)
		total += lose_one(i);
	printf("scrubbed%s\n", total ? "" : " badly");
	return 0;
}
