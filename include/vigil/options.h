/* SPDX-License-Identifier: MIT */
/* Runtime options of libvigil.so: the VIGIL_* variables `vigil run` sets and the
 * user's VIGIL_OPTIONS string ("key=value:key=value"). Pure code with no allocation,
 * linked into the preload and into the CLI, which validates VIGIL_OPTIONS before it
 * launches anything. */
#ifndef VIGIL_OPTIONS_H
#define VIGIL_OPTIONS_H

#include <stddef.h>

#define VIGIL_PATH_MAX 4096
#define VIGIL_STACK_DEPTH_MAX 64

struct vigil_options {
	char out[VIGIL_PATH_MAX]; /* report dir; raw logs in out/raw/ */
	unsigned checks;          /* bitmask of 1u << enum vigil_check */
	unsigned mode;            /* enum vigil_mode */
	unsigned stack_depth;     /* frames kept per stack */
	unsigned free_stack_depth; /* frames kept for the stack that freed a block */
	unsigned max_stacks;      /* stack table capacity */
	unsigned long max_blocks; /* allocation table capacity */
	unsigned max_findings;    /* findings written per process */
	int report_reachable;     /* write leak-reachable findings */
	int leak_check;           /* run the exit-time leak scan */
	int standalone;           /* no CLI: write a text report next to the raw log */
	/* heap errors (issue 3) */
	int on_error_abort;       /* abort after reporting a heap error */
	unsigned long quarantine_bytes; /* freed memory held back from reuse */
	unsigned redzone;         /* bytes after each block, checked for overflow */
	unsigned free_fill_max;   /* bytes of a freed block filled and checked */
	unsigned long guard_rate; /* 1 in N allocations on a guard page; 0: never */
	unsigned long sample_bytes; /* canary: mean bytes between sampled allocations */
	unsigned long alloc_size_limit; /* larger requests are bad-alloc-size */
	unsigned growth_interval_ms; /* heap-growth snapshot period */
	/* thread checks (issue 4) */
	unsigned deadlock_ms;     /* a lock cycle blocked this long is a deadlock */
	unsigned contention_ms;   /* a lock waited on this long in total is reported */
	unsigned max_locks;       /* lock table capacity */
	/* fd checks (issue 5) */
	unsigned spin_count;      /* EAGAINs from one descriptor in one thread without a
				   * wait between them that make a nonblocking-spin ... */
	unsigned spin_ms;         /* ... when they come within this many ms */
	unsigned fd_leak_min;     /* descriptors of one creation site open at exit that
				   * make an fd-leak */
	/* syscall checks (issue 6, applied by the CLI to what BPF counted) */
	unsigned long syscall_errors_min;  /* failures of one (syscall, errno) that make a
					    * syscall-errors finding ... */
	unsigned long syscall_errors_rate; /* ... when they came at least this many per
					    * second from the first to the last */
	unsigned slow_syscall_ms; /* a call this slow (and far above the syscall's median)
				   * is a slow-syscall; 0: off */
};

/* Defaults, with no environment applied. */
void vigil_options__defaults(struct vigil_options *o);

/* Applies one "key=value:key=value" string. On error returns -EINVAL and writes one
 * line (no newline) naming the bad key or value into err. */
int vigil_options__parse(struct vigil_options *o, const char *s, char *err, size_t errlen);

/* Parses a comma list of check names into a bitmask; -EINVAL names the bad one. */
int vigil_options__parse_checks(const char *s, unsigned *mask, char *err, size_t errlen);

/* Applies VIGIL_OUT, VIGIL_CHECKS, VIGIL_MODE and VIGIL_OPTIONS from envp (in that
 * order, so VIGIL_OPTIONS wins). Without VIGIL_OUT the library runs standalone. */
int vigil_options__from_env(struct vigil_options *o, char *const *envp, char *err,
			    size_t errlen);

#endif
