// SPDX-License-Identifier: MIT
/* The why/fix table behind vigil_explain__kind: indexed by enum vigil_finding_kind so a new
 * kind without an entry shows up in test_explain, looked up by the report's name. */
#include <errno.h>
#include <string.h>

#include "explain.h"
#include "vigil/finding.h"

static const struct {
	const char *why, *fix;
} table[VIGIL_FK_MAX] = {
	[VIGIL_FK_LEAK] = {
		"Memory that nothing points to any more is never given back: a long-running "
		"process grows until it is killed.",
		"Free the block on every path that drops its last pointer (error paths "
		"included), or give it one owner that frees it.",
	},
	[VIGIL_FK_LEAK_REACHABLE] = {
		"Still referenced at exit, so not lost, but it is memory the program kept "
		"to the end; it hides real leaks in a heap profile.",
		"Nothing if it is a deliberate cache or singleton; otherwise release it in "
		"the shutdown path.",
	},
	[VIGIL_FK_HEAP_GROWTH] = {
		"Live memory from this one allocation site kept rising through the run: an "
		"unbounded cache, queue or list that runs the process out of memory.",
		"Bound the structure (size limit, eviction, expiry) or remove entries once "
		"they are done with.",
	},
	[VIGIL_FK_DOUBLE_FREE] = {
		"Freeing a block twice corrupts the allocator's lists; attackers turn it "
		"into arbitrary writes, and it crashes far from the bug.",
		"Give the block one owner; set the pointer to NULL right after free, and "
		"look for two paths (error and cleanup) that both free it.",
	},
	[VIGIL_FK_INVALID_FREE] = {
		"Passing free a pointer the allocator never returned (stack, global, or "
		"into the middle of a block) corrupts the heap or aborts.",
		"Free only what malloc/new returned, from its start; keep the original "
		"pointer when you advance a copy.",
	},
	[VIGIL_FK_MISMATCHED_FREE] = {
		"malloc/free, new/delete and new[]/delete[] are different allocators: "
		"mixing them skips destructors or corrupts the heap.",
		"Release with the partner of the allocating call (delete[] for new[], free "
		"for malloc), or use a smart pointer or container.",
	},
	[VIGIL_FK_HEAP_OVERFLOW] = {
		"A write past the end of a block overwrites its neighbour or the "
		"allocator's metadata: data corruption and a classic exploit primitive.",
		"Check the length against the block's size (off-by-one on the "
		"terminating NUL is common); use snprintf or a bounded copy.",
	},
	[VIGIL_FK_USE_AFTER_FREE] = {
		"The block was freed and may already hold someone else's data: reads see "
		"garbage, writes corrupt another object.",
		"Find who still holds the pointer after the free (the free stack shows "
		"where); clear it there or delay the free until the last user is done.",
	},
	[VIGIL_FK_BAD_ALLOC_SIZE] = {
		"A negative, overflowing or absurd size is almost always an arithmetic bug "
		"that will later allocate too little or fail.",
		"Check the size computation for overflow (use calloc or "
		"__builtin_mul_overflow) and validate sizes that come from input.",
	},
	[VIGIL_FK_LOCK_ORDER_INVERSION] = {
		"Two locks taken in both orders can deadlock as soon as two threads do it "
		"at the same moment, even if this run got lucky.",
		"Pick one global order for these locks and take them in it everywhere, or "
		"merge them into one lock.",
	},
	[VIGIL_FK_DEADLOCK] = {
		"These threads wait for each other's locks and will never make progress: "
		"the program hangs.",
		"Break the cycle: one lock order for all threads, no lock held across a "
		"call that can take another, or a trylock with back-off.",
	},
	[VIGIL_FK_UNLOCK_NOT_OWNER] = {
		"Unlocking a mutex this thread does not hold is undefined behaviour: it "
		"can release another thread's critical section.",
		"Unlock only in the thread that locked, once per lock; check error paths "
		"that unlock twice or unlock without having locked.",
	},
	[VIGIL_FK_DOUBLE_LOCK] = {
		"Relocking a non-recursive mutex the thread already holds deadlocks the "
		"thread on itself.",
		"Do not call back into code that takes the same lock; split the function "
		"into a locked and an unlocked variant.",
	},
	[VIGIL_FK_DESTROY_LOCKED] = {
		"Destroying a lock or condition variable still in use is undefined: the "
		"threads using it may hang or touch freed memory.",
		"Unlock and stop every user (join the threads, wake the waiters) before "
		"destroying it.",
	},
	[VIGIL_FK_COND_WAIT_NOT_OWNER] = {
		"Waiting on a condition variable without holding its mutex (or with "
		"different mutexes) loses wake-ups and races on the predicate.",
		"Lock the one mutex that guards the predicate, check the predicate in a "
		"loop, and wait with that mutex.",
	},
	[VIGIL_FK_THREAD_LEAK] = {
		"A thread neither joined nor detached keeps its stack and descriptor until "
		"the process ends: services leak them per request.",
		"Join the thread when its work is done, or create it detached if nobody "
		"needs its result.",
	},
	[VIGIL_FK_LOCK_CONTENTION] = {
		"Threads spent this long blocked on one lock: it serialises the program "
		"and caps throughput.",
		"Hold the lock for less (no I/O or allocation under it), split it by data, "
		"or use a reader-writer lock for read-mostly data.",
	},
	[VIGIL_FK_MT_UNSAFE_CALL] = {
		"This libc call keeps static state: two threads calling it overwrite each "
		"other's results.",
		"Use the reentrant variant (strtok_r, localtime_r, getpwnam_r...), or "
		"serialise the calls under one lock.",
	},
	[VIGIL_FK_SIGNAL_UNSAFE_CALL] = {
		"A signal handler interrupted code that may hold the same internal lock "
		"(malloc, stdio): the call can deadlock or corrupt state.",
		"Only set a volatile sig_atomic_t flag or write(2) in the handler, and do "
		"the work in the main loop (or use signalfd).",
	},
	[VIGIL_FK_DATA_RACE] = {
		"Two threads touch the same memory without synchronisation: torn values "
		"and compiler-reordered reads, differently on every run.",
		"Protect the data with the lock its other users take, or make it atomic.",
	},
	[VIGIL_FK_FD_LEAK] = {
		"Descriptors opened and never closed add up until open fails with EMFILE; "
		"leaked sockets and files also stay busy for their peers.",
		"Close the descriptor on every path (error paths included), and open with "
		"O_CLOEXEC so children do not inherit it.",
	},
	[VIGIL_FK_DOUBLE_CLOSE] = {
		"The second close may close a descriptor another thread has just been "
		"given with the same number: its data then goes elsewhere.",
		"Close each descriptor once and set the variable to -1 right after.",
	},
	[VIGIL_FK_BAD_FD] = {
		"Using a descriptor that is not open is a logic error; if the number is "
		"reused it silently hits another file.",
		"Check the open's result before use, and do not keep using a descriptor "
		"after closing it.",
	},
	[VIGIL_FK_FD_REUSE] = {
		"A stale descriptor number now refers to a different file or socket: "
		"reads and writes go to the wrong place.",
		"Set the variable to -1 when closing, and do not share a descriptor with "
		"code that may close it behind your back.",
	},
	[VIGIL_FK_NONBLOCKING_SPIN] = {
		"Retrying a non-blocking call on EAGAIN without waiting burns a CPU core "
		"and starves other work.",
		"Wait for readiness with poll, epoll or select before retrying, or use a "
		"blocking descriptor.",
	},
	[VIGIL_FK_UNSAFE_API] = {
		"This call cannot bound what it writes (or makes a guessable name): a "
		"longer input overflows the buffer or races an attacker.",
		"Use the bounded or safe replacement named in the message (fgets, "
		"snprintf, mkstemp...).",
	},
	[VIGIL_FK_DEPRECATED_API] = {
		"Obsolete call: not thread-safe, IPv4-only or removed from POSIX, so it "
		"breaks on modern systems.",
		"Switch to the replacement named in the message (getaddrinfo, inet_pton, "
		"nanosleep, memmove...).",
	},
	[VIGIL_FK_FORMAT_STRING] = {
		"A printf format from writable memory can be controlled by input; with %n "
		"it writes to memory (a classic exploit).",
		"Pass data as an argument, never as the format: printf(\"%s\", text).",
	},
	[VIGIL_FK_MEMCPY_OVERLAP] = {
		"memcpy and strcpy are undefined on overlapping buffers: the result "
		"depends on the libc version and CPU.",
		"Use memmove for overlapping regions.",
	},
	[VIGIL_FK_INSECURE_PERMISSIONS] = {
		"A world-writable file or directory lets any local user change what the "
		"program reads or runs.",
		"Create it with a restrictive mode (0600/0700 or 0644/0755) and do not "
		"clear the umask.",
	},
	[VIGIL_FK_INSECURE_TEMPFILE] = {
		"A predictable name in a shared temporary directory can be pre-created or "
		"symlinked by another user.",
		"Use mkstemp or mkdtemp, or open with O_CREAT|O_EXCL, or O_TMPFILE.",
	},
	[VIGIL_FK_SHELL_EXEC] = {
		"Running a command through the shell turns any untrusted part of it into "
		"shell injection.",
		"Run the program directly with posix_spawn or execve and an argument "
		"vector.",
	},
	[VIGIL_FK_TLS_VERIFY_DISABLED] = {
		"Without peer verification any machine on the path can impersonate the "
		"server and read or change the traffic.",
		"Keep verification on (SSL_VERIFY_PEER, CURLOPT_SSL_VERIFYPEER=1) and "
		"install the right CA bundle instead.",
	},
	[VIGIL_FK_SYSCALL_ERRORS] = {
		"One syscall failing at a high rate with one errno is a retry storm or a "
		"misconfiguration that wastes CPU and hides real failures.",
		"Handle the error (back off, give up, fix the path or peer) instead of "
		"retrying at once.",
	},
	[VIGIL_FK_WX_MAPPING] = {
		"Memory both writable and executable lets any memory-corruption bug "
		"become code execution.",
		"Map writable, fill, then mprotect to read+execute (W^X); JITs keep two "
		"views of the code.",
	},
	[VIGIL_FK_SLOW_SYSCALL] = {
		"A syscall that should be quick took far longer than usual: a latency "
		"outlier for whoever waited on it.",
		"Check what it touched (slow disk, NFS, page faults, lock in the kernel) "
		"and move it off the latency-critical path.",
	},
	[VIGIL_FK_CRASH] = {
		"The process died of a fatal signal: its work was lost, and memory errors "
		"behind crashes are often exploitable.",
		"Start at the faulting frame: check the pointer or index it used, and the "
		"findings above, which often explain the crash.",
	},
};

int vigil_explain__kind(const char *kind, const char **why, const char **fix)
{
	for (unsigned k = 1; kind && k < VIGIL_FK_MAX; k++)
		if (!strcmp(vigil_kind_name(k), kind)) {
			*why = table[k].why;
			*fix = table[k].fix;
			return 0;
		}
	return -ENOENT;
}
