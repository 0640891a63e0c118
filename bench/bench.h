/* SPDX-License-Identifier: MIT */
/* What every benchmark program needs the same way: a monotonic clock, its own peak
 * RSS, and strict number parsing for its options. */
#ifndef VIGIL_BENCH_H
#define VIGIL_BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmHWM rather than getrusage: ru_maxrss survives exec, so it would count the
 * launcher (a shell, or vigil's CLI) that forked this process. */
static inline long peak_rss_kb(void)
{
	char line[256];
	long kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static inline int parse_ulong(const char *s, unsigned long lo, unsigned long hi,
			      unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

#endif
