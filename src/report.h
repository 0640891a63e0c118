/* SPDX-License-Identifier: MIT */
/* The in-memory report of a run: processes and symbolized, deduplicated findings,
 * built from raw logs (collect.c) and turned into report.json (report_json.c). */
#ifndef VIGIL_REPORT_H
#define VIGIL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/finding.h"

struct vigil_arena;
struct vigil_sym;
struct vigil_plog;

enum vigil_status_kind {
	VIGIL_STATUS_UNKNOWN = 0,
	VIGIL_STATUS_CODE,   /* exited with value */
	VIGIL_STATUS_SIGNAL, /* killed by signal value */
	VIGIL_STATUS_EXEC,   /* the image was replaced by exec: a later log goes on */
};

struct vigil_status {
	enum vigil_status_kind kind;
	int value;
};

struct vigil_frame {
	uint64_t pc;
	const char *module; /* path; NULL when no module holds pc */
	uint64_t offset;    /* pc - load bias of module */
	const char *function; /* NULL when unknown */
	const char *file;     /* NULL when unknown */
	unsigned line;        /* 0 when unknown */
	bool inlined;         /* inlined into the next frame (same pc) */
};

struct vigil_stack {
	unsigned role; /* enum vigil_role */
	uint32_t tid;
	struct vigil_frame *frames;
	size_t nframes;
};

/* Most points a finding's curve keeps: what the preload writes (growth.c). */
#define VIGIL_CURVE_MAX 64

/* One sample of a heap-growth curve. */
struct vigil_point {
	uint64_t t_ms;  /* since the process started */
	uint64_t bytes; /* live bytes from the allocation site then */
};

struct vigil_finding {
	char id[17]; /* 16 hex digits, see collect.c */
	char fingerprint[17]; /* the id without line numbers */
	unsigned kind;     /* enum vigil_finding_kind */
	unsigned severity; /* enum vigil_severity */
	uint64_t count;
	uint32_t *pids; /* sorted, unique */
	size_t npids;
	struct vigil_stack *stacks;
	size_t nstacks;
	uint64_t details[VIGIL_KEY_MAX];
	vigil_keyset details_set; /* bit k: details[k] holds a value */
	/* heap-growth: the series details as points in time order (the SERIES_* keys never
	 * reach details[]). */
	struct vigil_point *curve;
	size_t ncurve;
	/* The finding's text (VIGIL_KEY_TEXT chunks: a command, a path, a format), made
	 * printable UTF-8; NULL when it has none. details[VIGIL_KEY_TEXT_LEN] says how
	 * long it was before the preload cut it. */
	const char *text;
	/* The globals the lock at details.addr and details.other_addr live in, when the
	 * symbol tables say; NULL otherwise. */
	const char *lock_name, *other_lock_name;
	size_t seq;           /* order of arrival, so merging is deterministic */
};

/* A stat counted per call stack (VIGIL_REC_STAT_SITE: the EPIPE writes, the SIGPIPE
 * deaths), merged across processes by stat and symbolized top frames. */
struct vigil_stat_site {
	unsigned key; /* enum vigil_key: VIGIL_KEY_EPIPE or VIGIL_KEY_SIGPIPE_DEATHS */
	uint64_t count;
	uint32_t *pids; /* sorted, unique */
	size_t npids;
	struct vigil_stack stack; /* role and tid unused */
	uint64_t hash;            /* the stat and the top frames: equal ones merge */
	size_t seq;               /* order of arrival */
};

/* Most points a process's series keeps: a chart's width. */
#define VIGIL_SERIES_MAX 256

/* One point of a process's load over time (SAMPLE records). */
struct vigil_sample {
	uint64_t t_ms;       /* since the process's log was started */
	uint64_t heap_bytes; /* VIGIL_SAMPLE_NONE: not known (check off) */
	uint64_t fds;        /* VIGIL_SAMPLE_NONE: not known (check off) */
};

struct vigil_process {
	uint32_t pid, ppid;
	const char *exe;
	const char **argv;
	int argc;
	uint64_t start_ns; /* CLOCK_REALTIME; 0 when unknown */
	struct vigil_status exit;
	const char *log; /* raw log file name */
	uint64_t stats[VIGIL_KEY_MAX];
	vigil_keyset stats_set;
	uint64_t config[VIGIL_KEY_MAX]; /* its CONFIG record */
	vigil_keyset config_set;
	/* What the kernel counted for the pid (BPF): calls per syscall (err 0) and
	 * failures per (syscall, errno). */
	struct vigil_rec_sysrow *sysrows;
	size_t nsysrows;
	bool kernel_only; /* no preload ran in it: only the kernel saw it */
	unsigned checks;  /* the checks its PROCESS record said ran (1u << enum vigil_check) */
	/* Its live heap bytes and open descriptors over time, in time order, thinned to
	 * VIGIL_SERIES_MAX points. */
	struct vigil_sample *series;
	size_t nseries;
};

/* One syscall's latency over the run (BPF), log2 ns buckets. */
struct vigil_syslat {
	unsigned nr;
	uint64_t buckets[64];
};

struct vigil_report {
	struct vigil_arena *arena; /* owns every string and array below */
	struct vigil_sym *sym;

	/* run */
	const char **command;
	int ncommand;
	int64_t started, ended; /* Unix seconds; -1 when unknown */
	unsigned mode;          /* enum vigil_mode */
	unsigned checks;        /* bitmask of 1u << enum vigil_check */
	bool bpf;
	const char *bpf_off; /* why BPF did not run, when it did not */
	struct vigil_status exit;
	/* What the root process ran with (mode, sampling rates); config_set 0 when no
	 * process said, e.g. the preload never loaded. */
	uint64_t config[VIGIL_KEY_MAX];
	vigil_keyset config_set;
	const char **notes;
	size_t nnotes, cap_notes;

	struct vigil_process *procs;
	size_t nprocs, cap_procs;
	struct vigil_finding *findings;
	size_t nfindings, cap_findings;
	struct vigil_syslat *syslat;
	size_t nsyslat;
	const char *const *bpf_probes; /* where BPF attached, when this run knows */
	int attach_pid; /* `vigil attach`: the process attached to; 0 for a run */
	uint64_t stats[VIGIL_KEY_MAX];
	vigil_keyset stats_set;
	struct vigil_stat_site *sites;
	size_t nsites, cap_sites;
};

struct vigil_report *vigil_report__new(void);
void vigil_report__free(struct vigil_report *r);

int vigil_report__add_note(struct vigil_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Adds one decoded log: its process, its findings (symbolized) and its damage note. */
int vigil_report__add_log(struct vigil_report *r, const struct vigil_plog *l);

/* Adds every *.log under dir, in name order. -ENOENT when dir does not exist. A log
 * that cannot be read becomes a note, not an error. */
int vigil_report__add_dir(struct vigil_report *r, const char *dir);

/* Dedupes and sorts findings and stat sites, sums stats, and marks as replaced by
 * exec every image with no end of its own that a later image of the same pid
 * followed. Call once, after the last add. */
int vigil_report__finish(struct vigil_report *r);

/* new + add_dir + finish. NULL with errno set (ENOENT: no such dir). */
struct vigil_report *vigil_report__from_dir(const char *dir);

/* Fills the exit status of the last process image of pid when its log had none (a
 * SIGKILL leaves no EXIT record). */
void vigil_report__set_exit(struct vigil_report *r, uint32_t pid, struct vigil_status st);

/* The run's config and mode: from the earliest image of pid (the root process) that
 * wrote a CONFIG record. */
void vigil_report__set_root(struct vigil_report *r, uint32_t pid);

/* Run fields for a report rebuilt from raw logs alone: command, start, exit and config
 * of the root process (the earliest one whose parent is not in the run). */
void vigil_report__infer_run(struct vigil_report *r);

/* Human sentence for a finding: "leak of 96 bytes in 3 blocks (...)". */
void vigil_finding__message(const struct vigil_finding *f, char *buf, size_t len);
/* The message of the thread-check kinds (message_threads.c); false for other kinds. */
bool vigil_finding__thread_message(const struct vigil_finding *f, char *buf, size_t len);
/* The same for the descriptor kinds (message_fds.c) and the api kinds (message_api.c). */
bool vigil_finding__fd_message(const struct vigil_finding *f, char *buf, size_t len);
bool vigil_finding__api_message(const struct vigil_finding *f, char *buf, size_t len);
/* ... and for what the kernel saw (message_syscalls.c). */
bool vigil_finding__syscall_message(const struct vigil_finding *f, char *buf, size_t len);

static inline bool vigil_finding__has(const struct vigil_finding *f, enum vigil_key k)
{
	return f->details_set & VIGIL_KEYBIT(k);
}

static inline uint64_t vigil_finding__get(const struct vigil_finding *f, enum vigil_key k)
{
	return vigil_finding__has(f, k) ? f->details[k] : 0;
}

/* Bytes a finding is about, for sorting: details bytes, else size, else 0. */
uint64_t vigil_finding__bytes(const struct vigil_finding *f);

/* Human sizes and durations for messages: "1 byte", "64.0 KiB", "1.9 MiB"; "1.6 s",
 * "2.5 min", "1.2 h". compact, for lists of many: "512 B", "64 KiB", "1.9 MiB";
 * "1.6s", "2.5m". Return buf. */
const char *vigil_format_bytes(char *buf, size_t len, uint64_t bytes, bool compact);
const char *vigil_format_ms(char *buf, size_t len, uint64_t ms, bool compact);

#endif
