// SPDX-License-Identifier: MIT
/* Leak of memory libc allocated for the program: strdup'ed keys that are never freed.
 * The allocation stack goes through libc; its top-most frame in this program is the
 * strdup call. */
// expect: leak function=normalize_key line=20 details.direct_bytes>0
// expect-none: crash
// expect-exit: 0
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *keys[] = {"Content-Type", "Content-Length", "Host", "User-Agent"};

static unsigned normalize_key(const char *key)
{
	char *k;
	unsigned h = 5381;

	k = strdup(key);
	if (!k)
		return 0;
	for (char *p = k; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		h = h * 33 + (unsigned char)*p;
	}
	return h;
}

int main(void)
{
	unsigned h = 0;

	for (int round = 0; round < 4; round++)
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			h += normalize_key(keys[i]);
	printf("hash %08x\n", h);
	return 0;
}
