/* SPDX-License-Identifier: MIT */
/* Finding kinds, severities, checks and the names the reports use for them: the one
 * kind->name table shared by preload/ and src/ (DESIGN.md "Finding kinds"). */
#ifndef VIGIL_FINDING_H
#define VIGIL_FINDING_H

#include "event.h"

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
#define VIGIL_CHECKS_AVAILABLE (1u << VIGIL_CHECK_HEAP)

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
	};
	return k < VIGIL_KEY_MAX ? names[k] : 0;
}

#endif
