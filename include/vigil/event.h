/* SPDX-License-Identifier: MIT */
/* The raw-log record format: the one binary format written by preload/ (and later
 * bpf/) and read back by src/. Fixed-width fields, explicit padding, 8-byte aligned
 * records, a version record first. A reader must tolerate truncation at any byte. */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#include <linux/types.h>

#define VIGIL_RAW_MAGIC   0x31474f4c4c474956ULL /* "VIGLLOG1" little-endian */
#define VIGIL_RAW_VERSION 1u

/* Records are padded to a multiple of this; size in the header includes padding. */
#define VIGIL_REC_ALIGN 8u
/* No record is larger: a reader treats a bigger size as corruption. */
#define VIGIL_REC_MAX (1u << 20)

enum vigil_rec_kind {
	VIGIL_REC_VERSION = 1, /* first record of every log */
	VIGIL_REC_PROCESS = 2, /* pid, ppid, exe, argv */
	VIGIL_REC_MODULE = 3,  /* one loaded object: load bias, address range, path */
	VIGIL_REC_STACK = 4,   /* an interned stack: id -> pcs; written before first use */
	VIGIL_REC_FINDING = 5, /* one finding, referring to stacks by id */
	VIGIL_REC_EXIT = 6,    /* how the process ended, as far as it knows */
	VIGIL_REC_STATS = 7,   /* counters, key/value */
	VIGIL_REC_MODULE_GONE = 8, /* a module was dlclose'd (same layout as MODULE) */
	VIGIL_REC_CONFIG = 9,  /* the settings that ran, kv list laid out as STATS */
	VIGIL_REC_SYSCALLS = 10, /* bpf: a process's syscall table */
	VIGIL_REC_SYSLAT = 11,   /* bpf: one syscall's latency histogram, run-wide */
	VIGIL_REC_STAT_SITE = 12, /* a stat counted at one call stack (struct below) */
	VIGIL_REC_SAMPLE = 13,    /* live heap bytes and open descriptors now (struct below) */
	VIGIL_REC_KIND_MAX
};

struct vigil_rec_hdr {
	__u16 kind; /* enum vigil_rec_kind */
	__u16 flags;
	__u32 size; /* whole record, header and padding included */
	__u32 tid;
	__u32 pad;
	__u64 ts_ns; /* CLOCK_MONOTONIC */
};
_Static_assert(sizeof(struct vigil_rec_hdr) == 24, "hdr");

struct vigil_rec_version {
	struct vigil_rec_hdr hdr;
	__u64 magic;   /* VIGIL_RAW_MAGIC */
	__u32 version; /* VIGIL_RAW_VERSION */
	__u32 pad;
};
_Static_assert(sizeof(struct vigil_rec_version) == 40, "version");

/* Followed by exe_len bytes of exe path (NUL included), then argv_len bytes holding
 * argc NUL-terminated strings, then padding. */
struct vigil_rec_process {
	struct vigil_rec_hdr hdr;
	__u32 pid;
	__u32 ppid;
	__u64 start_realtime_ns; /* CLOCK_REALTIME at library start */
	__u32 exe_len;
	__u32 argc;
	__u32 argv_len;
	__u32 checks; /* bitmask of enum vigil_check */
	__u32 mode;   /* enum vigil_mode */
	__u32 pad;
};
_Static_assert(sizeof(struct vigil_rec_process) == 64, "process");

enum vigil_module_flags {
	VIGIL_MODULE_MAIN = 1u << 0, /* the main executable */
	VIGIL_MODULE_VDSO = 1u << 1, /* not a file */
};

/* Followed by path_len bytes of path (NUL included), then padding. A pc belongs to the
 * most recently written module whose [start, end) holds it. */
struct vigil_rec_module {
	struct vigil_rec_hdr hdr;
	__u64 base;  /* load bias: file vaddr + base = runtime address */
	__u64 start; /* lowest runtime address of a PT_LOAD */
	__u64 end;   /* end of the highest PT_LOAD */
	__u32 path_len;
	__u32 flags; /* enum vigil_module_flags */
	__u8 build_id[20];
	__u8 build_id_len;
	__u8 pad[3];
};
_Static_assert(sizeof(struct vigil_rec_module) == 80, "module");

/* Followed by depth __u64 pcs. pcs[0] is the innermost frame. Every pc except pcs[0]
 * of a crash stack is a return address (the symbolizer looks up pc - 1). */
struct vigil_rec_stack {
	struct vigil_rec_hdr hdr;
	__u32 id;    /* never 0: 0 means "no stack" in a finding */
	__u32 depth;
};
_Static_assert(sizeof(struct vigil_rec_stack) == 32, "stack");

/* Flag for a stack whose pcs[0] is the exact faulting pc (not a return address). */
#define VIGIL_STACK_EXACT_PC0 1u

enum vigil_role {
	VIGIL_ROLE_ALLOCATION = 1,
	VIGIL_ROLE_FREE = 2,
	VIGIL_ROLE_FIRST_FREE = 3,
	VIGIL_ROLE_CRASH = 4,
	VIGIL_ROLE_ACCESS = 5,
	VIGIL_ROLE_ACQUIRE = 6,       /* a lock call: the one that closes a cycle, misuses... */
	VIGIL_ROLE_HELD = 7,          /* where a lock still held was taken */
	VIGIL_ROLE_BLOCKED = 8,       /* a thread blocked in a lock call */
	VIGIL_ROLE_THREAD_CREATE = 9, /* where a thread was created */
	VIGIL_ROLE_CALL = 10,         /* the offending call */
	VIGIL_ROLE_OTHER_CALL = 11,   /* the same call from another thread, or the earlier one */
	VIGIL_ROLE_HANDLER = 12,      /* a signal handler, entered here */
	VIGIL_ROLE_OPEN = 13,         /* where a descriptor was created */
	VIGIL_ROLE_CLOSE = 14,        /* where a descriptor was closed */
	VIGIL_ROLE_MAX
};

struct vigil_rec_fstack {
	__u32 stack_id;
	__u32 tid;
	__u16 role; /* enum vigil_role */
	__u16 flags; /* VIGIL_STACK_EXACT_PC0 */
	__u32 pad;
};
_Static_assert(sizeof(struct vigil_rec_fstack) == 16, "fstack");

/* Keys of the per-finding details and of the stats record; names in finding.h. */
enum vigil_key {
	VIGIL_KEY_SIZE = 1,          /* block size */
	VIGIL_KEY_BYTES,             /* total bytes */
	VIGIL_KEY_BLOCKS,            /* number of blocks */
	VIGIL_KEY_DIRECT_BYTES,
	VIGIL_KEY_DIRECT_BLOCKS,
	VIGIL_KEY_INDIRECT_BYTES,
	VIGIL_KEY_INDIRECT_BLOCKS,
	VIGIL_KEY_SIGNAL,
	VIGIL_KEY_SI_CODE,
	VIGIL_KEY_FAULT_ADDR,
	VIGIL_KEY_ADDR,
	VIGIL_KEY_OFFSET,
	/* stats */
	VIGIL_KEY_ALLOCS,
	VIGIL_KEY_FREES,
	VIGIL_KEY_LIVE_BYTES,
	VIGIL_KEY_PEAK_BYTES,
	VIGIL_KEY_STACKS,
	VIGIL_KEY_STACK_OVERFLOW,   /* stacks not interned: table full */
	VIGIL_KEY_HEAP_OVERFLOW,    /* blocks not tracked: table full */
	VIGIL_KEY_FINDINGS_DROPPED, /* findings over the cap */
	VIGIL_KEY_THREADS_STOPPED,
	VIGIL_KEY_THREADS_UNSTOPPED,
	VIGIL_KEY_SCAN_NS,
	VIGIL_KEY_TOOL_BYTES,       /* memory vigil itself mapped */
	/* heap errors (issue 3) */
	VIGIL_KEY_ALLOC_OP,         /* enum vigil_heap_op that made the block */
	VIGIL_KEY_FREE_OP,          /* enum vigil_heap_op that released it */
	VIGIL_KEY_DETECTED_BY,      /* enum vigil_detect */
	VIGIL_KEY_WHERE,            /* enum vigil_where: what an invalid pointer points at */
	VIGIL_KEY_BLOCK_ADDR,       /* the block concerned (nearest one for invalid-free) */
	VIGIL_KEY_ACCESS_SIZE,      /* bytes the faulting access or call touched */
	VIGIL_KEY_UNTRACKED_FREES,  /* stats: frees of plausible blocks vigil never saw */
	VIGIL_KEY_QUARANTINE_BYTES, /* stats */
	/* config record */
	VIGIL_KEY_CFG_MODE,            /* enum vigil_mode */
	VIGIL_KEY_CFG_SAMPLE_BYTES,    /* canary: mean bytes between sampled allocations */
	VIGIL_KEY_CFG_GUARD_RATE,      /* 1 in N allocations on a guard page; 0: never */
	VIGIL_KEY_CFG_QUARANTINE_BYTES,
	VIGIL_KEY_CFG_REDZONE,
	VIGIL_KEY_CFG_ON_ERROR_ABORT,
	/* heap-growth: one (t, bytes) point per pair of repeated keys, in order */
	VIGIL_KEY_SERIES_T_MS,      /* ms since the process started */
	VIGIL_KEY_SERIES_BYTES,     /* live bytes from the site at that time */
	VIGIL_KEY_CFG_GROWTH_INTERVAL_MS,
	VIGIL_KEY_ACCESS_WRITE,     /* 1: the access wrote, 0: it read */
	/* thread checks (issue 4) */
	VIGIL_KEY_LOCK_KIND,        /* enum vigil_lock_kind of the object at addr */
	VIGIL_KEY_OTHER_ADDR,       /* a second object: the other mutex of a cond... */
	VIGIL_KEY_OWNER_TID,        /* the thread that holds the lock */
	VIGIL_KEY_REASON,           /* enum vigil_reason: which variant of the kind */
	VIGIL_KEY_CYCLE_LOCKS,      /* locks in an order cycle or a deadlock */
	VIGIL_KEY_SINGLE_THREAD,    /* 1: every edge of the cycle was taken by one thread */
	VIGIL_KEY_WAIT_NS,          /* total time spent blocked */
	VIGIL_KEY_WAITS,            /* number of blocking waits */
	VIGIL_KEY_MAX_WAIT_NS,      /* the longest single wait */
	VIGIL_KEY_FUNC,             /* enum vigil_func: the libc function called */
	VIGIL_KEY_THREADS,          /* threads involved or alive */
	VIGIL_KEY_ERRNO_CLOBBERED,  /* 1: a signal handler returned with errno changed */
	/* stats of the thread checks */
	VIGIL_KEY_LOCKS,            /* locks remembered: taken nested, waited on, conds */
	VIGIL_KEY_LOCK_OVERFLOW,    /* locks not tracked: table full */
	VIGIL_KEY_LOCK_EDGES,       /* lock-order edges recorded */
	VIGIL_KEY_EDGE_OVERFLOW,    /* edges not recorded: graph full */
	VIGIL_KEY_GATED_CYCLES,     /* order cycles not reported: one gate lock held on all */
	VIGIL_KEY_CONTENDED_WAITS,  /* lock calls that had to wait */
	VIGIL_KEY_CONTENDED_NS,     /* their total wait */
	VIGIL_KEY_CFG_DEADLOCK_MS,  /* config: deadlock watchdog threshold */
	VIGIL_KEY_CYCLE_SEARCHES_CUT, /* stats: lock-cycle searches over their budget */
	VIGIL_KEY_RUNNING,          /* thread-leak: threads of the finding still running */
	VIGIL_KEY_THREADS_CREATED,  /* stats: threads created while the thread checks ran */
	VIGIL_KEY_THREAD_OVERFLOW,  /* stats: threads not tracked: thread table full */
	/* fds (issue 5) */
	VIGIL_KEY_FD,               /* the descriptor number */
	VIGIL_KEY_FD_CALL,          /* enum vigil_fd_call: the call that misused it */
	VIGIL_KEY_FD_OPENED_BY,     /* enum vigil_fd_call: the call that created it (for a
				     * stale use: the new descriptor at that number) */
	VIGIL_KEY_FD_CLOSED_BY,     /* enum vigil_fd_call: the call that closed it before */
	VIGIL_KEY_FDS,              /* fd-leak: the site's descriptors open at exit, or at
				     * the last point of a growing curve */
	VIGIL_KEY_FDS_CREATED,      /* fd-leak: descriptors the site created in the run */
	VIGIL_KEY_BLOCKED_TID,      /* fd-reuse: the thread blocked in a call on it */
	VIGIL_KEY_EAGAINS,          /* nonblocking-spin: EAGAIN results without a wait */
	VIGIL_KEY_SPIN_NS,          /* nonblocking-spin: the time they came in */
	VIGIL_KEY_FDS_OPENED,       /* stats: descriptors the program created */
	VIGIL_KEY_FDS_CLOSED,       /* stats: descriptors the program closed */
	VIGIL_KEY_FDS_PEAK,         /* stats: most descriptors open at once (a maximum) */
	VIGIL_KEY_FDS_INHERITED,    /* stats: descriptors open when the process started */
	VIGIL_KEY_FD_OVERFLOW,      /* stats: descriptors not tracked: number past the table */
	VIGIL_KEY_EPIPE,            /* stats: writes that failed with EPIPE */
	VIGIL_KEY_CFG_SPIN_COUNT,   /* config: EAGAINs that make a nonblocking-spin */
	VIGIL_KEY_CFG_SPIN_MS,      /* config: ... within this many ms */
	VIGIL_KEY_CFG_FD_LEAK_MIN,  /* config: open descriptors of one site that make a leak */
	VIGIL_KEY_SIGPIPE_DEATHS,   /* stats: the process died of SIGPIPE (0 or 1 each) */
	VIGIL_KEY_PIPE_SITE_OVERFLOW, /* stats: EPIPEs at call stacks past the site table */
	/* api (issue 5) */
	VIGIL_KEY_REPLACEMENT,      /* enum vigil_func: the call to use instead */
	VIGIL_KEY_MODE,             /* file mode bits the file gets (after the umask) */
	VIGIL_KEY_UMASK,            /* the umask in force at a creation */
	VIGIL_KEY_FLAGS,            /* open(2) flags; TLS: the flag bits that skip checks */
	VIGIL_KEY_DEST_SIZE,        /* bytes the destination holds, when known */
	VIGIL_KEY_TEXT,             /* 8 bytes of the finding's text (a command, a path, a
				     * format), little-endian, repeated in order; the text
				     * ends at the first NUL or with the last chunk */
	VIGIL_KEY_TEXT_LEN,         /* the text's whole length: more than the chunks hold
				     * when it was cut */
	/* syscalls (issue 6): what the kernel saw */
	VIGIL_KEY_SYSCALL,          /* syscall number (x86_64), shown by name */
	VIGIL_KEY_ERRNO,            /* errno, shown by name */
	VIGIL_KEY_CALLS,            /* calls of the syscall by the process */
	VIGIL_KEY_RATE,             /* syscall-errors: failures per second in their window */
	VIGIL_KEY_WINDOW_MS,        /* syscall-errors: first to last failure */
	VIGIL_KEY_PROT,             /* wx-mapping: the prot argument */
	VIGIL_KEY_LENGTH,           /* wx-mapping: bytes mapped or protected */
	VIGIL_KEY_LATENCY_NS,       /* slow-syscall: the slowest call */
	VIGIL_KEY_MEDIAN_NS,        /* slow-syscall: the run's median for that syscall */
	VIGIL_KEY_KILLER_PID,       /* a fatal signal's sender, outside the process */
	VIGIL_KEY_BPF_DROPS,        /* stats: ring-buffer events lost */
	VIGIL_KEY_BPF_TABLE_FULL,   /* stats: in-kernel table updates lost */
	VIGIL_KEY_BPF_UNTRACKED,    /* stats: tasks not tracked (no memory for storage) */
	VIGIL_KEY_BPF_SAMPLES_DROPPED, /* stats: failure/W+X stacks over the CLI's cap */
	VIGIL_KEY_SYSCALLS_TOTAL,   /* stats: syscalls the kernel counted */
	VIGIL_KEY_SYSCALL_FAILURES, /* stats: those that failed */
	VIGIL_KEY_MAX
};

struct vigil_rec_kv {
	__u16 key; /* enum vigil_key */
	__u16 pad[3];
	__u64 value;
};
_Static_assert(sizeof(struct vigil_rec_kv) == 16, "kv");

/* Longest text a finding carries in VIGIL_KEY_TEXT chunks (bytes, no NUL). */
#define VIGIL_TEXT_MAX 96u

/* Followed by nstacks struct vigil_rec_fstack, then ndetails struct vigil_rec_kv. */
struct vigil_rec_finding {
	struct vigil_rec_hdr hdr;
	__u16 fkind;    /* enum vigil_finding_kind */
	__u8 severity;  /* enum vigil_severity */
	__u8 nstacks;
	__u8 ndetails;
	__u8 pad[3];
	__u64 count;    /* occurrences folded into this record */
};
_Static_assert(sizeof(struct vigil_rec_finding) == 40, "finding");

enum vigil_exit_how {
	VIGIL_EXIT_RETURN = 1, /* exit() or return from main: code valid */
	VIGIL_EXIT_UNDERSCORE, /* _exit()/_Exit(): code valid */
	VIGIL_EXIT_SIGNAL,     /* fatal signal: signal valid */
};

struct vigil_rec_exit {
	struct vigil_rec_hdr hdr;
	__u32 how; /* enum vigil_exit_how */
	__s32 code;
	__s32 signal;
	__u32 pad;
};
_Static_assert(sizeof(struct vigil_rec_exit) == 40, "exit");

/* A process's syscall table, from BPF: calls per syscall (err 0) and failures per
 * (syscall, errno). Followed by n rows. */
struct vigil_rec_sysrow {
	__u16 nr;
	__u16 err; /* 0: all calls of nr; else failures with this errno */
	__u32 pad;
	__u64 count;
};
_Static_assert(sizeof(struct vigil_rec_sysrow) == 16, "sysrow");

struct vigil_rec_syscalls {
	struct vigil_rec_hdr hdr;
	__u32 n;
	__u32 pad;
};
_Static_assert(sizeof(struct vigil_rec_syscalls) == 32, "syscalls");

/* Latency of one syscall over the run: followed by nbuckets __u64 counts, bucket b
 * holding calls of [2^b, 2^(b+1)) ns (the last one: everything longer). */
struct vigil_rec_syslat {
	struct vigil_rec_hdr hdr;
	__u32 nr;
	__u32 nbuckets;
};
_Static_assert(sizeof(struct vigil_rec_syslat) == 32, "syslat");

/* PROCESS record flag: the image was seen by the kernel (BPF), not by the preload:
 * its log merges into the preload's image of the same pid when there is one. */
#define VIGIL_PROCESS_KERNEL 1u

/* Followed by n struct vigil_rec_kv. */
struct vigil_rec_stats {
	struct vigil_rec_hdr hdr;
	__u32 n;
	__u32 pad;
};
_Static_assert(sizeof(struct vigil_rec_stats) == 32, "stats");

/* A stat counted per call stack: key VIGIL_KEY_EPIPE (writes that failed with EPIPE,
 * at the writing stack) or VIGIL_KEY_SIGPIPE_DEATHS (the process died of SIGPIPE, at
 * the stack of the write it was in). count is the site's total so far in this
 * process: a site is written when first seen, again whenever its count reaches a
 * power of two, and with its final count at exit (or at the SIGPIPE death), so a
 * reader keeps the largest count of each (key, stack_id) of a log. Its stack record
 * comes first. */
struct vigil_rec_stat_site {
	struct vigil_rec_hdr hdr;
	__u16 key;      /* enum vigil_key */
	__u16 flags;    /* VIGIL_STACK_EXACT_PC0 */
	__u32 stack_id; /* 0: no stack */
	__u64 count;
};
_Static_assert(sizeof(struct vigil_rec_stat_site) == 40, "stat site");

/* A value of a SAMPLE record that the process does not know (its check is off). */
#define VIGIL_SAMPLE_NONE (~0ULL)

/* The process's load at one moment, for the charts of a report: written every
 * growth_interval_ms while the program allocates or creates descriptors (the period
 * doubles every VIGIL_SAMPLE_BATCH records, so a long run stays small), and once at
 * exit. */
struct vigil_rec_sample {
	struct vigil_rec_hdr hdr;
	__u64 t_ms;       /* since the process's log was started */
	__u64 heap_bytes; /* live bytes of the blocks the heap check tracks (canary: the
			   * sampled ones); VIGIL_SAMPLE_NONE when it is off */
	__u64 fds;        /* descriptors open; VIGIL_SAMPLE_NONE when the fd check is off */
};
_Static_assert(sizeof(struct vigil_rec_sample) == 48, "sample");

#define VIGIL_SAMPLE_BATCH 256u

#endif
