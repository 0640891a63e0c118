// SPDX-License-Identifier: MIT
/* Direct leak: a helper allocates a record, uses it and returns without freeing it or
 * handing it to anyone. Called in a loop so a stale copy of the last pointer in a dead
 * stack slot cannot hide every block. */
// expect: leak function=make_record line=20 details.direct_bytes>0
// expect-none: crash
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct record {
	char name[40];
	int id;
	int weight;
};

static int make_record(int id)
{
	struct record *r = malloc(sizeof(*r));

	if (!r)
		return 0;
	snprintf(r->name, sizeof(r->name), "record-%d", id);
	r->id = id;
	r->weight = (int)strlen(r->name) * id;
	return r->weight;
}

int main(void)
{
	long total = 0;

	for (int i = 0; i < 16; i++)
		total += make_record(i);
	printf("total weight %ld\n", total);
	return 0;
}
