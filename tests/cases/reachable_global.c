// SPDX-License-Identifier: MIT
/* Not a leak: blocks still referenced at exit from globals (.bss and .data), from a
 * function-local static, and through a chain of heap blocks hanging off a global. A
 * conservative scan must find them all reachable; with report_reachable=1 each one is
 * a leak-reachable finding, so a leak scan that never ran cannot pass. */
// variant: reachable VIGIL_OPTIONS=report_reachable=1
// expect-none: leak
// expect-none: crash
// expect-none: * severity=error
// expect-exit: 0
// expect[reachable]: leak-reachable function=load_config line=47
// expect[reachable]: leak-reachable function=load_config line=52
// expect[reachable]: leak-reachable function=load_config line=61
// expect[reachable]: leak-reachable function=cached_greeting line=38
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
	char payload[56];
};

struct config {
	char *name;
	struct node *list;
	int nlist;
};

static struct config *g_config;             /* .bss */
static char *g_banner = "unset";            /* .data */

static const char *cached_greeting(void)
{
	static char *cache;

	if (!cache) {
		cache = malloc(64);
		if (cache)
			snprintf(cache, 64, "hello from a function-local static");
	}
	return cache ? cache : "";
}

static void load_config(void)
{
	g_config = calloc(1, sizeof(*g_config));
	if (!g_config)
		exit(1);
	g_config->name = strdup("reachable-global");
	for (int i = 0; i < 10; i++) {
		struct node *n = malloc(sizeof(*n));

		if (!n)
			exit(1);
		snprintf(n->payload, sizeof(n->payload), "node %d", i);
		n->next = g_config->list;
		g_config->list = n;
		g_config->nlist++;
	}
	g_banner = malloc(128);
	if (!g_banner)
		exit(1);
	snprintf(g_banner, 128, "%s with %d nodes", g_config->name, g_config->nlist);
}

int main(void)
{
	load_config();
	printf("%s\n%s\n", g_banner, cached_greeting());
	return 0;
}
