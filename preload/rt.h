/* SPDX-License-Identifier: MIT */
/* The preload runtime: lifecycle, options, the reentrancy guard, the table of real
 * functions and the one place that prints. Every interposer starts here. */
#ifndef VIGIL_RT_H
#define VIGIL_RT_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "hidden.h"
#include "vigil/event.h"
#include "vigil/options.h"

#define VIGIL_EXPORT __attribute__((visibility("default")))

enum vigil_state {
	VIGIL_UNINIT = 0,
	VIGIL_INITIALIZING,
	VIGIL_READY,
	VIGIL_DONE,     /* exit-time report written; calls pass through */
	VIGIL_DISABLED, /* an internal failure: vigil steps aside, the host runs on */
};

struct vigil_real {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*memalign)(size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	size_t (*malloc_usable_size)(void *);
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	int (*sigaltstack)(const stack_t *, stack_t *);
	sighandler_t (*signal)(int, sighandler_t);
	sighandler_t (*bsd_signal)(int, sighandler_t);
	sighandler_t (*sysv_signal)(int, sighandler_t);
	int (*pthread_create)(void *, const void *, void *(*)(void *), void *);
	void (*_exit)(int) __attribute__((noreturn));
	int (*close)(int);
	int (*close_range)(unsigned, unsigned, int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	void (*get_tls_static_info)(size_t *, size_t *);
	/* string.c, stdio.c, io.c; the FORTIFY (_chk) ones are optional */
	void *(*memcpy)(void *, const void *, size_t);
	void *(*memmove)(void *, const void *, size_t);
	void *(*memset)(void *, int, size_t);
	char *(*strcpy)(char *, const char *);
	char *(*stpcpy)(char *, const char *);
	char *(*strncpy)(char *, const char *, size_t);
	char *(*strcat)(char *, const char *);
	char *(*strncat)(char *, const char *, size_t);
	void *(*__memcpy_chk)(void *, const void *, size_t, size_t);
	void *(*__memmove_chk)(void *, const void *, size_t, size_t);
	void *(*__memset_chk)(void *, int, size_t, size_t);
	char *(*__strcpy_chk)(char *, const char *, size_t);
	char *(*__stpcpy_chk)(char *, const char *, size_t);
	char *(*__strncpy_chk)(char *, const char *, size_t, size_t);
	char *(*__strcat_chk)(char *, const char *, size_t);
	char *(*__strncat_chk)(char *, const char *, size_t, size_t);
	int (*vsprintf)(char *, const char *, va_list);
	int (*vsnprintf)(char *, size_t, const char *, va_list);
	char *(*gets)(char *);
	char *(*fgets)(char *, int, FILE *);
	int (*__vsprintf_chk)(char *, int, size_t, const char *, va_list);
	int (*__vsnprintf_chk)(char *, size_t, int, size_t, const char *, va_list);
	char *(*__fgets_chk)(char *, size_t, int, FILE *);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*pread)(int, void *, size_t, off_t);
	ssize_t (*pread64)(int, void *, size_t, off_t);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
	ssize_t (*__read_chk)(int, void *, size_t, size_t);
	ssize_t (*__pread_chk)(int, void *, size_t, off_t, size_t);
	ssize_t (*__pread64_chk)(int, void *, size_t, off_t, size_t);
	ssize_t (*__recv_chk)(int, void *, size_t, size_t, int);
	ssize_t (*__recvfrom_chk)(int, void *, size_t, size_t, int, struct sockaddr *,
				  socklen_t *);
};

struct vigil_rt {
	int state; /* enum vigil_state, accessed atomically */
	pid_t pid;
	struct vigil_options opt;
	uintptr_t self_start, self_end; /* libvigil.so's own mapped range */
	int exit_how;                   /* enum vigil_exit_how, 0 when unknown */
	int aborting;                   /* vigil itself aborts (--on-error abort) */
	int real_is_glibc;              /* the real allocator is glibc's: its chunk
					 * layout may be used in heuristics */
};

extern struct vigil_rt vigil_rt VIGIL_HID;
extern struct vigil_real vigil_real VIGIL_HID;
extern __thread int vigil_guard VIGIL_HID;

/* Initialises on first use from any interposer or the constructor. */
void vigil_rt__init(void) VIGIL_HID;

static inline int vigil_rt__state(void)
{
	return __atomic_load_n(&vigil_rt.state, __ATOMIC_ACQUIRE);
}

/* True when an interposer should do its work: the runtime is ready and this thread
 * is not already inside vigil. Otherwise it calls the real function and returns. */
static inline int vigil_rt__active(void)
{
	int s = vigil_rt__state();

	if (__builtin_expect(s == VIGIL_UNINIT, 0) && !vigil_guard) {
		vigil_rt__init();
		s = vigil_rt__state();
	}
	return s == VIGIL_READY && !vigil_guard;
}

static inline void vigil_guard__enter(void)
{
	vigil_guard++;
}

static inline void vigil_guard__leave(void)
{
	vigil_guard--;
}

/* Steps vigil aside after an internal failure; says why once. */
void vigil_rt__disable(const char *why) VIGIL_HID;
void vigil_rt__disable_why(const char *what, const char *detail) VIGIL_HID;

/* "vigil[pid]: <a><b>\n" on stderr with one write(2); capped in number. */
void vigil_msg(const char *a, const char *b) VIGIL_HID;

uint64_t vigil_now_ns(void) VIGIL_HID;
pid_t vigil_gettid(void) VIGIL_HID;

/* Bootstrap arena for allocations made while the real allocator is unknown. */
void *vigil_boot__alloc(size_t size, size_t align) VIGIL_HID;
int vigil_boot__owns(const void *p) VIGIL_HID;

/* Formatting without stdio: appends to buf at *n, never past cap - 1. */
void vigil_fmt__str(char *buf, size_t cap, size_t *n, const char *s) VIGIL_HID;
void vigil_fmt__u64(char *buf, size_t cap, size_t *n, uint64_t v) VIGIL_HID;
void vigil_fmt__hex(char *buf, size_t cap, size_t *n, uint64_t v) VIGIL_HID;

/* Per-module hooks called by rt.c at the lifecycle points. */
void vigil_signal__init(void) VIGIL_HID;
void vigil_thread__init(void) VIGIL_HID;
/* Exit: the thread-leak verdicts; the thread table's counters into kv. */
void vigil_thread__at_exit(void) VIGIL_HID;
unsigned vigil_thread__stats(struct vigil_rec_kv *kv, unsigned max) VIGIL_HID;
void vigil_fork__init(void) VIGIL_HID;
void vigil_leak__at_exit(void) VIGIL_HID;
/* Threads the last leak scan stopped / could not stop, and its duration. */
void vigil_leak__stats(uint64_t *stopped, uint64_t *unstopped, uint64_t *scan_ns) VIGIL_HID;
/* The heap's counters (and the process-wide ones: stacks, findings dropped, tool
 * memory, leak scan) into kv; returns how many. */
unsigned vigil_heap__stats(struct vigil_rec_kv *kv, unsigned max) VIGIL_HID;
void vigil_standalone__report(void) VIGIL_HID;

/* _exit(): the end-of-process work of exit() minus the leak verdicts (as LSan, no
 * leak check on _exit), so stats and the exit record are written. */
void vigil_rt__finish_underscore_exit(int code) VIGIL_HID;
/* Opens a fresh raw log and writes its opening records (start and fork child). */
int vigil_rt__start_log(void) VIGIL_HID;
/* Gives the calling thread an alternate signal stack unless it has one; returns it
 * (NULL if none was set) so the thread's exit can free it. */
void *vigil_signal__altstack(void) VIGIL_HID;
void vigil_signal__altstack_free(void *sp) VIGIL_HID;
/* fork(2): the lock on the program's view of signal dispositions. */
void vigil_signal__lock(void) VIGIL_HID;
void vigil_signal__unlock(int reset) VIGIL_HID;
/* Fork child: per-thread caches hold the parent's values. */
void vigil_rt__after_fork_child(void) VIGIL_HID;

#endif
