// SPDX-License-Identifier: MIT
/* Leak of a block that was grown with realloc: a line reader grows its buffer and
 * returns only the length. The allocation stack of the lost block is the realloc. */
// expect: leak function=read_line line=22 details.direct_bytes>0
// expect-none: crash
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t read_line(const char *src)
{
	size_t cap = 8, len = 0;
	char *buf = malloc(cap);
	char *grown;

	if (!buf)
		return 0;
	for (; src[len]; len++) {
		if (len + 1 >= cap) {
			cap *= 4;
			grown = realloc(buf, cap);
			if (!grown) {
				free(buf);
				return 0;
			}
			buf = grown;
		}
		buf[len] = src[len];
	}
	buf[len] = '\0';
	return strlen(buf);
}

int main(void)
{
	static const char text[] =
		"a line long enough to need several reallocations of the reader buffer, "
		"so that the block that is finally lost was produced by realloc";
	size_t total = 0;

	for (int i = 0; i < 6; i++)
		total += read_line(text);
	printf("read %zu chars\n", total);
	return 0;
}
