/* SPDX-License-Identifier: MIT */
/* The kernel's view of the target tree (bpf/sentinel.bpf.c): load and attach, track
 * the root or adopt running processes, consume the rare events while the tree runs,
 * then write what the kernel saw as raw logs (one per process, VIGIL_PROCESS_KERNEL)
 * that the collector merges with the preload's. */
#ifndef VIGIL_BPF_H
#define VIGIL_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vigil_bpf;

struct vigil_bpf_config {
	uint64_t slow_ns;     /* slow-syscall threshold; 0: off */
	unsigned err_samples; /* stacks kept per (process, syscall, errno) */
	uint64_t errors_min;  /* samples of failures that stayed under it are dropped at exit */
};

/* Loads and attaches the programs. On failure returns -errno and writes into why one
 * line saying what is missing (privileges, BTF, a program the kernel refused). */
int vigil_bpf__open(struct vigil_bpf **out, const struct vigil_bpf_config *cfg, char *why,
		    size_t whylen);

/* The root of a `vigil run` tree, before it runs (held on the launch pipe). pids are
 * the kernel's: vigil and the tree share a pid namespace. */
int vigil_bpf__track(struct vigil_bpf *b, pid_t pid);

/* `vigil attach`: a running process and, from its next syscall on, its threads and
 * children. */
int vigil_bpf__adopt(struct vigil_bpf *b, pid_t tgid);

/* Consumes events on a thread of its own until vigil_bpf__stop. */
int vigil_bpf__start(struct vigil_bpf *b);

/* Flushes the counts of tasks still alive, drains the events, stops the thread. */
void vigil_bpf__stop(struct vigil_bpf *b);

/* What makes a finding of what the kernel counted (options.h). */
struct vigil_bpf_limits {
	uint64_t errors_min, errors_rate, slow_ns;
};

/* Writes raw/<exe>.<pid>.<n>.kernel.log for the processes seen; root gets the run's
 * latency histograms and BPF's own counters. 0 or -errno. */
int vigil_bpf__write_logs(struct vigil_bpf *b, const char *raw, pid_t root,
			  const struct vigil_bpf_limits *lim);

/* Failures of one (syscall, errno), summed over the tree's processes. */
struct vigil_bpf_errsum {
	unsigned nr, err;
	uint64_t count;
};

/* What the kernel counted so far, read while the tree runs (--metrics): failures per
 * (syscall, errno) into *rows (malloc'd, *n of them) and the events lost. 0 or -errno. */
int vigil_bpf__error_counts(struct vigil_bpf *b, struct vigil_bpf_errsum **rows, size_t *n,
			    uint64_t *drops);

/* The attach points, NULL-terminated, for report.json's run.bpf. */
const char *const *vigil_bpf__probes(void);

void vigil_bpf__close(struct vigil_bpf *b);

#endif
