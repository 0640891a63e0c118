// SPDX-License-Identifier: MIT
/* Clean control for heap-growth: the same cache, bounded. It fills to 2 MiB in the
 * first tenth of the run, then evicts its oldest entry for every new one, so live
 * bytes stay flat: a big heap is not a growing one. */
// vigil-env: VIGIL_OPTIONS=growth_interval_ms=20:guard_rate=0
// expect-none: heap-growth
// expect-none: leak
// expect-none: crash
// expect-report: stats.leak_scan_ns>0
// expect-exit: 0
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CAPACITY 8000

struct entry {
	char payload[248];
};

static struct entry *ring[CAPACITY];
static long added;

static void remember(int i)
{
	struct entry *e = malloc(sizeof(*e));

	if (!e)
		exit(1);
	snprintf(e->payload, sizeof(e->payload), "response %d", i);
	free(ring[added % CAPACITY]);
	ring[added % CAPACITY] = e;
	added++;
}

static void churn(void)
{
	for (int i = 0; i < 50; i++)
		free(malloc(64 + (size_t)i));
}

int main(void)
{
	struct timespec pause = {0, 10 * 1000 * 1000};

	/* One call site for filling and for steady state: growth is judged per site. */
	for (int i = 0; i < CAPACITY + 60 * 160; i++) {
		remember(i);
		churn();
		if (i >= CAPACITY && i % 160 == 0)
			nanosleep(&pause, NULL);
	}
	printf("added %ld\n", added);
	for (int i = 0; i < CAPACITY; i++)
		free(ring[i]);
	return 0;
}
