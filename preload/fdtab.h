/* SPDX-License-Identifier: MIT */
/* The descriptor table: what the program did with each descriptor number (which
 * generation is there now, who created it, which FILE* or DIR* owns it, who closed
 * the one before, which call sites used it, which thread is inside a call on it),
 * the creating sites with their counts, and the FILE* or DIR* -> descriptor map. Pure:
 * no interposition; stacks come from the capture callback, so unit tests drive it
 * directly. Verdicts are returned; the caller writes the findings. */
#ifndef VIGIL_FDTAB_H
#define VIGIL_FDTAB_H

#include <stdint.h>

#include "hidden.h"

struct vigil_fdtab;

enum vigil_fd_state {
	VIGIL_FDS_NONE = 0, /* nothing known: never seen, or history forgotten */
	VIGIL_FDS_OPEN,
	VIGIL_FDS_CLOSED,   /* closed by a call the table saw */
};

enum vigil_fd_owner {
	VIGIL_FDO_PLAIN = 0,
	VIGIL_FDO_FILE,
	VIGIL_FDO_DIR,
};

/* Flags of a generation. */
#define VIGIL_FDF_INHERITED 1u /* open at start, or made by the parent of a fork child */
#define VIGIL_FDF_TARGETED 2u  /* put at this number on purpose: dup2, dup3, freopen */

/* One generation of a number, as a report needs it. Stacks are ids (0: none). */
struct vigil_fd_gen {
	uint32_t gen;
	uint32_t create_stack, create_tid;
	uint32_t close_stack, close_tid;
	uint32_t owner_stack; /* where the FILE* or DIR* took it over */
	uint32_t close_seq;   /* vigil_fdtab__seq when it was closed */
	uintptr_t owner_ptr;
	uint8_t create_call, close_call; /* enum vigil_fd_call */
	uint8_t owner, flags;            /* enum vigil_fd_owner, VIGIL_FDF_* */
};

struct vigil_fd_view {
	unsigned state; /* enum vigil_fd_state */
	struct vigil_fd_gen cur, prev; /* prev: the generation before cur, gen 0 if none */
};

struct vigil_fdtab_ops {
	uint32_t (*capture)(void); /* the caller's stack, interned */
	/* 0 and the pcs of stack id, innermost first; -ENOENT for an unknown id */
	int (*pcs)(uint32_t id, const uintptr_t **pcs, unsigned *n);
	/* 0: the caller may not change what uses tell (a vfork child); NULL: always may */
	int (*writable)(void);
	unsigned depth; /* frames a captured stack holds at most: longer ones were cut */
};

/* A table for descriptor numbers below max (rounded up to whole chunks). */
struct vigil_fdtab *vigil_fdtab__new(unsigned max, const struct vigil_fdtab_ops *ops) VIGIL_HID;
void vigil_fdtab__free(struct vigil_fdtab *t) VIGIL_HID;

/* A new descriptor at fd, made by call (enum vigil_fd_call) at stack by tid, with
 * VIGIL_FDF_* flags. An open generation there (a close the table did not see, or the
 * target of a dup2) ends. Returns the new generation, 0 when fd is past the table. */
uint32_t vigil_fdtab__created(struct vigil_fdtab *t, int fd, unsigned call, uint32_t stack,
			      uint32_t tid, unsigned flags) VIGIL_HID;
/* Counts every descriptor the table saw created: a close that saw one value and a
 * later one that sees another had a descriptor created between them. */
uint32_t vigil_fdtab__seq(struct vigil_fdtab *t) VIGIL_HID;

/* A FILE* or DIR* took over the open descriptor at fd (fopen, fdopen...) at stack. */
void vigil_fdtab__owned(struct vigil_fdtab *t, int fd, unsigned owner, uintptr_t ptr,
			uint32_t stack) VIGIL_HID;

/* Copies what the table knows of fd; state NONE for a number past the table. */
void vigil_fdtab__view(struct vigil_fdtab *t, int fd, struct vigil_fd_view *v) VIGIL_HID;

/* A close: before the real call, begin copies the slot (the verdicts about closing
 * an owned descriptor or one another thread is blocked on are the caller's, from
 * the view and busy) and remembers its generation. busy_tid/busy_stack: a thread
 * inside a call on it other than tid, 0 if none. */
struct vigil_fd_closing {
	int fd;
	uint32_t gen;
	struct vigil_fd_view view;
	uint32_t busy_tid, busy_stack;
};

void vigil_fdtab__close_begin(struct vigil_fdtab *t, int fd, uint32_t tid,
			      struct vigil_fd_closing *c) VIGIL_HID;
/* After it: closed says the descriptor is gone (any result but EBADF). Marks the
 * generation closed by call at stack, unless another descriptor took the number
 * meanwhile. */
void vigil_fdtab__close_end(struct vigil_fdtab *t, const struct vigil_fd_closing *c, int closed,
			    unsigned call, uint32_t stack, uint32_t tid) VIGIL_HID;
/* close_range/closefrom: every open descriptor in [first, last] closed by call. */
void vigil_fdtab__close_range(struct vigil_fdtab *t, unsigned first, unsigned last,
			      unsigned call, uint32_t stack, uint32_t tid) VIGIL_HID;

/* A use of fd (read, write, send...) by the call site whose innermost return address
 * is ra. The first use from ra in a generation captures the full stack; a site that
 * used the number's previous generation and uses it again, from the same full
 * stack, after the number went to a descriptor created elsewhere, is a stale use
 * (see fdtab.c for what clears one). */
struct vigil_fd_use {
	uint32_t stack;  /* the site's stack, when known (0 on the fast path's first miss) */
	int stale;       /* 1: report; the view holds the closed (prev) and new (cur) ones */
	struct vigil_fd_view view;
};

void vigil_fdtab__use(struct vigil_fdtab *t, int fd, uintptr_t ra, uint32_t tid,
		      struct vigil_fd_use *u) VIGIL_HID;

/* A thread enters or leaves a call that may block on fd. */
void vigil_fdtab__busy_enter(struct vigil_fdtab *t, int fd, uint32_t tid, uint32_t stack) VIGIL_HID;
void vigil_fdtab__busy_leave(struct vigil_fdtab *t, int fd) VIGIL_HID;

/* The stream map: FILE* and DIR* pointers to their descriptors. add returns -ENOSPC
 * when the map is full (the stream goes untracked); take removes and returns the
 * descriptor, or -1 for a pointer the map does not hold. */
int vigil_fdtab__stream_add(struct vigil_fdtab *t, uintptr_t ptr, int fd) VIGIL_HID;
int vigil_fdtab__stream_take(struct vigil_fdtab *t, uintptr_t ptr) VIGIL_HID;

/* A stream about to be closed: 0 when its descriptor is open and still owned by it;
 * otherwise 1 with *closed the generation the stream owned (close_stack: what closed
 * it underneath, 0 when unknown) and *now the generation at the number now (gen 0
 * when none: the stream's close will close it). */
int vigil_fdtab__stream_check(struct vigil_fdtab *t, int fd, uintptr_t ptr,
			      struct vigil_fd_gen *closed, struct vigil_fd_gen *now) VIGIL_HID;

/* Exit: descriptors the program created that are still open, one entry per creating
 * stack, fds 0-2 and inherited ones left out, is_open(fd) asked for each. */
struct vigil_fd_leak {
	uint32_t stack, tid;
	unsigned call;     /* enum vigil_fd_call */
	unsigned open;     /* still open */
	uint64_t created;  /* made by the site in the run */
	int fd;            /* one of them */
};

unsigned vigil_fdtab__leaks(struct vigil_fdtab *t, int (*is_open)(int fd),
			    struct vigil_fd_leak *out, unsigned max) VIGIL_HID;

/* Calls add(arg, stack, open) for each creating site with descriptors open. */
void vigil_fdtab__sites(struct vigil_fdtab *t, void (*add)(void *arg, uint32_t stack,
							    uint64_t open),
			void *arg) VIGIL_HID;

struct vigil_fdtab_stats {
	uint64_t opened, closed, inherited, overflow;
	uint64_t open, peak;
};

void vigil_fdtab__stats(struct vigil_fdtab *t, struct vigil_fdtab_stats *s) VIGIL_HID;

/* Fork child: every descriptor is the parent's (inherited), no thread is inside a
 * call, closes the parent made are forgotten (a child that closes every number it
 * may have inherited is not closing them twice), the counters start at zero. Locks
 * other threads of the parent held are reset. */
void vigil_fdtab__after_fork_child(struct vigil_fdtab *t) VIGIL_HID;

#endif
