// SPDX-License-Identifier: MIT
/* Leak before main: the program's own constructor builds a lookup table, keeps only a
 * summary and loses the table. vigil must already be tracking when the executable's
 * constructors run. */
// expect: leak function=build_table line=19 details.direct_bytes>0
// expect-none: crash
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>

#define TABLE_SIZE 256

static unsigned table_sum;

static unsigned *build_table(void)
{
	unsigned *t;

	t = malloc(TABLE_SIZE * sizeof(*t));
	if (!t)
		return NULL;
	for (unsigned i = 0; i < TABLE_SIZE; i++)
		t[i] = i * i % 251;
	return t;
}

__attribute__((constructor)) static void init_tables(void)
{
	for (int round = 0; round < 4; round++) {
		unsigned *t = build_table();

		for (unsigned i = 0; t && i < TABLE_SIZE; i++)
			table_sum += t[i];
	}
}

int main(void)
{
	printf("table sum %u\n", table_sum);
	return 0;
}
