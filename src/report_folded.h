/* SPDX-License-Identifier: MIT */
/* `vigil report --format folded`: leaked bytes, heap growth and lock wait time as
 * folded stacks (Brendan Gregg's format) for flamegraph.pl, inferno or speedscope. */
#ifndef VIGIL_REPORT_FOLDED_H
#define VIGIL_REPORT_FOLDED_H

#include <jansson.h>
#include <stdio.h>

/* One "metric;outermost;...;innermost value" line per distinct stack, sorted, the
 * root frame naming the metric: "leak" (bytes), "heap-growth" (bytes) or "lock-wait"
 * (nanoseconds). Nothing for a report without such findings. 0 or -errno. */
int vigil_folded__render(const json_t *report, FILE *f);

#endif
