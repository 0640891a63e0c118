/* SPDX-License-Identifier: MIT */
/* Finding kinds, severities, checks and the names the reports use for them: the one
 * kind->name table shared by preload/ and src/ (DESIGN.md "Finding kinds"). */
#ifndef VIGIL_FINDING_H
#define VIGIL_FINDING_H

#include "event.h"

/* A set of enum vigil_key values; bit k is VIGIL_KEYBIT(k). */
typedef unsigned __int128 vigil_keyset;
#define VIGIL_KEYBIT(k) ((vigil_keyset)1 << (k))
_Static_assert(VIGIL_KEY_MAX <= 128, "key sets are 128-bit masks");

enum vigil_check {
	VIGIL_CHECK_HEAP = 0,
	VIGIL_CHECK_THREADS,
	VIGIL_CHECK_FDS,
	VIGIL_CHECK_API,
	VIGIL_CHECK_SYSCALLS,
	VIGIL_CHECK_RACES,
	VIGIL_CHECK_MAX
};

/* Checks that work today; --checks naming any other is an error. */
#define VIGIL_CHECKS_AVAILABLE ((1u << VIGIL_CHECK_HEAP) | (1u << VIGIL_CHECK_THREADS))
#define VIGIL_CHECKS_AVAILABLE_NAMES "heap, threads"

enum vigil_mode {
	VIGIL_MODE_FULL = 0,
	VIGIL_MODE_CANARY = 1,
};

enum vigil_severity {
	VIGIL_SEV_INFO = 0,
	VIGIL_SEV_WARNING = 1,
	VIGIL_SEV_ERROR = 2,
};

enum vigil_finding_kind {
	VIGIL_FK_LEAK = 1,
	VIGIL_FK_LEAK_REACHABLE,
	VIGIL_FK_HEAP_GROWTH,
	VIGIL_FK_DOUBLE_FREE,
	VIGIL_FK_INVALID_FREE,
	VIGIL_FK_MISMATCHED_FREE,
	VIGIL_FK_HEAP_OVERFLOW,
	VIGIL_FK_USE_AFTER_FREE,
	VIGIL_FK_BAD_ALLOC_SIZE,
	VIGIL_FK_LOCK_ORDER_INVERSION,
	VIGIL_FK_DEADLOCK,
	VIGIL_FK_UNLOCK_NOT_OWNER,
	VIGIL_FK_DOUBLE_LOCK,
	VIGIL_FK_DESTROY_LOCKED,
	VIGIL_FK_COND_WAIT_NOT_OWNER,
	VIGIL_FK_THREAD_LEAK,
	VIGIL_FK_LOCK_CONTENTION,
	VIGIL_FK_MT_UNSAFE_CALL,
	VIGIL_FK_SIGNAL_UNSAFE_CALL,
	VIGIL_FK_DATA_RACE,
	VIGIL_FK_FD_LEAK,
	VIGIL_FK_DOUBLE_CLOSE,
	VIGIL_FK_BAD_FD,
	VIGIL_FK_FD_REUSE,
	VIGIL_FK_NONBLOCKING_SPIN,
	VIGIL_FK_UNSAFE_API,
	VIGIL_FK_DEPRECATED_API,
	VIGIL_FK_FORMAT_STRING,
	VIGIL_FK_MEMCPY_OVERLAP,
	VIGIL_FK_INSECURE_PERMISSIONS,
	VIGIL_FK_INSECURE_TEMPFILE,
	VIGIL_FK_SHELL_EXEC,
	VIGIL_FK_TLS_VERIFY_DISABLED,
	VIGIL_FK_SYSCALL_ERRORS,
	VIGIL_FK_WX_MAPPING,
	VIGIL_FK_SLOW_SYSCALL,
	VIGIL_FK_CRASH,
	VIGIL_FK_MAX
};

/* NULL for a value outside the enum: raw logs come from other processes. */
static inline const char *vigil_kind_name(unsigned k)
{
	static const char *const names[VIGIL_FK_MAX] = {
		[VIGIL_FK_LEAK] = "leak",
		[VIGIL_FK_LEAK_REACHABLE] = "leak-reachable",
		[VIGIL_FK_HEAP_GROWTH] = "heap-growth",
		[VIGIL_FK_DOUBLE_FREE] = "double-free",
		[VIGIL_FK_INVALID_FREE] = "invalid-free",
		[VIGIL_FK_MISMATCHED_FREE] = "mismatched-free",
		[VIGIL_FK_HEAP_OVERFLOW] = "heap-overflow",
		[VIGIL_FK_USE_AFTER_FREE] = "use-after-free",
		[VIGIL_FK_BAD_ALLOC_SIZE] = "bad-alloc-size",
		[VIGIL_FK_LOCK_ORDER_INVERSION] = "lock-order-inversion",
		[VIGIL_FK_DEADLOCK] = "deadlock",
		[VIGIL_FK_UNLOCK_NOT_OWNER] = "unlock-not-owner",
		[VIGIL_FK_DOUBLE_LOCK] = "double-lock",
		[VIGIL_FK_DESTROY_LOCKED] = "destroy-locked",
		[VIGIL_FK_COND_WAIT_NOT_OWNER] = "cond-wait-not-owner",
		[VIGIL_FK_THREAD_LEAK] = "thread-leak",
		[VIGIL_FK_LOCK_CONTENTION] = "lock-contention",
		[VIGIL_FK_MT_UNSAFE_CALL] = "mt-unsafe-call",
		[VIGIL_FK_SIGNAL_UNSAFE_CALL] = "signal-unsafe-call",
		[VIGIL_FK_DATA_RACE] = "data-race",
		[VIGIL_FK_FD_LEAK] = "fd-leak",
		[VIGIL_FK_DOUBLE_CLOSE] = "double-close",
		[VIGIL_FK_BAD_FD] = "bad-fd",
		[VIGIL_FK_FD_REUSE] = "fd-reuse",
		[VIGIL_FK_NONBLOCKING_SPIN] = "nonblocking-spin",
		[VIGIL_FK_UNSAFE_API] = "unsafe-api",
		[VIGIL_FK_DEPRECATED_API] = "deprecated-api",
		[VIGIL_FK_FORMAT_STRING] = "format-string",
		[VIGIL_FK_MEMCPY_OVERLAP] = "memcpy-overlap",
		[VIGIL_FK_INSECURE_PERMISSIONS] = "insecure-permissions",
		[VIGIL_FK_INSECURE_TEMPFILE] = "insecure-tempfile",
		[VIGIL_FK_SHELL_EXEC] = "shell-exec",
		[VIGIL_FK_TLS_VERIFY_DISABLED] = "tls-verify-disabled",
		[VIGIL_FK_SYSCALL_ERRORS] = "syscall-errors",
		[VIGIL_FK_WX_MAPPING] = "wx-mapping",
		[VIGIL_FK_SLOW_SYSCALL] = "slow-syscall",
		[VIGIL_FK_CRASH] = "crash",
	};
	return k < VIGIL_FK_MAX ? names[k] : 0;
}

static inline const char *vigil_severity_name(unsigned s)
{
	static const char *const names[] = {"info", "warning", "error"};
	return s <= VIGIL_SEV_ERROR ? names[s] : 0;
}

static inline const char *vigil_check_name(unsigned c)
{
	static const char *const names[VIGIL_CHECK_MAX] = {
		"heap", "threads", "fds", "api", "syscalls", "races",
	};
	return c < VIGIL_CHECK_MAX ? names[c] : 0;
}

static inline const char *vigil_role_name(unsigned r)
{
	static const char *const names[VIGIL_ROLE_MAX] = {
		[VIGIL_ROLE_ALLOCATION] = "allocation",
		[VIGIL_ROLE_FREE] = "free",
		[VIGIL_ROLE_FIRST_FREE] = "first-free",
		[VIGIL_ROLE_CRASH] = "crash",
		[VIGIL_ROLE_ACCESS] = "access",
		[VIGIL_ROLE_ACQUIRE] = "acquire",
		[VIGIL_ROLE_HELD] = "held",
		[VIGIL_ROLE_BLOCKED] = "blocked",
		[VIGIL_ROLE_THREAD_CREATE] = "thread-create",
		[VIGIL_ROLE_CALL] = "call",
		[VIGIL_ROLE_OTHER_CALL] = "other-call",
		[VIGIL_ROLE_HANDLER] = "handler",
	};
	return r < VIGIL_ROLE_MAX ? names[r] : 0;
}

/* Values of the alloc_op / free_op details. */
enum vigil_heap_op {
	VIGIL_OP_MALLOC = 1, /* malloc, calloc, realloc, memalign family */
	VIGIL_OP_NEW,
	VIGIL_OP_NEW_ARRAY,
	VIGIL_OP_NEW_ALIGNED,
	VIGIL_OP_NEW_ARRAY_ALIGNED,
	VIGIL_OP_FREE,
	VIGIL_OP_DELETE,
	VIGIL_OP_DELETE_ARRAY,
	VIGIL_OP_DELETE_ALIGNED,
	VIGIL_OP_DELETE_ARRAY_ALIGNED,
	VIGIL_OP_REALLOC,
	VIGIL_OP_MAX
};

static inline const char *vigil_op_name(unsigned op)
{
	static const char *const names[VIGIL_OP_MAX] = {
		[VIGIL_OP_MALLOC] = "malloc",
		[VIGIL_OP_NEW] = "operator new",
		[VIGIL_OP_NEW_ARRAY] = "operator new[]",
		[VIGIL_OP_NEW_ALIGNED] = "aligned operator new",
		[VIGIL_OP_NEW_ARRAY_ALIGNED] = "aligned operator new[]",
		[VIGIL_OP_FREE] = "free",
		[VIGIL_OP_DELETE] = "operator delete",
		[VIGIL_OP_DELETE_ARRAY] = "operator delete[]",
		[VIGIL_OP_DELETE_ALIGNED] = "aligned operator delete",
		[VIGIL_OP_DELETE_ARRAY_ALIGNED] = "aligned operator delete[]",
		[VIGIL_OP_REALLOC] = "realloc",
	};
	return op < VIGIL_OP_MAX ? names[op] : 0;
}

/* Values of the detected_by detail: which mechanism caught a heap error. */
enum vigil_detect {
	VIGIL_DETECT_FREE = 1,    /* redzone checked when the block was freed */
	VIGIL_DETECT_REALLOC,     /* redzone checked by realloc */
	VIGIL_DETECT_EXIT,        /* redzone checked at exit */
	VIGIL_DETECT_CALL,        /* a str/mem/io call checked against the block's bounds */
	VIGIL_DETECT_QUARANTINE,  /* freed-block pattern damaged, found leaving quarantine */
	VIGIL_DETECT_GUARD_PAGE,  /* a sampled block's guard page faulted */
	VIGIL_DETECT_MAX
};

static inline const char *vigil_detect_name(unsigned d)
{
	static const char *const names[VIGIL_DETECT_MAX] = {
		[VIGIL_DETECT_FREE] = "redzone, checked at free",
		[VIGIL_DETECT_REALLOC] = "redzone, checked at realloc",
		[VIGIL_DETECT_EXIT] = "redzone, checked at exit",
		[VIGIL_DETECT_CALL] = "bounds check at the call",
		[VIGIL_DETECT_QUARANTINE] = "freed-memory pattern, checked leaving quarantine",
		[VIGIL_DETECT_GUARD_PAGE] = "guard page",
	};
	return d < VIGIL_DETECT_MAX ? names[d] : 0;
}

/* Values of the where detail of invalid-free: what the pointer points at. */
enum vigil_where {
	VIGIL_WHERE_UNKNOWN = 1, /* never returned by the allocator */
	VIGIL_WHERE_STACK,
	VIGIL_WHERE_GLOBAL,
	VIGIL_WHERE_INTERIOR,    /* inside a live heap block, not its start */
	VIGIL_WHERE_MAX
};

static inline const char *vigil_where_name(unsigned w)
{
	static const char *const names[VIGIL_WHERE_MAX] = {
		[VIGIL_WHERE_UNKNOWN] = "memory the allocator never returned",
		[VIGIL_WHERE_STACK] = "a stack",
		[VIGIL_WHERE_GLOBAL] = "a global",
		[VIGIL_WHERE_INTERIOR] = "the inside of a heap block",
	};
	return w < VIGIL_WHERE_MAX ? names[w] : 0;
}

/* Values of the lock_kind detail. */
enum vigil_lock_kind {
	VIGIL_LK_MUTEX = 1,
	VIGIL_LK_RWLOCK,
	VIGIL_LK_SPIN,
	VIGIL_LK_COND,
	VIGIL_LK_MTX, /* C11 mtx_t */
	VIGIL_LK_CND, /* C11 cnd_t */
	VIGIL_LK_MAX
};

static inline const char *vigil_lock_kind_name(unsigned k)
{
	static const char *const names[VIGIL_LK_MAX] = {
		[VIGIL_LK_MUTEX] = "pthread_mutex_t",
		[VIGIL_LK_RWLOCK] = "pthread_rwlock_t",
		[VIGIL_LK_SPIN] = "pthread_spinlock_t",
		[VIGIL_LK_COND] = "pthread_cond_t",
		[VIGIL_LK_MTX] = "mtx_t",
		[VIGIL_LK_CND] = "cnd_t",
	};
	return k < VIGIL_LK_MAX ? names[k] : 0;
}

/* Values of the reason detail: the variant of a thread finding. */
enum vigil_reason {
	VIGIL_REASON_UNLOCKED = 1,    /* unlock of a lock nobody holds */
	VIGIL_REASON_OTHER_OWNER,     /* unlock of a lock another thread holds */
	VIGIL_REASON_LOCKED,          /* destroy of a held lock */
	VIGIL_REASON_WAITERS,         /* destroy of a cond with waiters */
	VIGIL_REASON_NOT_HELD,        /* cond wait with a mutex the thread does not hold */
	VIGIL_REASON_OTHER_MUTEX,     /* cond waited on with two different mutexes at once */
	VIGIL_REASON_NOT_JOINED,      /* thread neither joined nor detached at exit */
	VIGIL_REASON_JOINED_TWICE,
	VIGIL_REASON_JOIN_DETACHED,
	VIGIL_REASON_SETENV_THREADS,  /* environment changed while other threads run */
	VIGIL_REASON_TWO_THREADS,     /* non-reentrant call made from two threads */
	VIGIL_REASON_MAX
};

static inline const char *vigil_reason_name(unsigned r)
{
	static const char *const names[VIGIL_REASON_MAX] = {
		[VIGIL_REASON_UNLOCKED] = "not locked",
		[VIGIL_REASON_OTHER_OWNER] = "held by another thread",
		[VIGIL_REASON_LOCKED] = "locked",
		[VIGIL_REASON_WAITERS] = "threads waiting",
		[VIGIL_REASON_NOT_HELD] = "mutex not held",
		[VIGIL_REASON_OTHER_MUTEX] = "waited on with two mutexes",
		[VIGIL_REASON_NOT_JOINED] = "neither joined nor detached",
		[VIGIL_REASON_JOINED_TWICE] = "joined twice",
		[VIGIL_REASON_JOIN_DETACHED] = "joined while detached",
		[VIGIL_REASON_SETENV_THREADS] = "environment changed while threads run",
		[VIGIL_REASON_TWO_THREADS] = "called from two threads",
	};
	return r < VIGIL_REASON_MAX ? names[r] : 0;
}

/* Values of the function detail: libc calls named by thread findings. Append only:
 * raw logs keep the numbers. */
#define VIGIL_FUNCS(X)                                                                   \
	X(STRTOK, "strtok") X(LOCALTIME, "localtime") X(GMTIME, "gmtime")                  \
	X(CTIME, "ctime") X(ASCTIME, "asctime") X(RAND, "rand") X(STRERROR, "strerror")    \
	X(READDIR, "readdir") X(GETENV, "getenv") X(SETENV, "setenv") X(PUTENV, "putenv")  \
	X(UNSETENV, "unsetenv") X(CLEARENV, "clearenv")                                    \
	X(GETHOSTBYNAME, "gethostbyname") X(GETHOSTBYADDR, "gethostbyaddr")                \
	X(INET_NTOA, "inet_ntoa") X(GETPWNAM, "getpwnam") X(GETPWUID, "getpwuid")          \
	X(GETGRNAM, "getgrnam") X(GETGRGID, "getgrgid") X(ECVT, "ecvt") X(FCVT, "fcvt")    \
	X(GCVT, "gcvt") X(TMPNAM, "tmpnam") X(TTYNAME, "ttyname") X(STRSIGNAL, "strsignal") \
	X(GETLOGIN, "getlogin") X(DRAND48, "drand48") X(LRAND48, "lrand48")                \
	X(MRAND48, "mrand48") X(SRAND48, "srand48") X(HCREATE, "hcreate")                  \
	X(HSEARCH, "hsearch") X(MALLOC, "malloc") X(FREE, "free") X(CALLOC, "calloc")       \
	X(REALLOC, "realloc") X(OPERATOR_NEW, "operator new")                              \
	X(OPERATOR_DELETE, "operator delete") X(PRINTF, "printf") X(FPRINTF, "fprintf")    \
	X(VPRINTF, "vprintf") X(VFPRINTF, "vfprintf") X(PUTS, "puts") X(FPUTS, "fputs")    \
	X(FPUTC, "fputc") X(PUTCHAR, "putchar") X(FWRITE, "fwrite") X(FFLUSH, "fflush")    \
	X(FOPEN, "fopen") X(FCLOSE, "fclose") X(PERROR, "perror") X(SYSLOG, "syslog")      \
	X(VSYSLOG, "vsyslog") X(EXIT, "exit") X(PTHREAD_MUTEX_LOCK, "pthread_mutex_lock")  \
	X(PTHREAD_MUTEX_UNLOCK, "pthread_mutex_unlock")                                    \
	X(PTHREAD_RWLOCK_LOCK, "pthread_rwlock_*lock")                                     \
	X(PTHREAD_SPIN_LOCK, "pthread_spin_lock") X(PTHREAD_COND, "pthread_cond_*")        \
	X(SPRINTF, "sprintf") X(SNPRINTF, "snprintf") X(MTX_LOCK, "mtx_lock")              \
	X(DPRINTF, "dprintf") X(VDPRINTF, "vdprintf") X(PUTC, "putc")

enum vigil_func {
#define VIGIL_FUNC_ENUM(id, name) VIGIL_FN_##id,
	VIGIL_FN_NONE = 0,
	VIGIL_FUNCS(VIGIL_FUNC_ENUM)
#undef VIGIL_FUNC_ENUM
	VIGIL_FN_MAX
};

static inline const char *vigil_func_name(unsigned fn)
{
	static const char *const names[VIGIL_FN_MAX] = {
#define VIGIL_FUNC_NAME(id, name) [VIGIL_FN_##id] = name,
		VIGIL_FUNCS(VIGIL_FUNC_NAME)
#undef VIGIL_FUNC_NAME
	};
	return fn < VIGIL_FN_MAX ? names[fn] : 0;
}

/* JSON names of detail and stats keys (snake_case). */
static inline const char *vigil_key_name(unsigned k)
{
	static const char *const names[VIGIL_KEY_MAX] = {
		[VIGIL_KEY_SIZE] = "size",
		[VIGIL_KEY_BYTES] = "bytes",
		[VIGIL_KEY_BLOCKS] = "blocks",
		[VIGIL_KEY_DIRECT_BYTES] = "direct_bytes",
		[VIGIL_KEY_DIRECT_BLOCKS] = "direct_blocks",
		[VIGIL_KEY_INDIRECT_BYTES] = "indirect_bytes",
		[VIGIL_KEY_INDIRECT_BLOCKS] = "indirect_blocks",
		[VIGIL_KEY_SIGNAL] = "signal",
		[VIGIL_KEY_SI_CODE] = "si_code",
		[VIGIL_KEY_FAULT_ADDR] = "fault_addr",
		[VIGIL_KEY_ADDR] = "addr",
		[VIGIL_KEY_OFFSET] = "offset",
		[VIGIL_KEY_ALLOCS] = "allocs",
		[VIGIL_KEY_FREES] = "frees",
		[VIGIL_KEY_LIVE_BYTES] = "live_bytes",
		[VIGIL_KEY_PEAK_BYTES] = "peak_bytes",
		[VIGIL_KEY_STACKS] = "stacks",
		[VIGIL_KEY_STACK_OVERFLOW] = "stack_table_overflow",
		[VIGIL_KEY_HEAP_OVERFLOW] = "heap_table_overflow",
		[VIGIL_KEY_FINDINGS_DROPPED] = "findings_dropped",
		[VIGIL_KEY_THREADS_STOPPED] = "threads_stopped",
		[VIGIL_KEY_THREADS_UNSTOPPED] = "threads_unstopped",
		[VIGIL_KEY_SCAN_NS] = "leak_scan_ns",
		[VIGIL_KEY_TOOL_BYTES] = "tool_bytes",
		[VIGIL_KEY_ALLOC_OP] = "alloc_op",
		[VIGIL_KEY_FREE_OP] = "free_op",
		[VIGIL_KEY_DETECTED_BY] = "detected_by",
		[VIGIL_KEY_WHERE] = "where",
		[VIGIL_KEY_BLOCK_ADDR] = "block_addr",
		[VIGIL_KEY_ACCESS_SIZE] = "access_size",
		[VIGIL_KEY_UNTRACKED_FREES] = "untracked_frees",
		[VIGIL_KEY_QUARANTINE_BYTES] = "quarantine_bytes",
		[VIGIL_KEY_CFG_MODE] = "mode",
		[VIGIL_KEY_CFG_SAMPLE_BYTES] = "sample_bytes",
		[VIGIL_KEY_CFG_GUARD_RATE] = "guard_rate",
		[VIGIL_KEY_CFG_QUARANTINE_BYTES] = "quarantine_bytes",
		[VIGIL_KEY_CFG_REDZONE] = "redzone",
		[VIGIL_KEY_CFG_ON_ERROR_ABORT] = "on_error_abort",
		[VIGIL_KEY_SERIES_T_MS] = "series_t_ms",
		[VIGIL_KEY_SERIES_BYTES] = "series_bytes",
		[VIGIL_KEY_CFG_GROWTH_INTERVAL_MS] = "growth_interval_ms",
		[VIGIL_KEY_ACCESS_WRITE] = "write",
		[VIGIL_KEY_LOCK_KIND] = "lock_kind",
		[VIGIL_KEY_OTHER_ADDR] = "other_addr",
		[VIGIL_KEY_OWNER_TID] = "owner_tid",
		[VIGIL_KEY_REASON] = "reason",
		[VIGIL_KEY_CYCLE_LOCKS] = "cycle_locks",
		[VIGIL_KEY_SINGLE_THREAD] = "single_thread",
		[VIGIL_KEY_WAIT_NS] = "wait_ns",
		[VIGIL_KEY_WAITS] = "waits",
		[VIGIL_KEY_MAX_WAIT_NS] = "max_wait_ns",
		[VIGIL_KEY_FUNC] = "function",
		[VIGIL_KEY_THREADS] = "threads",
		[VIGIL_KEY_ERRNO_CLOBBERED] = "errno_clobbered",
		[VIGIL_KEY_LOCKS] = "locks",
		[VIGIL_KEY_LOCK_OVERFLOW] = "lock_table_overflow",
		[VIGIL_KEY_LOCK_EDGES] = "lock_order_edges",
		[VIGIL_KEY_EDGE_OVERFLOW] = "lock_graph_overflow",
		[VIGIL_KEY_GATED_CYCLES] = "gated_cycles",
		[VIGIL_KEY_CONTENDED_WAITS] = "contended_waits",
		[VIGIL_KEY_CONTENDED_NS] = "contended_ns",
		[VIGIL_KEY_CFG_DEADLOCK_MS] = "deadlock_ms",
		[VIGIL_KEY_CYCLE_SEARCHES_CUT] = "cycle_searches_cut",
		[VIGIL_KEY_RUNNING] = "running",
		[VIGIL_KEY_THREADS_CREATED] = "threads_created",
		[VIGIL_KEY_THREAD_OVERFLOW] = "thread_table_overflow",
	};
	return k < VIGIL_KEY_MAX ? names[k] : 0;
}

/* The name of an enum-valued detail, or NULL when the key is not one (or the value is
 * out of range: it is then shown as the number it is). */
static inline const char *vigil_key_value_name(unsigned k, __u64 v)
{
	switch (k) {
	case VIGIL_KEY_ALLOC_OP:
	case VIGIL_KEY_FREE_OP:
		return v < VIGIL_OP_MAX ? vigil_op_name((unsigned)v) : 0;
	case VIGIL_KEY_DETECTED_BY:
		return v < VIGIL_DETECT_MAX ? vigil_detect_name((unsigned)v) : 0;
	case VIGIL_KEY_WHERE:
		return v < VIGIL_WHERE_MAX ? vigil_where_name((unsigned)v) : 0;
	case VIGIL_KEY_LOCK_KIND:
		return v < VIGIL_LK_MAX ? vigil_lock_kind_name((unsigned)v) : 0;
	case VIGIL_KEY_REASON:
		return v < VIGIL_REASON_MAX ? vigil_reason_name((unsigned)v) : 0;
	case VIGIL_KEY_FUNC:
		return v < VIGIL_FN_MAX ? vigil_func_name((unsigned)v) : 0;
	}
	return 0;
}

#endif
