// SPDX-License-Identifier: MIT
/* heap-growth: a request cache that is only ever added to. Over the run its live
 * bytes climb steadily (2.4 MiB by the end) while the rest of the program churns. */
// vigil-env: VIGIL_OPTIONS=growth_interval_ms=20:guard_rate=0
// expect: heap-growth function=remember line=25 severity=warning details.bytes>1000000
// expect-none: leak
// expect-none: crash
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct entry {
	struct entry *next;
	char payload[240];
};

static struct entry *cache;
static long cached;

static void remember(int i)
{
	struct entry *e;

	e = malloc(sizeof(*e));
	if (!e)
		exit(1);
	snprintf(e->payload, sizeof(e->payload), "response %d", i);
	e->next = cache;
	cache = e;
	cached++;
}

static void churn(void)
{
	for (int i = 0; i < 50; i++)
		free(malloc(64 + (size_t)i));
}

int main(void)
{
	struct timespec pause = {0, 10 * 1000 * 1000};

	for (int batch = 0; batch < 60; batch++) {
		for (int i = 0; i < 160; i++) {
			remember(batch * 160 + i);
			churn();
		}
		nanosleep(&pause, NULL);
	}
	printf("cached %ld\n", cached);
	return 0;
}
