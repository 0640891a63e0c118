// SPDX-License-Identifier: MIT
/* Crash: a lookup that misses returns NULL and the caller dereferences it. vigil must
 * write a crash finding naming the faulting function and line, and `vigil run` must
 * keep the exit status of a SIGSEGV death (128 + 11). */
// expect: crash function=node_weight line=28 details.signal=11
// expect-exit: 139
#include <stdio.h>
#include <string.h>

struct node {
	const char *key;
	int weight;
};

static struct node nodes[] = {{"alpha", 1}, {"beta", 2}, {"gamma", 3}};

static struct node *find_node(const char *key)
{
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (!strcmp(nodes[i].key, key))
			return &nodes[i];
	return NULL;
}

static int node_weight(const char *key)
{
	struct node *n = find_node(key);
	return n->weight;
}

int main(void)
{
	int w = node_weight("alpha") + node_weight("delta");

	printf("weight %d\n", w);
	return 0;
}
