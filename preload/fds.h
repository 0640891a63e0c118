/* SPDX-License-Identifier: MIT */
/* The fd checks (--checks fds): what the descriptor interposers (fd.c, open.c,
 * socket.c, kfd.c, io.c, wait.c, stream.c, and closedir in mtunsafe.c) tell them,
 * and the findings they write: fd-leak, double-close, bad-fd, fd-reuse and
 * nonblocking-spin. Each hook is called outside the guard, keeps errno, and does
 * nothing unless the fd checks are on and vigil is active. */
#ifndef VIGIL_FDS_H
#define VIGIL_FDS_H

#include <stdint.h>

#include "fdtab.h"
#include "hidden.h"
#include "rt.h"
#include "vigil/finding.h"

static inline int vigil_fds__on(void)
{
	return vigil_rt__active() && (vigil_rt.opt.checks & (1u << VIGIL_CHECK_FDS));
}

/* Lifecycle, from rt.c and fork.c: the table and the inherited descriptors (after
 * the raw log is open, so its descriptor is left out); the exit verdicts; the stats;
 * the fork child. */
int vigil_fds__init(void) VIGIL_HID;
void vigil_fds__at_exit(void) VIGIL_HID;
unsigned vigil_fds__stats(struct vigil_rec_kv *kv, unsigned max) VIGIL_HID;
/* Descriptors open now, for the load samples (series.c); VIGIL_SAMPLE_NONE before
 * the table exists. */
uint64_t vigil_fds__open(void) VIGIL_HID;
void vigil_fds__after_fork_child(void) VIGIL_HID;

/* A descriptor the program just created with call (enum vigil_fd_call): fd >= 0, or
 * a pair (pipe, socketpair). targeted: dup2 and dup3, which put it at a number the
 * program chose. Also for other helpers' interposers that create descriptors
 * (mkstemp...). */
void vigil_fds__created(int fd, unsigned call) VIGIL_HID;
void vigil_fds__created_pair(const int fd[2], unsigned call) VIGIL_HID;
void vigil_fds__targeted(int fd, unsigned call) VIGIL_HID;

/* A FILE* or DIR* (owner: enum vigil_fd_owner) now owns fd: fopen and opendir made
 * it (created), fdopen and fdopendir took an existing one over. */
void vigil_fds__stream_opened(const void *stream, int fd, unsigned owner, unsigned call,
			      int created) VIGIL_HID;

/* A close: begin before the real call, end after it with its result. ra is the
 * caller's return address (__builtin_return_address(0) in the interposer). */
struct vigil_fds_close {
	struct vigil_fd_closing c;
	uintptr_t ra;
	uint32_t stack;
	unsigned call;
	int on;
};

void vigil_fds__close_begin(struct vigil_fds_close *x, int fd, unsigned call, uintptr_t ra)
	VIGIL_HID;
void vigil_fds__close_end(struct vigil_fds_close *x, int r, int err) VIGIL_HID;
/* fclose, closedir (call) and freopen, which close the stream's descriptor; then
 * vigil_fds__close_end with the result. */
void vigil_fds__stream_close_begin(struct vigil_fds_close *x, const void *stream,
				   unsigned call) VIGIL_HID;
/* close_range and closefrom, after the real call succeeded. */
void vigil_fds__closed_range(unsigned first, unsigned last, unsigned call) VIGIL_HID;

/* A call on fd that reads, writes, accepts...: begin before the real call (a stale
 * descriptor; with may_block, the thread is noted as inside a call on fd until the
 * interposer returns), end after it with its result (EBADF: bad-fd; EAGAIN:
 * nonblocking-spin; EPIPE: counted at the writing stack, pipes.h). Declare the
 * struct with VIGIL_FDS_USE so that a thread cancelled inside the call is no longer
 * noted as inside it. */
struct vigil_fds_use {
	int fd;
	unsigned call;
	int on, busy;
};

#define VIGIL_FDS_USE struct vigil_fds_use __attribute__((cleanup(vigil_fds__use_cleanup)))

void vigil_fds__use_begin(struct vigil_fds_use *u, int fd, unsigned call, uintptr_t ra,
			  int may_block) VIGIL_HID;
void vigil_fds__use_end(struct vigil_fds_use *u, long r, int err) VIGIL_HID;
void vigil_fds__use_cleanup(struct vigil_fds_use *u) VIGIL_HID;
/* A call on fd failed with err, for calls that need no use_begin (dup...). */
void vigil_fds__failed(int fd, unsigned call, int err) VIGIL_HID;

/* The thread waited (poll, select, epoll_wait, a sleep): EAGAINs after this are not
 * a spin with those before. */
extern __thread unsigned vigil_fds_spin_fd VIGIL_HID;
static inline void vigil_fds__waited(void)
{
	vigil_fds_spin_fd = 0;
}

/* A thread enters or leaves a wait on n descriptors (poll): the int at fds, then
 * every stride bytes. */
void vigil_fds__busy(const int *fds, unsigned n, size_t stride, int enter) VIGIL_HID;

#endif
