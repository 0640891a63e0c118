// SPDX-License-Identifier: MIT
/* Unit tests for preload/fdtab.c: generations and closes, FILE* ownership and the
 * stream map, the stale-use verdict (the log-rotation bug against an accept loop, a
 * dispatcher, dup2 and the owner's own close), threads inside calls, the exit-time
 * leak list, close_range, the fork child and concurrent use. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "fdtab.h"
#include "vigil/finding.h"

#define DEPTH 16

/* Fake stacks: id -> pcs, innermost first; capture returns the current one. */
static struct {
	uintptr_t pcs[DEPTH];
	unsigned n;
} stacks[64];
static uint32_t current;

static uint32_t capture(void)
{
	return current;
}

static int pcs_of(uint32_t id, const uintptr_t **pcs, unsigned *n)
{
	if (!id || id >= 64 || !stacks[id].n)
		return -ENOENT;
	*pcs = stacks[id].pcs;
	*n = stacks[id].n;
	return 0;
}

/* Stack id made of the given pcs (0-terminated), innermost first. */
static uint32_t stack(uint32_t id, ...)
{
	va_list ap;
	uintptr_t pc;

	va_start(ap, id);
	stacks[id].n = 0;
	while ((pc = va_arg(ap, uintptr_t)))
		stacks[id].pcs[stacks[id].n++] = pc;
	va_end(ap);
	return id;
}

static struct vigil_fdtab *t;

static void setup(void)
{
	const struct vigil_fdtab_ops ops = {.capture = capture, .pcs = pcs_of, .depth = DEPTH};

	memset(stacks, 0, sizeof(stacks));
	current = 0;
	t = vigil_fdtab__new(4096, &ops);
	cr_assert_not_null(t);
}

static void teardown(void)
{
	vigil_fdtab__free(t);
}

TestSuite(fdtab, .init = setup, .fini = teardown);

static void do_close(int fd, int closed, uint32_t stack_id, uint32_t tid)
{
	struct vigil_fd_closing c;

	vigil_fdtab__close_begin(t, fd, tid, &c);
	vigil_fdtab__close_end(t, &c, closed, VIGIL_FDC_CLOSE, stack_id, tid);
}

/* A use of fd from return address ra whose full stack is stack_id. */
static int use(int fd, uintptr_t ra, uint32_t stack_id, uint32_t tid)
{
	struct vigil_fd_use u;

	current = stack_id;
	vigil_fdtab__use(t, fd, ra, tid, &u);
	return u.stale;
}

Test(fdtab, generations_and_closes)
{
	struct vigil_fd_view v;
	uint32_t g1, g2;

	g1 = vigil_fdtab__created(t, 5, VIGIL_FDC_OPEN, 7, 100, 0);
	cr_assert_neq(g1, 0);
	vigil_fdtab__view(t, 5, &v);
	cr_expect_eq(v.state, VIGIL_FDS_OPEN);
	cr_expect_eq(v.cur.create_stack, 7);
	cr_expect_eq(v.cur.create_call, VIGIL_FDC_OPEN);
	do_close(5, 1, 8, 100);
	vigil_fdtab__view(t, 5, &v);
	cr_expect_eq(v.state, VIGIL_FDS_CLOSED);
	cr_expect_eq(v.cur.close_stack, 8);
	cr_expect_eq(v.cur.close_call, VIGIL_FDC_CLOSE);
	cr_expect_eq(v.cur.close_seq, vigil_fdtab__seq(t));
	g2 = vigil_fdtab__created(t, 5, VIGIL_FDC_SOCKET, 9, 100, 0);
	cr_expect_gt(g2, g1);
	vigil_fdtab__view(t, 5, &v);
	cr_expect_eq(v.prev.gen, g1);
	cr_expect_eq(v.prev.close_stack, 8);
	cr_expect_eq(v.cur.create_stack, 9);
	cr_expect_neq(v.prev.close_seq, vigil_fdtab__seq(t), "a creation moves the sequence");
}

Test(fdtab, close_of_unknown_and_ebadf)
{
	struct vigil_fd_view v;

	/* A descriptor made where the table could not see it, then closed. */
	do_close(9, 1, 4, 100);
	vigil_fdtab__view(t, 9, &v);
	cr_expect_eq(v.state, VIGIL_FDS_CLOSED);
	cr_expect_eq(v.cur.close_stack, 4);
	cr_expect_eq(v.cur.create_call, 0);
	/* EBADF on a number the table thought open: closed behind its back. */
	vigil_fdtab__created(t, 10, VIGIL_FDC_OPEN, 7, 100, 0);
	do_close(10, 0, 5, 100);
	vigil_fdtab__view(t, 10, &v);
	cr_expect_eq(v.state, VIGIL_FDS_CLOSED);
	cr_expect_eq(v.cur.close_stack, 0);
	/* Past the table: nothing, no crash. */
	cr_expect_eq(vigil_fdtab__created(t, 1 << 20, VIGIL_FDC_OPEN, 7, 100, 0), 0);
	vigil_fdtab__view(t, 1 << 20, &v);
	cr_expect_eq(v.state, VIGIL_FDS_NONE);
}

Test(fdtab, streams_own_their_descriptor)
{
	struct vigil_fd_gen closed, now;
	struct vigil_fd_closing c;
	uintptr_t f = 0x1000;

	vigil_fdtab__created(t, 6, VIGIL_FDC_FOPEN, 7, 100, 0);
	vigil_fdtab__owned(t, 6, VIGIL_FDO_FILE, f, 7);
	cr_assert_eq(vigil_fdtab__stream_add(t, f, 6), 0);
	vigil_fdtab__close_begin(t, 6, 100, &c);
	cr_expect_eq(c.view.cur.owner, VIGIL_FDO_FILE);
	cr_expect_eq(c.view.cur.owner_ptr, f);
	cr_expect_eq(vigil_fdtab__stream_check(t, 6, f, &closed, &now), 0, "still owned");

	/* close() underneath, then a new descriptor takes the number. */
	vigil_fdtab__close_end(t, &c, 1, VIGIL_FDC_CLOSE, 8, 100);
	cr_expect_eq(vigil_fdtab__stream_check(t, 6, f, &closed, &now), 1);
	cr_expect_eq(closed.close_stack, 8);
	cr_expect_eq(now.gen, 0, "nothing there yet");
	vigil_fdtab__created(t, 6, VIGIL_FDC_SOCKET, 9, 100, 0);
	cr_expect_eq(vigil_fdtab__stream_check(t, 6, f, &closed, &now), 1);
	cr_expect_eq(closed.close_stack, 8);
	cr_expect_eq(now.create_stack, 9, "the fclose would close the socket");
	cr_expect_eq(vigil_fdtab__stream_take(t, f), 6);
	cr_expect_eq(vigil_fdtab__stream_take(t, f), -1);
}

Test(fdtab, dup2_onto_a_streams_descriptor_keeps_the_owner)
{
	struct vigil_fd_gen closed, now;
	uintptr_t f = 0x2000;

	vigil_fdtab__created(t, 7, VIGIL_FDC_FOPEN, 7, 100, 0);
	vigil_fdtab__owned(t, 7, VIGIL_FDO_FILE, f, 7);
	vigil_fdtab__stream_add(t, f, 7);
	vigil_fdtab__created(t, 7, VIGIL_FDC_DUP2, 9, 100, VIGIL_FDF_TARGETED);
	cr_expect_eq(vigil_fdtab__stream_check(t, 7, f, &closed, &now), 0);
}

Test(fdtab, stream_map_reuses_removed_entries)
{
	for (uintptr_t i = 1; i <= 20000; i++) {
		cr_assert_eq(vigil_fdtab__stream_add(t, i << 4, 3), 0, "entry %lu", (unsigned long)i);
		cr_assert_eq(vigil_fdtab__stream_take(t, i << 4), 3);
	}
}

/* The log-rotation bug: log_write (one full stack) writes fd 3, rotate() closes it
 * from elsewhere, open_data() gets 3, log_write writes into the data file. */
Test(fdtab, stale_use_is_the_log_rotation_bug)
{
	uint32_t log_open = stack(1, 0x500, 0x900, 0xa00, 0);
	uint32_t log_write = stack(2, 0x600, 0x910, 0xa00, 0);
	uint32_t rotate = stack(3, 0x700, 0x920, 0xa00, 0);
	uint32_t data_open = stack(4, 0x510, 0x930, 0xa00, 0);
	struct vigil_fd_use u;

	vigil_fdtab__created(t, 3, VIGIL_FDC_OPEN, log_open, 100, 0);
	cr_expect_eq(use(3, 0x600, log_write, 100), 0);
	cr_expect_eq(use(3, 0x600, log_write, 100), 0, "fast path");
	do_close(3, 1, rotate, 100);
	cr_expect_eq(use(3, 0x600, log_write, 100), 0, "its EBADF: it still holds the number");
	vigil_fdtab__created(t, 3, VIGIL_FDC_OPEN, data_open, 100, 0);
	current = log_write;
	vigil_fdtab__use(t, 3, 0x600, 100, &u);
	cr_assert_eq(u.stale, 1);
	cr_expect_eq(u.stack, log_write);
	cr_expect_eq(u.view.prev.close_stack, rotate);
	cr_expect_eq(u.view.cur.create_stack, data_open);
	cr_expect_eq(use(3, 0x600, log_write, 100), 0, "once per generation");
}

/* A connection handler serves whatever accept returned: the same creation stack. */
Test(fdtab, accept_loop_is_not_stale)
{
	uint32_t accept_st = stack(1, 0x500, 0xa00, 0);
	uint32_t handle = stack(2, 0x600, 0x910, 0xa00, 0);
	uint32_t closer = stack(3, 0x700, 0x920, 0xa00, 0);

	for (int i = 0; i < 5; i++) {
		vigil_fdtab__created(t, 4, VIGIL_FDC_ACCEPT, accept_st, 100, 0);
		cr_expect_eq(use(4, 0x600, handle, 100), 0);
		do_close(4, 1, closer, 100);
	}
}

/* An event loop with two listeners: the handler reads what either accepted, and
 * closes its own connection (or a caller of it does). */
Test(fdtab, dispatcher_that_closes_its_own_is_not_stale)
{
	uint32_t accept_tcp = stack(1, 0x500, 0x800, 0xa00, 0);
	uint32_t accept_unix = stack(2, 0x510, 0x810, 0xa00, 0);
	uint32_t handle = stack(3, 0x600, 0x900, 0x820, 0xa00, 0);
	uint32_t close_in_handler = stack(4, 0x700, 0x900, 0x820, 0xa00, 0);
	uint32_t close_in_loop = stack(5, 0x710, 0xa00, 0);

	vigil_fdtab__created(t, 5, VIGIL_FDC_ACCEPT, accept_tcp, 100, 0);
	use(5, 0x600, handle, 100);
	do_close(5, 1, close_in_handler, 100);
	vigil_fdtab__created(t, 5, VIGIL_FDC_ACCEPT, accept_unix, 100, 0);
	cr_expect_eq(use(5, 0x600, handle, 100), 0, "the handler's own function closed it");
	do_close(5, 1, close_in_loop, 100);
	vigil_fdtab__created(t, 5, VIGIL_FDC_ACCEPT, accept_tcp, 100, 0);
	cr_expect_eq(use(5, 0x600, handle, 100), 0, "the loop that calls it closed it");
}

Test(fdtab, closed_by_another_thread_is_stale)
{
	uint32_t accept_tcp = stack(1, 0x500, 0x800, 0xa00, 0);
	uint32_t accept_unix = stack(2, 0x510, 0x810, 0xa00, 0);
	uint32_t handle = stack(3, 0x600, 0x900, 0xb00, 0);
	uint32_t reaper = stack(4, 0x700, 0x990, 0xb00, 0);
	uint32_t other = stack(5, 0x650, 0x9a0, 0xb00, 0);

	vigil_fdtab__created(t, 5, VIGIL_FDC_ACCEPT, accept_tcp, 100, 0);
	use(5, 0x600, handle, 200);
	do_close(5, 1, reaper, 300);
	vigil_fdtab__created(t, 5, VIGIL_FDC_ACCEPT, accept_unix, 100, 0);
	cr_expect_eq(use(5, 0x650, other, 400), 0, "its new owner");
	cr_expect_eq(use(5, 0x600, handle, 200), 1);
}

/* One object reopened from two paths, used by its own site first: no second owner. */
Test(fdtab, object_reopened_is_not_stale)
{
	uint32_t open_a = stack(1, 0x500, 0x800, 0xa00, 0);
	uint32_t open_b = stack(2, 0x510, 0x800, 0xa00, 0);
	uint32_t writer = stack(3, 0x600, 0x900, 0xa00, 0);
	uint32_t closer = stack(4, 0x700, 0x910, 0xa00, 0);

	vigil_fdtab__created(t, 8, VIGIL_FDC_OPEN, open_a, 100, 0);
	use(8, 0x600, writer, 100);
	do_close(8, 1, closer, 100);
	vigil_fdtab__created(t, 8, VIGIL_FDC_OPEN, open_b, 100, 0);
	cr_expect_eq(use(8, 0x600, writer, 100), 0);
}

Test(fdtab, creation_on_the_users_path_is_not_stale)
{
	uint32_t first = stack(1, 0x500, 0x800, 0xa00, 0);
	uint32_t second = stack(2, 0x510, 0x900, 0xa00, 0);
	uint32_t user = stack(3, 0x600, 0x900, 0xa00, 0);
	uint32_t closer = stack(4, 0x700, 0x830, 0xa00, 0);

	vigil_fdtab__created(t, 6, VIGIL_FDC_OPEN, first, 100, 0);
	use(6, 0x600, user, 100);
	do_close(6, 1, closer, 100);
	vigil_fdtab__created(t, 6, VIGIL_FDC_OPEN, second, 100, 0);
	cr_expect_eq(use(6, 0x600, user, 100), 0, "the user's function opened it itself");
}

Test(fdtab, targeted_inherited_and_stdio_are_not_stale)
{
	uint32_t a = stack(1, 0x500, 0x800, 0xa00, 0);
	uint32_t w = stack(2, 0x600, 0x810, 0xa00, 0);
	uint32_t c = stack(3, 0x700, 0x820, 0xa00, 0);
	uint32_t b = stack(4, 0x510, 0x830, 0xa00, 0);

	vigil_fdtab__created(t, 7, VIGIL_FDC_OPEN, a, 100, 0);
	use(7, 0x600, w, 100);
	do_close(7, 1, c, 100);
	vigil_fdtab__created(t, 7, VIGIL_FDC_DUP2, b, 100, VIGIL_FDF_TARGETED);
	cr_expect_eq(use(7, 0x600, w, 100), 0, "dup2 put it there on purpose");

	vigil_fdtab__created(t, 1, VIGIL_FDC_OPEN, a, 100, 0);
	use(1, 0x600, w, 100);
	do_close(1, 1, c, 100);
	vigil_fdtab__created(t, 1, VIGIL_FDC_OPEN, b, 100, 0);
	cr_expect_eq(use(1, 0x600, w, 100), 0, "stdout reopened by a daemon");
}

/* write_all(fd) from two callers: one return address, two full stacks. */
Test(fdtab, helper_serving_two_callers_is_not_stale)
{
	uint32_t open_a = stack(1, 0x500, 0x800, 0xa00, 0);
	uint32_t open_b = stack(2, 0x510, 0x810, 0xa00, 0);
	uint32_t via_a = stack(3, 0x600, 0x800, 0xa00, 0);
	uint32_t via_b = stack(4, 0x600, 0x810, 0xa00, 0);
	uint32_t close_a = stack(5, 0x700, 0xa00, 0);

	vigil_fdtab__created(t, 8, VIGIL_FDC_OPEN, open_a, 100, 0);
	use(8, 0x600, via_a, 100);
	do_close(8, 1, close_a, 100);
	vigil_fdtab__created(t, 8, VIGIL_FDC_OPEN, open_b, 100, 0);
	cr_expect_eq(use(8, 0x600, via_b, 100), 0);
}

Test(fdtab, busy_is_seen_by_other_threads_only)
{
	struct vigil_fd_closing c;

	vigil_fdtab__created(t, 9, VIGIL_FDC_PIPE, 1, 100, 0);
	vigil_fdtab__busy_enter(t, 9, 200, 42);
	vigil_fdtab__close_begin(t, 9, 200, &c);
	cr_expect_eq(c.busy_tid, 0, "its own call (a signal handler)");
	vigil_fdtab__close_begin(t, 9, 100, &c);
	cr_expect_eq(c.busy_tid, 200);
	cr_expect_eq(c.busy_stack, 42);
	vigil_fdtab__busy_leave(t, 9);
	vigil_fdtab__busy_leave(t, 9); /* never below zero */
	vigil_fdtab__close_begin(t, 9, 100, &c);
	cr_expect_eq(c.busy_tid, 0);
	vigil_fdtab__busy_enter(t, 9, 200, 42);
	vigil_fdtab__close_begin(t, 9, 100, &c);
	cr_expect_eq(c.busy_tid, 200, "the count did not go below zero");
}

static int open_all(int fd)
{
	return fd != 13;
}

Test(fdtab, leaks_by_site)
{
	struct vigil_fd_leak out[8];
	unsigned n;

	vigil_fdtab__created(t, 1, VIGIL_FDC_OPEN, 5, 100, 0);      /* stdio: left out */
	vigil_fdtab__created(t, 3, VIGIL_FDC_OPEN, 0, 0, VIGIL_FDF_INHERITED);
	for (int fd = 10; fd < 14; fd++)
		vigil_fdtab__created(t, fd, VIGIL_FDC_SOCKET, 6, 100, 0);
	vigil_fdtab__created(t, 20, VIGIL_FDC_OPEN, 7, 100, 0);
	do_close(20, 1, 8, 100);
	vigil_fdtab__created(t, 20, VIGIL_FDC_OPEN, 7, 100, 0);
	n = vigil_fdtab__leaks(t, open_all, out, 8);
	cr_assert_eq(n, 2);
	for (unsigned i = 0; i < n; i++) {
		if (out[i].stack == 6) {
			cr_expect_eq(out[i].open, 3, "fd 13 is not really open");
			cr_expect_eq(out[i].created, 4);
			cr_expect_eq(out[i].call, VIGIL_FDC_SOCKET);
		} else {
			cr_expect_eq(out[i].stack, 7);
			cr_expect_eq(out[i].open, 1);
			cr_expect_eq(out[i].created, 2);
		}
	}
}

static void count_site(void *arg, uint32_t stack_id, uint64_t open)
{
	uint64_t *sum = arg;

	sum[stack_id] += open;
}

Test(fdtab, close_range_and_site_counts)
{
	struct vigil_fdtab_stats s;
	uint64_t sum[8] = {0};

	for (int fd = 3; fd < 300; fd++)
		vigil_fdtab__created(t, fd, VIGIL_FDC_OPEN, 2, 100, 0);
	vigil_fdtab__close_range(t, 10, ~0u, VIGIL_FDC_CLOSE_RANGE, 3, 100);
	vigil_fdtab__sites(t, count_site, sum);
	cr_expect_eq(sum[2], 7);
	vigil_fdtab__stats(t, &s);
	cr_expect_eq(s.opened, 297);
	cr_expect_eq(s.closed, 290);
	cr_expect_eq(s.open, 7);
	cr_expect_eq(s.peak, 297);
}

Test(fdtab, fork_child_inherits_and_forgets)
{
	struct vigil_fd_leak out[4];
	struct vigil_fdtab_stats s;
	struct vigil_fd_view v;

	vigil_fdtab__created(t, 3, VIGIL_FDC_OPEN, 2, 100, 0);
	vigil_fdtab__created(t, 4, VIGIL_FDC_OPEN, 2, 100, 0);
	do_close(4, 1, 3, 100);
	vigil_fdtab__busy_enter(t, 3, 300, 1);
	vigil_fdtab__after_fork_child(t);
	vigil_fdtab__view(t, 3, &v);
	cr_expect_eq(v.state, VIGIL_FDS_OPEN);
	cr_expect(v.cur.flags & VIGIL_FDF_INHERITED);
	vigil_fdtab__view(t, 4, &v);
	cr_expect_eq(v.state, VIGIL_FDS_NONE, "the parent's closes are forgotten");
	cr_expect_eq(vigil_fdtab__leaks(t, open_all, out, 4), 0);
	vigil_fdtab__stats(t, &s);
	cr_expect_eq(s.opened, 0);
	cr_expect_eq(s.inherited, 1);
	{
		struct vigil_fd_closing c;

		vigil_fdtab__close_begin(t, 3, 100, &c);
		cr_expect_eq(c.busy_tid, 0, "no thread of the parent is in a call here");
	}
}

static void *churn(void *arg)
{
	int base = (int)(intptr_t)arg;

	for (int i = 0; i < 20000; i++) {
		int fd = base + i % 64;
		struct vigil_fd_use u;

		vigil_fdtab__created(t, fd, VIGIL_FDC_OPEN, 2, (uint32_t)base, 0);
		vigil_fdtab__use(t, fd, 0x600, (uint32_t)base, &u);
		vigil_fdtab__busy_enter(t, fd, (uint32_t)base, 1);
		vigil_fdtab__busy_leave(t, fd);
		do_close(fd, 1, 3, (uint32_t)base);
	}
	return NULL;
}

Test(fdtab, concurrent_threads)
{
	pthread_t th[4];
	struct vigil_fdtab_stats s;

	stack(2, 0x500, 0xa00, 0);
	stack(3, 0x700, 0xa00, 0);
	current = 2;
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, churn, (void *)(intptr_t)(100 + i * 1000));
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	vigil_fdtab__stats(t, &s);
	cr_expect_eq(s.opened, 80000);
	cr_expect_eq(s.closed, 80000);
	cr_expect_eq(s.open, 0);
}
