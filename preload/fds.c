// SPDX-License-Identifier: MIT
/* The fd checks: the descriptor table (fdtab.c) fed by the interposers, the verdicts
 * turned into findings, the descriptors inherited at start, the exit-time leaks and
 * the growth of open descriptors, nonblocking spins. Reports are only written when
 * the real call proved the misuse (EBADF) or the table holds both sides of it. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fbuild.h"
#include "fds.h"
#include "vfork.h"
#include "growth.h"
#include "pipes.h"
#include "rawlog.h"
#include "stack.h"

#define MAX_FDS (1u << 20) /* numbers past this are counted, not tracked */
#define ONCE 1024u         /* reported sites remembered, per kind */
#define LEAKS 256u         /* fd-leak sites reported at exit */
#define MIN_SITE_FDS 16    /* growth: sites with fewer open are not followed */
#define MIN_GROWTH_FDS 64  /* growth: a reported site gained at least this many */

static struct vigil_fdtab *tab;

/* Reported call sites, so a loop that misuses a descriptor is one finding. */
enum once_set { ONCE_BAD_FD, ONCE_DOUBLE_CLOSE, ONCE_REUSE, ONCE_SPIN, ONCE_SETS };
static uint64_t once_keys[ONCE_SETS][ONCE];

__thread unsigned vigil_fds_spin_fd; /* fd + 1 of the EAGAINs being counted, 0: none */
static __thread unsigned spin_n;
static __thread uint64_t spin_t0;

/* The closes of this thread at ascending numbers from one full stack: a loop closing
 * every number (3 or more in a row) is not closing one twice. */
static __thread uint32_t last_close_stack;
static __thread int last_close_fd;
static __thread unsigned close_run;

static void growth_collect(struct vigil_growth_agg *a);
static void growth_report(const struct vigil_growth_curve *c);

static struct vigil_growth growth = {
	.collect = growth_collect,
	.report = growth_report,
	.min_site = MIN_SITE_FDS,
	.min_growth = MIN_GROWTH_FDS,
};

static int first_time(enum once_set set, uint64_t key)
{
	uint64_t *keys = once_keys[set];
	unsigned h;

	if (!key)
		key = 1;
	h = (unsigned)((key * 0x9e3779b97f4a7c15ull) >> 40) & (ONCE - 1);
	for (unsigned i = 0; i < ONCE; i++, h = (h + 1) & (ONCE - 1)) {
		uint64_t k = __atomic_load_n(&keys[h], __ATOMIC_ACQUIRE);

		if (k == key)
			return 0;
		if (!k) {
			if (__atomic_compare_exchange_n(&keys[h], &k, key, 0, __ATOMIC_ACQ_REL,
							__ATOMIC_ACQUIRE))
				return 1;
			if (k == key)
				return 0;
		}
	}
	return 0; /* full: every site already reported stays quiet, new ones too */
}

/* A vfork child shares this memory but not the descriptors: what it creates, closes
 * or uses is not done in the program the table describes (vfork.h: a system call,
 * only in programs that made such a child). */
static int in_vfork_child(void)
{
	return vigil_in_vfork_child();
}

static int table_writable(void)
{
	return !in_vfork_child();
}

/* Thread tid is inside a system call on fd now (/proc/self/task/tid/syscall: the
 * number and the arguments in hex, "running" or -1 outside one), or inside a wait
 * on several descriptors. A thread that left its call without the leave (a
 * siglongjmp out of it) or is gone is not. */
static int inside_call(uint32_t tid, int fd)
{
	char path[64], buf[256];
	size_t n = 0;
	long nr = 0, arg = 0, len;
	const char *p;
	int dfd;

	vigil_fmt__str(path, sizeof(path), &n, "/proc/self/task/");
	vigil_fmt__u64(path, sizeof(path), &n, tid);
	vigil_fmt__str(path, sizeof(path), &n, "/syscall");
	dfd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	len = syscall(SYS_read, dfd, buf, sizeof(buf) - 1);
	syscall(SYS_close, dfd);
	if (len <= 0 || buf[0] < '0' || buf[0] > '9')
		return 0;
	buf[len] = '\0';
	for (p = buf; *p >= '0' && *p <= '9'; p++)
		nr = nr * 10 + (*p - '0');
	if (p[0] != ' ' || p[1] != '0' || p[2] != 'x')
		return 0;
	for (p += 3;; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;

		if (d < 0)
			break;
		arg = arg * 16 + d;
	}
	switch (nr) {
#ifdef SYS_poll
	case SYS_poll:
#endif
#ifdef SYS_select
	case SYS_select:
#endif
	case SYS_ppoll:
	case SYS_pselect6:
		return 1;
	}
	return arg == fd;
}

static int really_open(int fd)
{
	return fd >= 0 && syscall(SYS_fcntl, fd, F_GETFD) >= 0;
}

/* Threads of the process now, as the kernel counts them (num_threads, the 20th field
 * of /proc/self/stat): every thread, however it was made. 1 when unknown. */
static unsigned threads_now(void)
{
	char buf[512];
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/stat", O_RDONLY | O_CLOEXEC);
	long n = fd >= 0 ? syscall(SYS_read, fd, buf, sizeof(buf) - 1) : -1;
	unsigned field = 2, threads = 0;
	const char *p;

	if (fd >= 0)
		syscall(SYS_close, fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
	for (; p && *p && field < 20; p++)
		field += *p == ' ';
	for (; p && *p >= '0' && *p <= '9'; p++)
		threads = threads * 10 + (unsigned)(*p - '0');
	return threads ? threads : 1;
}

static uint32_t tid_now(void)
{
	return (uint32_t)vigil_gettid();
}

static int stack_pcs(uint32_t id, const uintptr_t **pcs, unsigned *n)
{
	return vigil_stacktab__get(vigil_stacks, id, pcs, n);
}

/* --- findings ------------------------------------------------------------------ */

static void kv_calls(struct vigil_fbuild *f, int fd, unsigned call, unsigned reason)
{
	if (fd >= 0)
		vigil_fb__kv(f, VIGIL_KEY_FD, (uint64_t)fd);
	vigil_fb__kv(f, VIGIL_KEY_FD_CALL, call);
	if (reason)
		vigil_fb__kv(f, VIGIL_KEY_REASON, reason);
}

static void add_close(struct vigil_fbuild *f, const struct vigil_fd_gen *g)
{
	if (g->close_stack) {
		vigil_fb__stack(f, g->close_stack, g->close_tid, VIGIL_ROLE_CLOSE);
		vigil_fb__kv(f, VIGIL_KEY_FD_CLOSED_BY, g->close_call);
	}
}

static void add_open(struct vigil_fbuild *f, const struct vigil_fd_gen *g)
{
	if (g->gen && g->create_call) {
		if (g->create_stack)
			vigil_fb__stack(f, g->create_stack, g->create_tid, VIGIL_ROLE_OPEN);
		vigil_fb__kv(f, VIGIL_KEY_FD_OPENED_BY, g->create_call);
	}
}

/* close() of a descriptor a FILE* or DIR* owns: its fclose will close whatever has
 * the number by then. */
static void report_owned(const struct vigil_fds_close *x)
{
	const struct vigil_fd_gen *g = &x->c.view.cur;
	struct vigil_fbuild f = {0};

	if (!first_time(ONCE_REUSE, x->stack) || in_vfork_child())
		return;
	vigil_fb__stack(&f, x->stack, tid_now(), VIGIL_ROLE_CALL);
	if (g->owner_stack)
		vigil_fb__stack(&f, g->owner_stack, g->create_tid, VIGIL_ROLE_OPEN);
	kv_calls(&f, x->c.fd, x->call,
		 g->owner == VIGIL_FDO_DIR ? VIGIL_REASON_FD_DIR_OWNED : VIGIL_REASON_FD_FILE_OWNED);
	vigil_fb__kv(&f, VIGIL_KEY_FD_OPENED_BY, g->create_call);
	vigil_fb__emit(&f, VIGIL_FK_FD_REUSE, VIGIL_SEV_ERROR);
}

/* Closed while another thread is inside a call on it: that call goes on with the
 * old file, and the number may be someone else's by the time it uses it again. */
static void report_blocked(const struct vigil_fds_close *x)
{
	struct vigil_fbuild f = {0};

	if (!inside_call(x->c.busy_tid, x->c.fd) ||
	    !first_time(ONCE_REUSE, x->stack ^ 0x5bd1e995u) || in_vfork_child())
		return;
	vigil_fb__stack(&f, x->stack, tid_now(), VIGIL_ROLE_CALL);
	if (x->c.busy_stack)
		vigil_fb__stack(&f, x->c.busy_stack, x->c.busy_tid, VIGIL_ROLE_BLOCKED);
	kv_calls(&f, x->c.fd, x->call, VIGIL_REASON_FD_BLOCKED);
	vigil_fb__kv(&f, VIGIL_KEY_BLOCKED_TID, x->c.busy_tid);
	add_open(&f, &x->c.view.cur);
	vigil_fb__emit(&f, VIGIL_FK_FD_REUSE, VIGIL_SEV_ERROR);
}

static void report_double_close(const struct vigil_fds_close *x)
{
	const struct vigil_fd_gen *g = &x->c.view.cur;
	struct vigil_fbuild f = {0};

	if (!first_time(ONCE_DOUBLE_CLOSE, x->stack) || in_vfork_child())
		return;
	vigil_fb__stack(&f, x->stack, tid_now(), VIGIL_ROLE_CALL);
	kv_calls(&f, x->c.fd, x->call, 0);
	add_close(&f, g);
	add_open(&f, g);
	vigil_fb__emit(&f, VIGIL_FK_DOUBLE_CLOSE, VIGIL_SEV_ERROR);
}

/* fclose or closedir of a stream whose descriptor was closed underneath it; now:
 * the descriptor at the number today, which this call closes. */
static void report_closed_under(const struct vigil_fds_close *x, const struct vigil_fd_gen *closed,
				const struct vigil_fd_gen *now)
{
	struct vigil_fbuild f = {0};

	if (!first_time(ONCE_REUSE, x->stack) || in_vfork_child())
		return;
	vigil_fb__stack(&f, x->stack, tid_now(), VIGIL_ROLE_CALL);
	kv_calls(&f, x->c.fd, x->call, VIGIL_REASON_FD_CLOSED_UNDER);
	add_close(&f, closed);
	add_open(&f, now);
	vigil_fb__emit(&f, VIGIL_FK_FD_REUSE, VIGIL_SEV_ERROR);
}

static void report_stale(int fd, unsigned call, const struct vigil_fd_use *u)
{
	struct vigil_fbuild f = {0};

	if (!first_time(ONCE_REUSE, u->stack) || in_vfork_child())
		return;
	vigil_fb__stack(&f, u->stack, tid_now(), VIGIL_ROLE_CALL);
	kv_calls(&f, fd, call, VIGIL_REASON_FD_STALE);
	add_close(&f, &u->view.prev);
	add_open(&f, &u->view.cur);
	vigil_fb__emit(&f, VIGIL_FK_FD_REUSE, VIGIL_SEV_ERROR);
}

/* Calls that move data: EBADF from one is a bug even at a number nothing was ever
 * open at. Others (accept, connect, epoll_ctl...) are reported only after a close
 * the table saw: probing a number is legitimate. */
static int moves_data(unsigned call)
{
	switch (call) {
	case VIGIL_FDC_READ:
	case VIGIL_FDC_WRITE:
	case VIGIL_FDC_PREAD:
	case VIGIL_FDC_PWRITE:
	case VIGIL_FDC_READV:
	case VIGIL_FDC_WRITEV:
	case VIGIL_FDC_RECV:
	case VIGIL_FDC_RECVFROM:
	case VIGIL_FDC_RECVMSG:
	case VIGIL_FDC_SEND:
	case VIGIL_FDC_SENDTO:
	case VIGIL_FDC_SENDMSG:
		return 1;
	}
	return 0;
}

static void bad_fd(int fd, unsigned call)
{
	struct vigil_fbuild f = {0};
	struct vigil_fd_view v;
	unsigned reason;
	uint32_t stack;

	/* EBADF also means "open, but not for this": a read from a write-only file. */
	if (really_open(fd))
		return;
	vigil_fdtab__view(tab, fd, &v);
	if (v.state == VIGIL_FDS_OPEN) {
		/* Closed behind the table's back: it learns that now. */
		struct vigil_fd_closing c;

		vigil_fdtab__close_begin(tab, fd, tid_now(), &c);
		vigil_fdtab__close_end(tab, &c, 0, VIGIL_FDC_OTHER, 0, 0);
		reason = VIGIL_REASON_FD_CLOSED;
	} else if (v.state == VIGIL_FDS_CLOSED && v.cur.close_stack) {
		reason = VIGIL_REASON_FD_CLOSED;
	} else if (moves_data(call)) {
		reason = fd < 0 ? VIGIL_REASON_FD_NEGATIVE
		       : v.state == VIGIL_FDS_CLOSED ? VIGIL_REASON_FD_CLOSED
						      : VIGIL_REASON_FD_NEVER_OPENED;
	} else {
		return;
	}
	stack = vigil_stack__capture();
	if (!first_time(ONCE_BAD_FD, stack) || in_vfork_child())
		return;
	vigil_fb__stack(&f, stack, tid_now(), VIGIL_ROLE_CALL);
	kv_calls(&f, fd, call, reason);
	add_close(&f, &v.cur);
	add_open(&f, &v.cur);
	vigil_fb__emit(&f, VIGIL_FK_BAD_FD, VIGIL_SEV_ERROR);
}

static void spin(int fd, unsigned call)
{
	uint64_t now = vigil_now_ns(), window = (uint64_t)vigil_rt.opt.spin_ms * 1000000;
	struct vigil_fbuild f = {0};
	uint32_t stack;

	if (vigil_fds_spin_fd != (unsigned)fd + 1 || now - spin_t0 > window) {
		vigil_fds_spin_fd = (unsigned)fd + 1;
		spin_n = 0;
		spin_t0 = now;
	}
	if (++spin_n < vigil_rt.opt.spin_count)
		return;
	vigil_fds_spin_fd = 0;
	stack = vigil_stack__capture();
	if (!first_time(ONCE_SPIN, stack))
		return;
	vigil_fb__stack(&f, stack, tid_now(), VIGIL_ROLE_CALL);
	kv_calls(&f, fd, call, 0);
	vigil_fb__kv(&f, VIGIL_KEY_EAGAINS, spin_n);
	vigil_fb__kv(&f, VIGIL_KEY_SPIN_NS, now - spin_t0);
	vigil_fb__emit(&f, VIGIL_FK_NONBLOCKING_SPIN, VIGIL_SEV_WARNING);
}

/* --- creation ------------------------------------------------------------------- */

static void created(int fd, unsigned call, uint32_t stack, unsigned flags)
{
	vigil_fdtab__created(tab, fd, call, stack, tid_now(), flags);
	vigil_growth__tick_of(&growth);
}

void vigil_fds__created(int fd, unsigned call)
{
	int saved = errno;

	if (fd < 0 || !vigil_fds__on())
		return;
	vigil_guard__enter();
	if (!in_vfork_child())
		created(fd, call, vigil_stack__capture(), 0);
	vigil_guard__leave();
	errno = saved;
}

void vigil_fds__created_pair(const int fd[2], unsigned call)
{
	int saved = errno;
	uint32_t stack;

	if (!vigil_fds__on())
		return;
	vigil_guard__enter();
	if (!in_vfork_child()) {
		stack = vigil_stack__capture();
		created(fd[0], call, stack, 0);
		created(fd[1], call, stack, 0);
	}
	vigil_guard__leave();
	errno = saved;
}

void vigil_fds__targeted(int fd, unsigned call)
{
	int saved = errno;

	if (fd < 0 || !vigil_fds__on())
		return;
	vigil_guard__enter();
	if (!in_vfork_child())
		created(fd, call, vigil_stack__capture(), VIGIL_FDF_TARGETED);
	vigil_guard__leave();
	errno = saved;
}

void vigil_fds__stream_opened(const void *stream, int fd, unsigned owner, unsigned call,
			      int made)
{
	int saved = errno;
	struct vigil_fd_view v;
	uint32_t stack;

	if (!stream || fd < 0 || !vigil_fds__on())
		return;
	vigil_guard__enter();
	if (in_vfork_child()) {
		vigil_guard__leave();
		return;
	}
	stack = vigil_stack__capture();
	vigil_fdtab__view(tab, fd, &v);
	/* fdopen of a descriptor made where the table could not see (mkstemp): the
	 * stream's creation is the descriptor's. */
	if (made || v.state != VIGIL_FDS_OPEN)
		created(fd, call, stack, 0);
	if (!vigil_fdtab__stream_add(tab, (uintptr_t)stream, fd))
		vigil_fdtab__owned(tab, fd, owner, (uintptr_t)stream, stack);
	vigil_guard__leave();
	errno = saved;
}

/* --- closing -------------------------------------------------------------------- */

void vigil_fds__close_begin(struct vigil_fds_close *x, int fd, unsigned call, uintptr_t ra)
{
	int saved = errno;
	const struct vigil_fd_view *v = &x->c.view;

	x->on = vigil_fds__on();
	if (!x->on)
		return;
	vigil_guard__enter();
	x->on = !in_vfork_child();
	if (x->on) {
		x->call = call;
		x->ra = ra;
		x->stack = vigil_stack__capture();
		vigil_fdtab__close_begin(tab, fd, tid_now(), &x->c);
		if (v->state == VIGIL_FDS_OPEN && v->cur.owner != VIGIL_FDO_PLAIN &&
		    !(v->cur.flags & VIGIL_FDF_INHERITED))
			report_owned(x);
		if (x->c.busy_tid)
			report_blocked(x);
	}
	vigil_guard__leave();
	errno = saved;
}

void vigil_fds__close_end(struct vigil_fds_close *x, int r, int err)
{
	int saved = errno, ebadf = r < 0 && err == EBADF, fd = x->c.fd;
	const struct vigil_fd_view *v = &x->c.view;

	if (!x->on)
		return;
	vigil_guard__enter();
	/* A second close that could have closed another descriptor: one was created
	 * since the first close, or another thread could have made one. With neither,
	 * nothing could have taken the number: the closes of a pipe's ends by both a
	 * callee and its caller (bash's pipelines) are harmless. A loop over every
	 * number (a daemon, a child before exec) meets numbers it closed before: the
	 * third or later close from one full stack at ascending numbers is such a loop
	 * (a helper that closes both ends of a pipe twice is not: two in a row). fclose
	 * and closedir of a stream closed underneath were reported as that. */
	if (x->ra) {
		close_run = x->stack && x->stack == last_close_stack && fd == last_close_fd + 1
				    ? close_run + 1
				    : 1;
		last_close_stack = x->stack;
		last_close_fd = fd;
	}
	if (ebadf && x->call == VIGIL_FDC_CLOSE && v->state == VIGIL_FDS_CLOSED &&
	    v->cur.close_stack && !(x->ra && close_run >= 3) &&
	    (vigil_fdtab__seq(tab) != v->cur.close_seq || threads_now() > 1))
		report_double_close(x);
	vigil_fdtab__close_end(tab, &x->c, !ebadf, x->call, x->stack, tid_now());
	vigil_guard__leave();
	errno = saved;
}

void vigil_fds__stream_close_begin(struct vigil_fds_close *x, const void *stream, unsigned call)
{
	int saved = errno, fd, tracked;
	struct vigil_fd_gen closed, now;

	x->on = 0;
	if (!stream || !vigil_fds__on())
		return;
	vigil_guard__enter();
	fd = vigil_fdtab__stream_take(tab, (uintptr_t)stream);
	tracked = fd >= 0;
	/* Not opened through the interposers: only stdio's own streams are known by
	 * their number. */
	if (!tracked && (stream == stdin || stream == stdout || stream == stderr))
		fd = stream == stdin ? 0 : stream == stdout ? 1 : 2;
	if (fd >= 0 && !in_vfork_child()) {
		x->on = 1;
		x->call = call;
		x->ra = 0;
		x->stack = vigil_stack__capture();
		vigil_fdtab__close_begin(tab, fd, tid_now(), &x->c);
		if (tracked && call != VIGIL_FDC_FREOPEN &&
		    vigil_fdtab__stream_check(tab, fd, (uintptr_t)stream, &closed, &now))
			report_closed_under(x, &closed, &now);
	}
	vigil_guard__leave();
	errno = saved;
}

void vigil_fds__closed_range(unsigned first, unsigned last, unsigned call)
{
	int saved = errno;

	if (!vigil_fds__on())
		return;
	vigil_guard__enter();
	if (!in_vfork_child())
		vigil_fdtab__close_range(tab, first, last, call, vigil_stack__capture(), tid_now());
	vigil_guard__leave();
	errno = saved;
}

/* --- uses ----------------------------------------------------------------------- */

void vigil_fds__use_begin(struct vigil_fds_use *u, int fd, unsigned call, uintptr_t ra,
			  int may_block)
{
	struct vigil_fd_use fu;
	int saved;

	u->fd = fd;
	u->call = call;
	u->busy = 0;
	u->on = vigil_fds__on();
	if (!u->on || fd < 0)
		return;
	saved = errno;
	vigil_guard__enter();
	vigil_fdtab__use(tab, fd, ra, tid_now(), &fu);
	if (fu.stale)
		report_stale(fd, call, &fu);
	if (may_block) {
		vigil_fdtab__busy_enter(tab, fd, tid_now(), fu.stack);
		u->busy = 1;
	}
	vigil_guard__leave();
	errno = saved;
}

void vigil_fds__use_cleanup(struct vigil_fds_use *u)
{
	if (u->busy) {
		u->busy = 0;
		vigil_fdtab__busy_leave(tab, u->fd);
	}
}

void vigil_fds__use_end(struct vigil_fds_use *u, long r, int err)
{
	if (!u->on || r >= 0)
		return;
	vigil_fds__use_cleanup(u);
	if (err != EAGAIN && err != EWOULDBLOCK && err != EBADF && err != EPIPE)
		return;
	if (!vigil_rt__active())
		return;
	vigil_guard__enter();
	/* The stack only now, on the failure: a write that succeeds takes none. */
	if (err == EPIPE) {
		if (!in_vfork_child())
			vigil_pipes__epipe(vigil_stack__capture());
	} else if (err == EBADF) {
		bad_fd(u->fd, u->call);
	} else if (u->fd >= 0) {
		spin(u->fd, u->call);
	}
	vigil_guard__leave();
	errno = err;
}

void vigil_fds__failed(int fd, unsigned call, int err)
{
	if (err != EBADF || !vigil_fds__on())
		return;
	vigil_guard__enter();
	bad_fd(fd, call);
	vigil_guard__leave();
	errno = err;
}

void vigil_fds__busy(const int *fds, unsigned n, size_t stride, int enter)
{
	int saved = errno;
	uint32_t stack;

	if (!tab || !n)
		return;
	if (!enter) {
		for (unsigned i = 0; i < n; i++)
			vigil_fdtab__busy_leave(tab, *(const int *)((const char *)fds + i * stride));
		return;
	}
	vigil_guard__enter();
	stack = vigil_stack__capture();
	for (unsigned i = 0; i < n; i++)
		vigil_fdtab__busy_enter(tab, *(const int *)((const char *)fds + i * stride),
					tid_now(), stack);
	vigil_guard__leave();
	errno = saved;
}

/* --- lifecycle ------------------------------------------------------------------ */

/* Descriptors open before the program ran (the shell's, the parent's), read once
 * with the raw calls: nothing here may allocate through the program's allocator. */
static void read_inherited(void)
{
	char buf[4096];
	int dfd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd",
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int logfd = vigil_rawlog__fd();
	long n;

	if (dfd < 0)
		return;
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			const char *name = buf + off + 19; /* d_ino, d_off, d_reclen, d_type */
			unsigned short reclen;
			long fd = 0;
			const char *p;

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			off += reclen;
			for (p = name; *p >= '0' && *p <= '9' && fd < (long)MAX_FDS; p++)
				fd = fd * 10 + (*p - '0');
			if (p == name || *p || fd == dfd || fd == logfd)
				continue;
			vigil_fdtab__created(tab, (int)fd, VIGIL_FDC_INHERITED, 0, 0,
					     VIGIL_FDF_INHERITED);
		}
	}
	syscall(SYS_close, dfd);
}

int vigil_fds__init(void)
{
	const struct vigil_fdtab_ops ops = {
		.capture = vigil_stack__capture,
		.pcs = stack_pcs,
		.writable = table_writable,
		.depth = vigil_rt.opt.stack_depth,
	};

	if (!(vigil_rt.opt.checks & (1u << VIGIL_CHECK_FDS)))
		return 0;
	tab = vigil_fdtab__new(MAX_FDS, &ops);
	if (!tab)
		return -ENOMEM;
	read_inherited();
	return 0;
}

static void growth_add(void *arg, uint32_t stack, uint64_t open)
{
	vigil_growth__add(arg, stack, open);
}

static void growth_collect(struct vigil_growth_agg *a)
{
	vigil_fdtab__sites(tab, growth_add, a);
}

static void growth_report(const struct vigil_growth_curve *c)
{
	struct vigil_rec_fstack st = {.stack_id = c->stack, .role = VIGIL_ROLE_OPEN};
	struct vigil_rec_kv kv[2 + 2 * VIGIL_GROWTH_POINTS];
	unsigned nkv = 0;

	kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_REASON, .value = VIGIL_REASON_FD_GROWING};
	kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_FDS, .value = c->v[c->n - 1]};
	for (unsigned i = 0; i < c->n; i++) {
		kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_SERIES_T_MS, .value = c->t_ms[i]};
		kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_SERIES_BYTES, .value = c->v[i]};
	}
	vigil_emit__finding(VIGIL_FK_FD_LEAK, VIGIL_SEV_WARNING, 1, &st, 1, kv, nkv);
}

/* Descriptors still open at exit, by creating site. The kernel closes them all:
 * one descriptor a site made and kept (a listening socket, a log, a file a tool
 * reads until it exits) is how programs are written. Several left open by one site
 * is a loop that loses them (fd_leak_min, default 2). */
void vigil_fds__at_exit(void)
{
	static struct vigil_fd_leak leaks[LEAKS];
	unsigned n;

	if (!tab)
		return;
	vigil_growth__report_of(&growth);
	n = vigil_fdtab__leaks(tab, really_open, leaks, LEAKS);
	for (unsigned i = 0; i < n; i++) {
		struct vigil_fbuild f = {0};
		unsigned call = leaks[i].call, made = leaks[i].open;

		/* A pipe or a socket pair is one thing made, with two ends. */
		if (call == VIGIL_FDC_PIPE || call == VIGIL_FDC_PIPE2 ||
		    call == VIGIL_FDC_SOCKETPAIR)
			made = (made + 1) / 2;
		if (made < vigil_rt.opt.fd_leak_min)
			continue;
		vigil_fb__stack(&f, leaks[i].stack, leaks[i].tid, VIGIL_ROLE_OPEN);
		vigil_fb__kv(&f, VIGIL_KEY_REASON, VIGIL_REASON_FD_AT_EXIT);
		vigil_fb__kv(&f, VIGIL_KEY_FD_OPENED_BY, leaks[i].call);
		vigil_fb__kv(&f, VIGIL_KEY_FDS, leaks[i].open);
		vigil_fb__kv(&f, VIGIL_KEY_FDS_CREATED, leaks[i].created);
		vigil_fb__kv(&f, VIGIL_KEY_FD, (uint64_t)leaks[i].fd);
		vigil_fb__emit(&f, VIGIL_FK_FD_LEAK, VIGIL_SEV_WARNING);
	}
}

unsigned vigil_fds__stats(struct vigil_rec_kv *kv, unsigned max)
{
	struct vigil_fdtab_stats s;
	unsigned n = 0;

	if (!tab)
		return 0;
	vigil_fdtab__stats(tab, &s);
	const struct vigil_rec_kv all[] = {
		{.key = VIGIL_KEY_FDS_OPENED, .value = s.opened},
		{.key = VIGIL_KEY_FDS_CLOSED, .value = s.closed},
		{.key = VIGIL_KEY_FDS_PEAK, .value = s.peak},
		{.key = VIGIL_KEY_FDS_INHERITED, .value = s.inherited},
		{.key = VIGIL_KEY_FD_OVERFLOW, .value = s.overflow},
	};
	for (; n < max && n < sizeof(all) / sizeof(all[0]); n++)
		kv[n] = all[n];
	return n + vigil_pipes__stats(kv + n, max - n);
}

uint64_t vigil_fds__open(void)
{
	struct vigil_fdtab_stats s;

	if (!tab)
		return VIGIL_SAMPLE_NONE;
	vigil_fdtab__stats(tab, &s);
	return s.open;
}

void vigil_fds__after_fork_child(void)
{
	if (!tab)
		return;
	vigil_fdtab__after_fork_child(tab);
	vigil_growth__reset(&growth);
	vigil_pipes__reset();
	vigil_fds_spin_fd = 0;
}
