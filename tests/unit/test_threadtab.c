// SPDX-License-Identifier: MIT
/* Unit tests for preload/threadtab.c: a thread's way from creation to join or detach,
 * the misuse verdicts, handle reuse by a new thread, the exit-time leak list, the
 * bound with its eviction, fork, and concurrent use. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>

#include "threadtab.h"
#include "vigil/finding.h"

#define MAIN_TID 100

/* A thread created at create_stack by MAIN_TID, started as tid, with handle th. */
static struct vigil_thr_ref spawn(struct vigil_thrtab *t, uint32_t create_stack, uint64_t th,
				  uint32_t tid)
{
	struct vigil_thr_ref ref;

	cr_assert_eq(vigil_thrtab__add(t, create_stack, MAIN_TID, 0, &ref), 0);
	cr_assert_neq(ref.gen, 0);
	vigil_thrtab__set_handle(t, ref, &th);
	vigil_thrtab__started(t, ref, th, tid);
	return ref;
}

/* A whole join of th from stack: returns the verdict; joined says how it ended. */
static unsigned join(struct vigil_thrtab *t, uint64_t th, uint32_t stack, int joined,
		     struct vigil_thr_misuse *m)
{
	struct vigil_thr_join j;
	struct vigil_thr_misuse unused;
	unsigned reason = vigil_thrtab__join_begin(t, th, stack, MAIN_TID, &j, m ? m : &unused);

	vigil_thrtab__join_end(t, &j, joined, stack, MAIN_TID);
	return reason;
}

static unsigned leaks(struct vigil_thrtab *t, uint32_t self, struct vigil_thr_leak *out,
		      unsigned max)
{
	return vigil_thrtab__leaks(t, self, out, max);
}

Test(threadtab, joined_thread_is_clean)
{
	struct vigil_thrtab *t = vigil_thrtab__new(16);
	struct vigil_thr_ref r = spawn(t, 7, 0x7000, 201);
	struct vigil_thr_leak lk[4];

	vigil_thrtab__exited(t, r);
	cr_assert_eq(join(t, 0x7000, 11, 1, NULL), 0);
	cr_assert_eq(leaks(t, MAIN_TID, lk, 4), 0);
	vigil_thrtab__free(t);
}

Test(threadtab, second_join_is_reported_with_the_first)
{
	struct vigil_thrtab *t = vigil_thrtab__new(16);
	struct vigil_thr_misuse m;

	spawn(t, 7, 0x7000, 201);
	cr_assert_eq(join(t, 0x7000, 11, 1, NULL), 0);
	cr_assert_eq(join(t, 0x7000, 12, 0, &m), VIGIL_REASON_JOINED_TWICE);
	cr_assert_eq(m.create_stack, 7);
	cr_assert_eq(m.create_tid, MAIN_TID);
	cr_assert_eq(m.other_stack, 11);
	/* A failed misuse changes nothing: the first join stays the one shown. */
	cr_assert_eq(join(t, 0x7000, 13, 0, &m), VIGIL_REASON_JOINED_TWICE);
	cr_assert_eq(m.other_stack, 11);
	vigil_thrtab__free(t);
}

Test(threadtab, join_while_another_join_waits)
{
	struct vigil_thrtab *t = vigil_thrtab__new(16);
	struct vigil_thr_join first, second;
	struct vigil_thr_misuse m;
	struct vigil_thr_leak lk[4];

	spawn(t, 7, 0x7000, 201);
	cr_assert_eq(vigil_thrtab__join_begin(t, 0x7000, 21, 300, &first, &m), 0);
	/* While the join waits the thread is not a leak. */
	cr_assert_eq(leaks(t, MAIN_TID, lk, 4), 0);
	cr_assert_eq(vigil_thrtab__join_begin(t, 0x7000, 22, 301, &second, &m),
		     VIGIL_REASON_JOINED_TWICE);
	cr_assert_eq(m.other_stack, 21);
	cr_assert_eq(m.other_tid, 300);
	vigil_thrtab__join_end(t, &second, 0, 22, 301);
	vigil_thrtab__join_end(t, &first, 1, 21, 300);
	cr_assert_eq(join(t, 0x7000, 23, 0, &m), VIGIL_REASON_JOINED_TWICE);
	cr_assert_eq(m.other_stack, 21);
	vigil_thrtab__free(t);
}

Test(threadtab, failed_or_cancelled_join_leaves_it_joinable)
{
	struct vigil_thrtab *t = vigil_thrtab__new(16);
	struct vigil_thr_leak lk[4];

	spawn(t, 7, 0x7000, 201);
	/* tryjoin EBUSY, timedjoin ETIMEDOUT, a cancelled joiner: not joined. */
	cr_assert_eq(join(t, 0x7000, 11, 0, NULL), 0);
	cr_assert_eq(join(t, 0x7000, 11, 0, NULL), 0);
	cr_assert_eq(leaks(t, MAIN_TID, lk, 4), 1);
	cr_assert_eq(join(t, 0x7000, 12, 1, NULL), 0);
	cr_assert_eq(leaks(t, MAIN_TID, lk, 4), 0);
	vigil_thrtab__free(t);
}

Test(threadtab, join_of_detached_thread)
{
	struct vigil_thrtab *t = vigil_thrtab__new(16);
	struct vigil_thr_ref r = spawn(t, 7, 0x7000, 201), d, a;
	struct vigil_thr_misuse m;
	struct vigil_thr_leak lk[4];

	d = vigil_thrtab__find(t, 0x7000);
	cr_assert_eq(d.idx, r.idx);
	cr_assert_eq(d.gen, r.gen);
	vigil_thrtab__detached(t, d, 31, 201);
	cr_assert_eq(join(t, 0x7000, 32, 0, &m), VIGIL_REASON_JOIN_DETACHED);
	cr_assert_eq(m.other_stack, 31);
	cr_assert_eq(m.other_tid, 201);
	cr_assert_eq(m.create_stack, 7);

	/* Created detached: no detach call to show. */
	cr_assert_eq(vigil_thrtab__add(t, 8, MAIN_TID, 1, &a), 0);
	vigil_thrtab__started(t, a, 0x8000, 202);
	cr_assert_eq(join(t, 0x8000, 33, 0, &m), VIGIL_REASON_JOIN_DETACHED);
	cr_assert_eq(m.other_stack, 0);
	cr_assert_eq(m.create_stack, 8);
	cr_assert_eq(leaks(t, MAIN_TID, lk, 4), 0);
	vigil_thrtab__free(t);
}

Test(threadtab, reused_handle_is_a_new_thread)
{
	struct vigil_thrtab *t = vigil_thrtab__new(16);
	struct vigil_thr_misuse m;
	struct vigil_thr_ref old, d;

	old = spawn(t, 7, 0x7000, 201);
	cr_assert_eq(join(t, 0x7000, 11, 1, NULL), 0);
	/* glibc hands the joined thread's descriptor to the next thread. */
	spawn(t, 9, 0x7000, 202);
	cr_assert_eq(join(t, 0x7000, 12, 1, NULL), 0);
	cr_assert_eq(join(t, 0x7000, 13, 0, &m), VIGIL_REASON_JOINED_TWICE);
	cr_assert_eq(m.create_stack, 9);
	cr_assert_eq(m.other_stack, 12);
	/* The retired entry's reference writes nothing. */
	vigil_thrtab__exited(t, old);

	/* A detached thread that exited: its handle is free for the next one too. */
	d = spawn(t, 10, 0x9000, 203);
	vigil_thrtab__detached(t, vigil_thrtab__find(t, 0x9000), 14, 203);
	vigil_thrtab__exited(t, d);
	spawn(t, 11, 0x9000, 204);
	cr_assert_eq(join(t, 0x9000, 15, 1, NULL), 0);
	vigil_thrtab__free(t);
}

Test(threadtab, handle_known_from_either_side)
{
	struct vigil_thrtab *t = vigil_thrtab__new(16);
	struct vigil_thr_ref r;
	uint64_t reused = 0x9000;

	/* The thread starts (and may detach itself) before pthread_create returns. */
	cr_assert_eq(vigil_thrtab__add(t, 7, MAIN_TID, 0, &r), 0);
	vigil_thrtab__started(t, r, 0x7000, 201);
	vigil_thrtab__detached(t, vigil_thrtab__find(t, 0x7000), 31, 201);
	/* The creator's variable is not read once the thread started: it may be freed
	 * memory by then, holding anything. */
	vigil_thrtab__set_handle(t, r, &reused);
	cr_assert_eq(vigil_thrtab__find(t, 0x9000).gen, 0);
	cr_assert_eq(join(t, 0x7000, 32, 0, NULL), VIGIL_REASON_JOIN_DETACHED);
	vigil_thrtab__free(t);
}

Test(threadtab, unknown_handles_pass)
{
	struct vigil_thrtab *t = vigil_thrtab__new(16);
	struct vigil_thr_join j;
	struct vigil_thr_misuse m;

	cr_assert_eq(vigil_thrtab__join_begin(t, 0x1234, 1, MAIN_TID, &j, &m), 0);
	cr_assert_eq(j.ref.gen, 0);
	vigil_thrtab__join_end(t, &j, 1, 1, MAIN_TID);
	cr_assert_eq(vigil_thrtab__find(t, 0x1234).gen, 0);
	vigil_thrtab__free(t);
}

Test(threadtab, cancelled_create_is_forgotten)
{
	struct vigil_thrtab *t = vigil_thrtab__new(16);
	struct vigil_thr_ref r, again;
	struct vigil_thr_leak lk[4];
	uint64_t created, overflow;

	cr_assert_eq(vigil_thrtab__add(t, 7, MAIN_TID, 0, &r), 0);
	vigil_thrtab__cancel(t, r);
	cr_assert_eq(leaks(t, MAIN_TID, lk, 4), 0);
	vigil_thrtab__stats(t, &created, &overflow);
	cr_assert_eq(created, 0);
	/* Its slot is reused under a new generation: the old reference is dead. */
	cr_assert_eq(vigil_thrtab__add(t, 8, MAIN_TID, 0, &again), 0);
	cr_assert_eq(again.idx, r.idx);
	cr_assert_neq(again.gen, r.gen);
	vigil_thrtab__started(t, r, 0x7000, 201);
	cr_assert_eq(vigil_thrtab__find(t, 0x7000).gen, 0);
	vigil_thrtab__free(t);
}

Test(threadtab, leaks_grouped_by_creation_site)
{
	struct vigil_thrtab *t = vigil_thrtab__new(64);
	struct vigil_thr_leak lk[8];
	struct vigil_thr_join waiting;
	struct vigil_thr_misuse m;
	struct vigil_thr_ref r, pending;
	unsigned n;

	r = spawn(t, 7, 0x1000, 201);
	vigil_thrtab__exited(t, r);   /* exited, never joined */
	spawn(t, 7, 0x2000, 202);      /* still running */
	spawn(t, 7, 0x3000, 203);      /* still running */
	spawn(t, 9, 0x4000, 204);      /* another site */
	spawn(t, 7, 0x5000, 205);
	cr_assert_eq(join(t, 0x5000, 40, 1, NULL), 0);
	spawn(t, 7, 0x6000, 206);
	vigil_thrtab__detached(t, vigil_thrtab__find(t, 0x6000), 41, MAIN_TID);
	spawn(t, 7, 0x7000, 207);      /* a join waits for it */
	cr_assert_eq(vigil_thrtab__join_begin(t, 0x7000, 42, 300, &waiting, &m), 0);
	spawn(t, 9, 0x8000, 208);      /* the thread that runs the exit */
	/* Created, not started yet: running. */
	cr_assert_eq(vigil_thrtab__add(t, 12, MAIN_TID, 0, &pending), 0);

	n = leaks(t, 208, lk, 8);
	cr_assert_eq(n, 3);
	cr_assert_eq(lk[0].create_stack, 7);
	cr_assert_eq(lk[0].create_tid, MAIN_TID);
	cr_assert_eq(lk[0].threads, 3);
	cr_assert_eq(lk[0].running, 2);
	cr_assert_eq(lk[1].create_stack, 9);
	cr_assert_eq(lk[1].threads, 1);
	cr_assert_eq(lk[1].running, 1);
	cr_assert_eq(lk[2].create_stack, 12);
	cr_assert_eq(lk[2].running, 1);
	/* The output bound holds: sites past it are left out. */
	cr_assert_eq(leaks(t, 208, lk, 1), 1);
	vigil_thrtab__free(t);
}

Test(threadtab, bounded_with_eviction_of_finished_threads)
{
	struct vigil_thrtab *t = vigil_thrtab__new(8);
	struct vigil_thr_ref r;
	struct vigil_thr_leak lk[8];
	uint64_t created, overflow;

	for (unsigned i = 0; i < 8; i++)
		spawn(t, 7, 0x1000 * (i + 1), 200 + i);
	/* Every entry is a thread that still needs one: the next is not tracked. */
	cr_assert_eq(vigil_thrtab__add(t, 7, MAIN_TID, 0, &r), -ENOSPC);
	cr_assert_eq(r.gen, 0);
	vigil_thrtab__stats(t, &created, &overflow);
	cr_assert_eq(created, 8);
	cr_assert_eq(overflow, 1);

	for (unsigned i = 0; i < 6; i++)
		cr_assert_eq(join(t, 0x1000 * (i + 1), 50 + i, 1, NULL), 0);
	/* Full again: the oldest finished threads make room, the newest stay known. */
	spawn(t, 8, 0x10000, 300);
	cr_assert_eq(join(t, 0x6000, 60, 0, NULL), VIGIL_REASON_JOINED_TWICE);
	cr_assert_eq(join(t, 0x5000, 60, 0, NULL), VIGIL_REASON_JOINED_TWICE);
	for (unsigned i = 0; i < 2; i++)
		spawn(t, 8, 0x20000 + i, 301 + i);
	/* The unjoined threads were never evicted. */
	cr_assert_eq(leaks(t, MAIN_TID, lk, 8), 2);
	cr_assert_eq(lk[0].threads + lk[1].threads, 5);
	vigil_thrtab__free(t);
}

Test(threadtab, fork_child_forgets_every_thread)
{
	struct vigil_thrtab *t = vigil_thrtab__new(16);
	struct vigil_thr_ref r = spawn(t, 7, 0x7000, 201), n;
	struct vigil_thr_leak lk[4];
	uint64_t created, overflow, th8 = 0x8000;

	vigil_thrtab__lock(t);
	vigil_thrtab__reset_after_fork(t);
	cr_assert_eq(leaks(t, MAIN_TID, lk, 4), 0);
	cr_assert_eq(join(t, 0x7000, 1, 1, NULL), 0);
	vigil_thrtab__stats(t, &created, &overflow);
	cr_assert_eq(created, 0);
	/* The lock was reset; a reference from before the fork never matches. */
	cr_assert_eq(vigil_thrtab__add(t, 8, MAIN_TID, 0, &n), 0);
	vigil_thrtab__set_handle(t, n, &th8);
	vigil_thrtab__exited(t, r);
	cr_assert_eq(leaks(t, MAIN_TID, lk, 4), 1);
	cr_assert_eq(lk[0].running, 1);
	vigil_thrtab__free(t);
}

struct worker_arg {
	struct vigil_thrtab *t;
	unsigned id;
};

static void *churn(void *p)
{
	struct worker_arg *a = p;

	for (unsigned i = 0; i < 2000; i++) {
		uint64_t th = ((uint64_t)a->id << 32) | (i % 50 + 1) << 12;
		struct vigil_thr_ref r;
		struct vigil_thr_join j;
		struct vigil_thr_misuse m;

		if (vigil_thrtab__add(a->t, a->id, a->id, 0, &r))
			continue;
		vigil_thrtab__started(a->t, r, th, a->id * 10000 + i);
		vigil_thrtab__set_handle(a->t, r, &th);
		vigil_thrtab__exited(a->t, r);
		if (vigil_thrtab__join_begin(a->t, th, 1, a->id, &j, &m))
			return (void *)1;
		vigil_thrtab__join_end(a->t, &j, 1, 1, a->id);
	}
	return NULL;
}

Test(threadtab, concurrent_threads_reusing_handles)
{
	struct vigil_thrtab *t = vigil_thrtab__new(64);
	struct worker_arg args[4];
	pthread_t th[4];
	struct vigil_thr_leak lk[8];
	uint64_t created, overflow;

	for (unsigned i = 0; i < 4; i++) {
		args[i] = (struct worker_arg){t, i + 1};
		cr_assert_eq(pthread_create(&th[i], NULL, churn, &args[i]), 0);
	}
	for (unsigned i = 0; i < 4; i++) {
		void *ret;
		cr_assert_eq(pthread_join(th[i], &ret), 0);
		cr_assert_null(ret, "a first join of a reused handle was taken for a second");
	}
	cr_assert_eq(leaks(t, MAIN_TID, lk, 8), 0);
	vigil_thrtab__stats(t, &created, &overflow);
	cr_assert_eq(created, 8000);
	cr_assert_eq(overflow, 0);
	vigil_thrtab__free(t);
}
