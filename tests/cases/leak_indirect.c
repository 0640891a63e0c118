// SPDX-License-Identifier: MIT
/* Indirect leak: a table struct holds pointers to entry strings. The tables are lost,
 * so they are direct leaks; the entries are reachable only through leaked tables, so
 * they are indirect and must not be reported as direct leaks of their own. */
// expect: leak function=make_table line=32 details.direct_bytes>0
// expect: leak function=make_entry line=23 details.indirect_bytes>0
// expect-none: leak function=make_entry details.direct_bytes>0
// expect-none: crash
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NENTRIES 4

struct table {
	char *entries[NENTRIES];
	size_t n;
};

static char *make_entry(int t, int i)
{
	char *s = malloc(48);

	if (s)
		snprintf(s, 48, "table-%d-entry-%d", t, i);
	return s;
}

static struct table *make_table(int t)
{
	struct table *tab = calloc(1, sizeof(*tab));

	if (!tab)
		return NULL;
	for (int i = 0; i < NENTRIES; i++)
		tab->entries[tab->n++] = make_entry(t, i);
	return tab;
}

static size_t table_chars(int t)
{
	struct table *tab = make_table(t);
	size_t n = 0;

	for (size_t i = 0; tab && i < tab->n; i++)
		n += tab->entries[i] ? strlen(tab->entries[i]) : 0;
	return n;
}

int main(void)
{
	size_t total = 0;

	for (int t = 0; t < 8; t++)
		total += table_chars(t);
	printf("total chars %zu\n", total);
	return 0;
}
