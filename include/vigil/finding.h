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
#define VIGIL_CHECKS_AVAILABLE                                                           \
	((1u << VIGIL_CHECK_HEAP) | (1u << VIGIL_CHECK_THREADS) | (1u << VIGIL_CHECK_FDS) |   \
	 (1u << VIGIL_CHECK_API) | (1u << VIGIL_CHECK_SYSCALLS))
#define VIGIL_CHECKS_AVAILABLE_NAMES "heap, threads, fds, api, syscalls"

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
		[VIGIL_ROLE_OPEN] = "open",
		[VIGIL_ROLE_CLOSE] = "close",
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
	VIGIL_WHERE_HEAP,        /* the brk heap (api checks: where a format lies) */
	VIGIL_WHERE_MAPPING,     /* other writable memory: mmap, allocator arenas */
	VIGIL_WHERE_MAX
};

static inline const char *vigil_where_name(unsigned w)
{
	static const char *const names[VIGIL_WHERE_MAX] = {
		[VIGIL_WHERE_UNKNOWN] = "memory the allocator never returned",
		[VIGIL_WHERE_STACK] = "a stack",
		[VIGIL_WHERE_GLOBAL] = "a global",
		[VIGIL_WHERE_INTERIOR] = "the inside of a heap block",
		[VIGIL_WHERE_HEAP] = "the heap",
		[VIGIL_WHERE_MAPPING] = "writable mapped memory",
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
	/* api checks (issue 5) */
	VIGIL_REASON_UNBOUNDED_INPUT, /* gets: reads a line of any length */
	VIGIL_REASON_PREDICTABLE_NAME, /* tmpnam, tempnam, mktemp */
	VIGIL_REASON_UNKNOWN_SIZE,    /* unbounded write, destination size unknown */
	VIGIL_REASON_OVERFLOW,        /* unbounded write proven to pass the destination */
	VIGIL_REASON_PERCENT_N,       /* %n in a writable format */
	VIGIL_REASON_WRITABLE_FORMAT, /* conversions in a writable format */
	VIGIL_REASON_SYSV_SIGNAL,     /* handler installed one-shot, System V style */
	VIGIL_REASON_CREATED,         /* a file or directory created world-writable */
	VIGIL_REASON_CHMOD,           /* permissions changed to world-writable */
	VIGIL_REASON_VERIFY_PEER_OFF, /* TLS peer certificate not verified */
	VIGIL_REASON_VERIFY_HOST_OFF, /* certificate not matched to the host name */
	VIGIL_REASON_PROXY_VERIFY_PEER_OFF,
	VIGIL_REASON_PROXY_VERIFY_HOST_OFF,
	VIGIL_REASON_DOH_VERIFY_PEER_OFF,
	VIGIL_REASON_DOH_VERIFY_HOST_OFF,
	VIGIL_REASON_CERT_CHECKS_SKIPPED, /* X509_V_FLAG_NO_CHECK_TIME, _IGNORE_CRITICAL */
	VIGIL_REASON_HOST_MATCH_LOOSENED, /* multi-label wildcards, single-label subdomains */
	/* fd checks (issue 5) */
	VIGIL_REASON_FD_CLOSED,       /* bad-fd: the descriptor was closed before */
	VIGIL_REASON_FD_NEVER_OPENED, /* bad-fd: no descriptor was ever open at the number */
	VIGIL_REASON_FD_NEGATIVE,     /* bad-fd: a negative number (a failed open's -1) */
	VIGIL_REASON_FD_FILE_OWNED,   /* close() of a descriptor a FILE* owns */
	VIGIL_REASON_FD_DIR_OWNED,    /* close() of a descriptor a DIR* owns */
	VIGIL_REASON_FD_CLOSED_UNDER, /* fclose/closedir of a stream whose descriptor was
				       * closed underneath it */
	VIGIL_REASON_FD_BLOCKED,      /* closed while another thread is blocked on it */
	VIGIL_REASON_FD_STALE,        /* a site uses the number after it was reused */
	VIGIL_REASON_FD_AT_EXIT,      /* fd-leak: still open at exit */
	VIGIL_REASON_FD_GROWING,      /* fd-leak: the site's open descriptors kept growing */
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
		[VIGIL_REASON_UNBOUNDED_INPUT] = "input length unbounded",
		[VIGIL_REASON_PREDICTABLE_NAME] = "predictable temporary name",
		[VIGIL_REASON_UNKNOWN_SIZE] = "destination size unknown",
		[VIGIL_REASON_OVERFLOW] = "writes past the destination",
		[VIGIL_REASON_PERCENT_N] = "%n in a writable format",
		[VIGIL_REASON_WRITABLE_FORMAT] = "conversions in a writable format",
		[VIGIL_REASON_SYSV_SIGNAL] = "one-shot handler (System V signal)",
		[VIGIL_REASON_CREATED] = "created world-writable",
		[VIGIL_REASON_CHMOD] = "made world-writable",
		[VIGIL_REASON_VERIFY_PEER_OFF] = "peer certificate not verified",
		[VIGIL_REASON_VERIFY_HOST_OFF] = "host name not verified",
		[VIGIL_REASON_PROXY_VERIFY_PEER_OFF] = "proxy certificate not verified",
		[VIGIL_REASON_PROXY_VERIFY_HOST_OFF] = "proxy host name not verified",
		[VIGIL_REASON_DOH_VERIFY_PEER_OFF] = "DNS-over-HTTPS certificate not verified",
		[VIGIL_REASON_DOH_VERIFY_HOST_OFF] = "DNS-over-HTTPS host name not verified",
		[VIGIL_REASON_CERT_CHECKS_SKIPPED] = "certificate checks skipped",
		[VIGIL_REASON_HOST_MATCH_LOOSENED] = "host name matching loosened",
		[VIGIL_REASON_FD_CLOSED] = "closed",
		[VIGIL_REASON_FD_NEVER_OPENED] = "never opened",
		[VIGIL_REASON_FD_NEGATIVE] = "negative descriptor",
		[VIGIL_REASON_FD_FILE_OWNED] = "owned by a FILE*",
		[VIGIL_REASON_FD_DIR_OWNED] = "owned by a DIR*",
		[VIGIL_REASON_FD_CLOSED_UNDER] = "descriptor closed underneath the stream",
		[VIGIL_REASON_FD_BLOCKED] = "another thread is blocked on it",
		[VIGIL_REASON_FD_STALE] = "stale descriptor number",
		[VIGIL_REASON_FD_AT_EXIT] = "open at exit",
		[VIGIL_REASON_FD_GROWING] = "open descriptors kept growing",
	};
	return r < VIGIL_REASON_MAX ? names[r] : 0;
}

/* Values of the call, opened_by and closed_by details: the descriptor calls the fd
 * checks follow. Append only: raw logs keep the numbers. */
#define VIGIL_FD_CALLS(X)                                                                \
	X(INHERITED, "inherited") X(OPEN, "open") X(OPENAT, "openat") X(CREAT, "creat")     \
	X(SOCKET, "socket") X(SOCKETPAIR, "socketpair") X(ACCEPT, "accept")                 \
	X(ACCEPT4, "accept4") X(PIPE, "pipe") X(PIPE2, "pipe2") X(DUP, "dup")               \
	X(DUP2, "dup2") X(DUP3, "dup3") X(FCNTL, "fcntl") X(EVENTFD, "eventfd")             \
	X(TIMERFD_CREATE, "timerfd_create") X(SIGNALFD, "signalfd")                          \
	X(EPOLL_CREATE, "epoll_create") X(EPOLL_CREATE1, "epoll_create1")                   \
	X(INOTIFY_INIT, "inotify_init") X(INOTIFY_INIT1, "inotify_init1")                   \
	X(MEMFD_CREATE, "memfd_create") X(FOPEN, "fopen") X(FDOPEN, "fdopen")               \
	X(FREOPEN, "freopen") X(FCLOSE, "fclose") X(OPENDIR, "opendir")                     \
	X(FDOPENDIR, "fdopendir") X(CLOSEDIR, "closedir") X(CLOSE, "close")                 \
	X(CLOSE_RANGE, "close_range") X(CLOSEFROM, "closefrom") X(READ, "read")             \
	X(WRITE, "write") X(PREAD, "pread") X(PWRITE, "pwrite") X(READV, "readv")           \
	X(WRITEV, "writev") X(RECV, "recv") X(RECVFROM, "recvfrom") X(RECVMSG, "recvmsg")   \
	X(SEND, "send") X(SENDTO, "sendto") X(SENDMSG, "sendmsg") X(CONNECT, "connect")     \
	X(POLL, "poll") X(PPOLL, "ppoll") X(SELECT, "select") X(EPOLL_WAIT, "epoll_wait")   \
	X(EPOLL_CTL, "epoll_ctl") X(OTHER, "another call") X(MKSTEMP, "mkstemp")           \
	X(TMPFILE, "tmpfile")

enum vigil_fd_call {
#define VIGIL_FD_CALL_ENUM(id, name) VIGIL_FDC_##id,
	VIGIL_FDC_NONE = 0,
	VIGIL_FD_CALLS(VIGIL_FD_CALL_ENUM)
#undef VIGIL_FD_CALL_ENUM
	VIGIL_FDC_MAX
};

static inline const char *vigil_fd_call_name(unsigned c)
{
	static const char *const names[VIGIL_FDC_MAX] = {
#define VIGIL_FD_CALL_NAME(id, name) [VIGIL_FDC_##id] = name,
		VIGIL_FD_CALLS(VIGIL_FD_CALL_NAME)
#undef VIGIL_FD_CALL_NAME
	};
	return c < VIGIL_FDC_MAX ? names[c] : 0;
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
	X(DPRINTF, "dprintf") X(VDPRINTF, "vdprintf") X(PUTC, "putc")                     \
	/* api checks (issue 5): the calls and their replacements */                       \
	X(GETS, "gets") X(FGETS, "fgets") X(TEMPNAM, "tempnam") X(MKTEMP, "mktemp")        \
	X(MKSTEMP, "mkstemp") X(MKDTEMP, "mkdtemp") X(VSPRINTF, "vsprintf")                \
	X(VSNPRINTF, "vsnprintf") X(STRCPY, "strcpy") X(STRCAT, "strcat")                  \
	X(STRNCPY, "strncpy") X(STPCPY, "stpcpy") X(MEMCPY, "memcpy")                      \
	X(MEMMOVE, "memmove") X(MEMSET, "memset") X(MEMCMP, "memcmp")                      \
	X(GETHOSTBYNAME2, "gethostbyname2") X(GETADDRINFO, "getaddrinfo")                  \
	X(GETNAMEINFO, "getnameinfo") X(INET_ADDR, "inet_addr") X(INET_ATON, "inet_aton")  \
	X(INET_PTON, "inet_pton") X(INET_NTOP, "inet_ntop") X(USLEEP, "usleep")            \
	X(NANOSLEEP, "nanosleep") X(UALARM, "ualarm") X(SETITIMER, "setitimer")            \
	X(BCOPY, "bcopy") X(BZERO, "bzero") X(BCMP, "bcmp") X(INDEX, "index")              \
	X(STRCHR, "strchr") X(RINDEX, "rindex") X(STRRCHR, "strrchr") X(GETWD, "getwd")    \
	X(GETCWD, "getcwd") X(FTIME, "ftime") X(CLOCK_GETTIME, "clock_gettime")            \
	X(SIGPAUSE, "sigpause") X(SIGSUSPEND, "sigsuspend") X(SIGNAL, "signal")            \
	X(SIGACTION, "sigaction") X(OPEN, "open") X(OPENAT, "openat") X(CREAT, "creat")    \
	X(FREOPEN, "freopen") X(MKDIR, "mkdir") X(MKDIRAT, "mkdirat") X(MKFIFO, "mkfifo")  \
	X(MKFIFOAT, "mkfifoat") X(MKNOD, "mknod") X(MKNODAT, "mknodat") X(CHMOD, "chmod")  \
	X(FCHMOD, "fchmod") X(FCHMODAT, "fchmodat") X(UMASK, "umask")                      \
	X(SYSTEM, "system") X(POPEN, "popen") X(EXECL, "execl") X(EXECLE, "execle")        \
	X(EXECLP, "execlp") X(EXECV, "execv") X(EXECVE, "execve") X(EXECVP, "execvp")      \
	X(EXECVPE, "execvpe") X(POSIX_SPAWN, "posix_spawn") X(POSIX_SPAWNP, "posix_spawnp") \
	X(ERR, "err") X(ERRX, "errx") X(VERR, "verr") X(VERRX, "verrx") X(WARN, "warn")    \
	X(WARNX, "warnx") X(VWARN, "vwarn") X(VWARNX, "vwarnx")                            \
	X(SSL_CTX_SET_VERIFY, "SSL_CTX_set_verify") X(SSL_SET_VERIFY, "SSL_set_verify")    \
	X(SSL_CONNECT, "SSL_connect") X(SSL_SET_CONNECT_STATE, "SSL_set_connect_state")    \
	X(X509_VERIFY_PARAM_SET_FLAGS, "X509_VERIFY_PARAM_set_flags")                      \
	X(X509_VERIFY_PARAM_SET_HOSTFLAGS, "X509_VERIFY_PARAM_set_hostflags")              \
	X(CURL_EASY_SETOPT, "curl_easy_setopt") X(SYSV_SIGNAL, "sysv_signal")

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
		[VIGIL_KEY_FD] = "fd",
		[VIGIL_KEY_FD_CALL] = "call",
		[VIGIL_KEY_FD_OPENED_BY] = "opened_by",
		[VIGIL_KEY_FD_CLOSED_BY] = "closed_by",
		[VIGIL_KEY_FDS] = "fds",
		[VIGIL_KEY_FDS_CREATED] = "fds_created",
		[VIGIL_KEY_BLOCKED_TID] = "blocked_tid",
		[VIGIL_KEY_EAGAINS] = "eagains",
		[VIGIL_KEY_SPIN_NS] = "spin_ns",
		[VIGIL_KEY_FDS_OPENED] = "fds_opened",
		[VIGIL_KEY_FDS_CLOSED] = "fds_closed",
		[VIGIL_KEY_FDS_PEAK] = "fds_peak",
		[VIGIL_KEY_FDS_INHERITED] = "fds_inherited",
		[VIGIL_KEY_FD_OVERFLOW] = "fd_table_overflow",
		[VIGIL_KEY_EPIPE] = "epipe_writes",
		[VIGIL_KEY_CFG_SPIN_COUNT] = "spin_count",
		[VIGIL_KEY_CFG_SPIN_MS] = "spin_ms",
		[VIGIL_KEY_CFG_FD_LEAK_MIN] = "fd_leak_min",
		[VIGIL_KEY_SIGPIPE_DEATHS] = "sigpipe_deaths",
		[VIGIL_KEY_PIPE_SITE_OVERFLOW] = "pipe_site_overflow",
		[VIGIL_KEY_REPLACEMENT] = "replacement",
		[VIGIL_KEY_MODE] = "mode",
		[VIGIL_KEY_UMASK] = "umask",
		[VIGIL_KEY_FLAGS] = "flags",
		[VIGIL_KEY_DEST_SIZE] = "dest_size",
		[VIGIL_KEY_TEXT] = "text",
		[VIGIL_KEY_TEXT_LEN] = "text_len",
		[VIGIL_KEY_SYSCALL] = "syscall",
		[VIGIL_KEY_ERRNO] = "errno",
		[VIGIL_KEY_CALLS] = "calls",
		[VIGIL_KEY_RATE] = "per_second",
		[VIGIL_KEY_WINDOW_MS] = "window_ms",
		[VIGIL_KEY_PROT] = "prot",
		[VIGIL_KEY_LENGTH] = "length",
		[VIGIL_KEY_LATENCY_NS] = "latency_ns",
		[VIGIL_KEY_MEDIAN_NS] = "median_ns",
		[VIGIL_KEY_KILLER_PID] = "killer_pid",
		[VIGIL_KEY_BPF_DROPS] = "bpf_ringbuf_drops",
		[VIGIL_KEY_BPF_TABLE_FULL] = "bpf_table_full",
		[VIGIL_KEY_BPF_UNTRACKED] = "bpf_tasks_untracked",
		[VIGIL_KEY_BPF_SAMPLES_DROPPED] = "bpf_stacks_dropped",
		[VIGIL_KEY_SYSCALLS_TOTAL] = "syscalls_total",
		[VIGIL_KEY_SYSCALL_FAILURES] = "syscall_failures",
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
	case VIGIL_KEY_REPLACEMENT:
		return v < VIGIL_FN_MAX ? vigil_func_name((unsigned)v) : 0;
	case VIGIL_KEY_FD_CALL:
	case VIGIL_KEY_FD_OPENED_BY:
	case VIGIL_KEY_FD_CLOSED_BY:
		return v < VIGIL_FDC_MAX ? vigil_fd_call_name((unsigned)v) : 0;
	}
	return 0;
}

/* The name report.json gives a finding's text (VIGIL_KEY_TEXT) for its kind. */
static inline const char *vigil_text_name(unsigned kind)
{
	switch (kind) {
	case VIGIL_FK_SHELL_EXEC:
		return "command";
	case VIGIL_FK_INSECURE_PERMISSIONS:
	case VIGIL_FK_INSECURE_TEMPFILE:
		return "path";
	case VIGIL_FK_FORMAT_STRING:
		return "format";
	}
	return "text";
}

#endif
