/* SPDX-License-Identifier: MIT */
/* --metrics: a run's report as Prometheus text exposition (the node_exporter textfile
 * collector's format), rewritten atomically while the program runs and at the end. */
#ifndef VIGIL_METRICS_H
#define VIGIL_METRICS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Failures of one (syscall, errno), summed over the tree. */
struct vigil_metrics_errcount {
	unsigned nr, err;
	uint64_t count;
};

/* What the report alone does not say while the program runs. */
struct vigil_metrics_live {
	bool running; /* the program runs: the report is a snapshot */
	/* Whether a process of the report is still alive; NULL: one with no exit is. */
	bool (*alive)(uint32_t pid);
	/* The kernel's counts read now (BPF ran): they win over the report's, which
	 * has them only after the run. */
	bool bpf;
	const struct vigil_metrics_errcount *errs;
	size_t nerrs;
	uint64_t ringbuf_drops;
};

/* Writes the metrics of report (a vigil-report/1 document) to f. 0 or -errno. */
int vigil_metrics__render(FILE *f, const json_t *report, const struct vigil_metrics_live *live);

/* The same into path, through a temporary file and rename(2). 0 or -errno. */
int vigil_metrics__write(const char *path, const json_t *report,
			 const struct vigil_metrics_live *live);

#endif
