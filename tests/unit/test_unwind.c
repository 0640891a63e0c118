// SPDX-License-Identifier: MIT
/* Unit tests for preload/unwind.c: every capture is compared with libunwind's walk
 * from the same frame or context, over the frame layouts compilers emit, signal frames
 * and foreign stacks, and checked to have reached the outermost frame (no truncated
 * walk) where it should. */
#define UNW_LOCAL_ONLY
#include <alloca.h>
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <libunwind.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "unwind.h"

#define REF_MAX 128

static volatile unsigned sink;

static uint64_t truncations(void)
{
	struct vigil_unwind_stats st;

	vigil_unwind__stats(&st);
	return st.truncated;
}

/* Captures both ways from this one frame. pcs[0] of each is a return address into
 * this function from two different calls; everything above it must be identical. */
static __attribute__((noinline)) unsigned check_here(unsigned max, int may_truncate)
{
	void *ref[REF_MAX];
	uintptr_t got[REF_MAX];
	uint64_t tr = truncations();
	int nr = unw_backtrace(ref, (int)(max < REF_MAX ? max : REF_MAX));
	unsigned ng = vigil_unwind__capture(got, max < REF_MAX ? max : REF_MAX, 0);

	cr_assert_gt(nr, 1, "unw_backtrace found %d frames", nr);
	cr_assert_eq(ng, (unsigned)nr, "capture found %u frames, unw_backtrace %d", ng, nr);
	for (unsigned i = 1; i < ng; i++)
		cr_assert_eq(got[i], (uintptr_t)ref[i], "frame %u: %#lx != %#lx", i,
			     (unsigned long)got[i], (unsigned long)ref[i]);
	if (!may_truncate)
		cr_assert_eq(truncations(), tr, "the walk stopped short");
	return ng;
}

static __attribute__((noinline)) unsigned recurse(unsigned depth)
{
	unsigned n;

	if (!depth)
		return check_here(REF_MAX, 0);
	n = recurse(depth - 1);
	sink += depth; /* no tail call */
	return n;
}

static __attribute__((noinline)) void recurse_then(unsigned depth, int sig)
{
	if (depth)
		recurse_then(depth - 1, sig);
	else
		raise(sig);
	sink += depth;
}

Test(unwind, recursion_depth_50_matches_unw_backtrace)
{
	unsigned shallow = recurse(0);

	cr_assert_eq(recurse(50), shallow + 50);
}

/* A VLA and alloca make the CFA RBP-based. */
static __attribute__((noinline)) unsigned with_vla(unsigned n, unsigned depth)
{
	volatile char buf[n];
	char *a = alloca(n * 2);
	unsigned r;

	buf[0] = (char)n;
	a[0] = buf[0];
	sink += (unsigned)a[0];
	r = depth ? with_vla(n + 16, depth - 1) : check_here(REF_MAX, 0);
	sink += (unsigned)a[n];
	return r;
}

Test(unwind, vla_and_alloca_frames)
{
	with_vla(40, 6);
}

/* Frames with a big RSP-based frame (the offset needs more than 16 bits). */
static __attribute__((noinline)) unsigned big_frame(unsigned depth)
{
	volatile char buf[200000];
	unsigned r;

	buf[depth] = 1;
	r = depth ? big_frame(depth - 1) : check_here(REF_MAX, 0);
	return r + buf[depth];
}

Test(unwind, large_frames)
{
	big_frame(3);
}

#pragma GCC push_options
#pragma GCC optimize("no-omit-frame-pointer")
static __attribute__((noinline)) unsigned fp_frame(unsigned depth);
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC optimize("omit-frame-pointer")
static __attribute__((noinline)) unsigned nofp_frame(unsigned depth)
{
	unsigned r = depth ? fp_frame(depth - 1) : check_here(REF_MAX, 0);

	sink += r;
	return r;
}
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC optimize("no-omit-frame-pointer")
static __attribute__((noinline)) unsigned fp_frame(unsigned depth)
{
	unsigned r = depth ? nofp_frame(depth - 1) : check_here(REF_MAX, 0);

	sink += r;
	return r;
}
#pragma GCC pop_options

Test(unwind, frames_with_and_without_frame_pointers)
{
	fp_frame(10);
	nofp_frame(11);
}

/* Realigning the incoming stack with stack arguments and a VLA makes GCC go through a
 * DRAP register: the CFA is DW_CFA_def_cfa_expression (DW_OP_breg6 -8; DW_OP_deref)
 * and RBP is DW_CFA_expression (DW_OP_breg6 0). */
static __attribute__((noinline, force_align_arg_pointer)) unsigned
realigned(int a, int b, int c, int d, int e, int f, int g, int h, unsigned depth)
{
	_Alignas(64) volatile char buf[64];
	volatile char vla[depth + 8];
	unsigned r;

	buf[0] = (char)(a + b + c + d + e + f);
	vla[0] = (char)g;
	r = depth ? realigned(a, b, c, d, e, f, g, h, depth - 1) : check_here(REF_MAX, 0);
	return r + (unsigned)buf[0] + (unsigned)vla[0] + (unsigned)h;
}

Test(unwind, realigned_stack_frames)
{
	realigned(1, 2, 3, 4, 5, 6, 7, 8, 4);
}

/* qsort runs the comparator from inside libc.so. */
static int cmp_checking(const void *a, const void *b)
{
	static int done;

	if (!done++)
		check_here(REF_MAX, 0);
	return *(const int *)a - *(const int *)b;
}

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)info;
	(void)size;
	(void)arg;
	check_here(REF_MAX, 0);
	return 1;
}

Test(unwind, through_a_shared_library)
{
	int v[64];

	for (int i = 0; i < 64; i++)
		v[i] = (i * 37) % 64;
	qsort(v, 64, sizeof(v[0]), cmp_checking);
	dl_iterate_phdr(phdr_cb, NULL);
}

Test(unwind, max_bounds_the_count)
{
	uintptr_t pcs[8];
	void *ref[8];

	memset(pcs, 0xa5, sizeof(pcs));
	cr_assert_eq(vigil_unwind__capture(pcs, 0, 0), 0);
	cr_assert_eq(pcs[0], (uintptr_t)0xa5a5a5a5a5a5a5a5ull);
	cr_assert_eq(vigil_unwind__capture(pcs, 3, 0), 3);
	cr_assert_eq(pcs[3], (uintptr_t)0xa5a5a5a5a5a5a5a5ull);
	memset(pcs, 0xa5, sizeof(pcs));
	cr_assert_eq(vigil_unwind__capture(pcs, 1, 0), 1);
	cr_assert_eq(pcs[1], (uintptr_t)0xa5a5a5a5a5a5a5a5ull);
	cr_assert_eq(check_here(5, 0), 5);
	cr_assert_eq(unw_backtrace(ref, 8), 8);
}

static __attribute__((noinline)) unsigned max_deep(unsigned depth)
{
	unsigned n;

	if (depth) {
		n = max_deep(depth - 1);
		sink += n;
		return n;
	}
	return check_here(64, 0);
}

Test(unwind, deep_stack_truncated_at_max)
{
	cr_assert_eq(max_deep(100), 64);
}

Test(unwind, skip_own_drops_leading_frames_of_this_object)
{
	uintptr_t pcs[REF_MAX];
	void *ref[REF_MAX];
	Dl_info self, d;
	unsigned n = vigil_unwind__capture(pcs, REF_MAX, 1);
	int nr = unw_backtrace(ref, REF_MAX), i = 0;

	/* Here "own" is the test executable: what is left starts in the caller below. */
	cr_assert(dladdr((void *)(uintptr_t)vigil_unwind__capture, &self));
	while (i < nr && dladdr(ref[i], &d) && d.dli_fbase == self.dli_fbase)
		i++;
	cr_assert_gt(n, 0);
	cr_assert_eq(n, (unsigned)(nr - i));
	for (unsigned k = 0; k < n; k++)
		cr_assert_eq(pcs[k], (uintptr_t)ref[i + k]);
}

static void no_flush(unsigned run)
{
	(void)run;
}

static void flush_before_second(unsigned run)
{
	if (run == 1)
		vigil_unwind__flush();
}

/* Runs recurse three times from one call site (another return address would be a
 * new key), noting how many rules each run computed. */
static __attribute__((noinline)) void fills_per_run(void (*before)(unsigned), uint64_t *fills)
{
	static volatile unsigned runs = 3;
	struct vigil_unwind_stats a, b;

	for (unsigned i = 0; i < runs; i++) {
		before(i);
		vigil_unwind__stats(&a);
		recurse(5);
		vigil_unwind__stats(&b);
		fills[i] = b.fills - a.fills;
	}
}

Test(unwind, flush_refills_and_stays_exact)
{
	uint64_t f[3];

	fills_per_run(no_flush, f);
	cr_assert_eq(f[1], 0, "a warm cache computes no rule");
	cr_assert_eq(f[2], 0);
	fills_per_run(flush_before_second, f);
	cr_assert_gt(f[1], 8, "a flushed cache computes every rule again");
	cr_assert_eq(f[2], 0);
}

static volatile sig_atomic_t sig_n;

static void on_usr1(int sig)
{
	(void)sig;
	sig_n = check_here(REF_MAX, 0);
}

static __attribute__((noinline)) void raise_usr1(void)
{
	raise(SIGUSR1);
	sink++;
}

Test(unwind, capture_in_a_handler_crosses_the_signal_frame)
{
	struct sigaction sa = {.sa_handler = on_usr1};

	sigaction(SIGUSR1, &sa, NULL);
	raise_usr1();
	cr_assert_gt(sig_n, 5);
}

/* The handler runs on its own stack, outside the thread's known bounds: every read is
 * checked, and the walk moves to the thread's stack at the signal frame. */
static void on_altstack(int sig, const struct sigaction *proto)
{
	static char alt[64 * 1024];
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt)}, old;
	struct sigaction sa = *proto;

	sa.sa_flags |= SA_ONSTACK;
	cr_assert_eq(sigaltstack(&ss, &old), 0);
	cr_assert_eq(sigaction(sig, &sa, NULL), 0);
	raise(sig);
	cr_assert_eq(sigaltstack(&old, NULL), 0);
}

Test(unwind, capture_on_an_alternate_signal_stack)
{
	struct sigaction sa = {.sa_handler = on_usr1};

	sig_n = 0;
	on_altstack(SIGUSR1, &sa);
	cr_assert_gt(sig_n, 5);
}

/* vigil_unwind__from_context against libunwind from the same ucontext: pcs[0] is the
 * interrupted pc itself, then return addresses, identical throughout. */
static unsigned compare_context(void *uc, unsigned max)
{
	uintptr_t got[REF_MAX];
	uintptr_t ref[REF_MAX];
	unsigned nr = 0, ng;
	unw_cursor_t c;
	unw_word_t ip;

	cr_assert_geq(unw_init_local2(&c, (unw_context_t *)uc, UNW_INIT_SIGNAL_FRAME), 0);
	do {
		if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || !ip)
			break;
		ref[nr++] = (uintptr_t)ip;
	} while (nr < max && unw_step(&c) > 0);
	ng = vigil_unwind__from_context(uc, got, max);
	cr_assert_eq(ng, nr, "from_context found %u frames, libunwind %u", ng, nr);
	for (unsigned i = 0; i < ng; i++)
		cr_assert_eq(got[i], ref[i], "frame %u: %#lx != %#lx", i, (unsigned long)got[i],
			     (unsigned long)ref[i]);
	return ng;
}

static volatile unsigned ctx_n;
static volatile uint64_t ctx_truncated;

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	uint64_t tr = truncations();

	(void)sig;
	(void)si;
	ctx_n = compare_context(uc, REF_MAX);
	ctx_truncated = truncations() - tr;
}

Test(unwind, from_context_in_a_handler_matches_libunwind)
{
	struct sigaction sa = {.sa_sigaction = on_usr2, .sa_flags = SA_SIGINFO};

	cr_assert_eq(sigaction(SIGUSR2, &sa, NULL), 0);
	ctx_n = 0;
	recurse_then(12, SIGUSR2);
	cr_assert_gt(ctx_n, 12);
	cr_assert_eq(ctx_truncated, 0);
	ctx_n = 0;
	on_altstack(SIGUSR2, &sa);
	cr_assert_gt(ctx_n, 2);
	cr_assert_eq(ctx_truncated, 0);
}

Test(unwind, from_context_bounded_by_max)
{
	uintptr_t pcs[4];
	ucontext_t uc;

	memset(pcs, 0xa5, sizeof(pcs));
	cr_assert_eq(getcontext(&uc), 0);
	cr_assert_eq(vigil_unwind__from_context(&uc, pcs, 0), 0);
	cr_assert_eq(pcs[0], (uintptr_t)0xa5a5a5a5a5a5a5a5ull);
	cr_assert_eq(vigil_unwind__from_context(&uc, pcs, 1), 1);
	cr_assert_eq(pcs[1], (uintptr_t)0xa5a5a5a5a5a5a5a5ull);
	cr_assert_eq(vigil_unwind__from_context(&uc, pcs, 3), 3);
	cr_assert_eq(pcs[3], (uintptr_t)0xa5a5a5a5a5a5a5a5ull);
}

/* Real faults, as the crash handler sees them: a store through NULL in a frame with
 * CFI, and a call through a NULL pointer, where pc is 0 and only the return address
 * at sp leads on. */
static sigjmp_buf fault_jb;
static uintptr_t fault_pcs[REF_MAX];
static volatile unsigned fault_n;

static void on_segv_compare(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	fault_n = compare_context(uc, REF_MAX);
	siglongjmp(fault_jb, 1);
}

static void on_segv_capture(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	fault_n = vigil_unwind__from_context(uc, fault_pcs, REF_MAX);
	siglongjmp(fault_jb, 1);
}

static int *volatile null_int;
static void (*volatile null_fn)(void);

static __attribute__((noinline)) void store_null(unsigned depth)
{
	if (depth)
		store_null(depth - 1);
	else
		*null_int = 1;
	sink++;
}

static void *volatile ref_ra[REF_MAX];
static volatile int ref_n;

static __attribute__((noinline)) void call_null(void)
{
	ref_n = unw_backtrace((void **)ref_ra, REF_MAX);
	null_fn();
	sink++;
}

static void with_handler(void (*fn)(int, siginfo_t *, void *), struct sigaction *old)
{
	struct sigaction sa = {.sa_sigaction = fn, .sa_flags = SA_SIGINFO | SA_NODEFER};

	cr_assert_eq(sigaction(SIGSEGV, &sa, old), 0);
}

Test(unwind, from_context_of_a_fault_matches_libunwind)
{
	struct sigaction old;

	with_handler(on_segv_compare, &old);
	fault_n = 0;
	if (!sigsetjmp(fault_jb, 1))
		store_null(7);
	sigaction(SIGSEGV, &old, NULL);
	cr_assert_gt(fault_n, 8);
}

Test(unwind, from_context_of_a_call_through_null)
{
	struct sigaction old;
	unsigned n;

	with_handler(on_segv_capture, &old);
	fault_n = 0;
	if (!sigsetjmp(fault_jb, 1))
		call_null();
	sigaction(SIGSEGV, &old, NULL);
	n = fault_n;
	/* ref_ra[0] returns into call_null just before the faulting call, whose own
	 * return address is the next frame; the callers above are the same. */
	cr_assert_gt(n, 3);
	cr_assert_eq(fault_pcs[0], 0);
	cr_assert_gt(fault_pcs[1], (uintptr_t)ref_ra[0]);
	cr_assert_lt(fault_pcs[1], (uintptr_t)ref_ra[0] + 64);
	cr_assert_eq(n - 1, (unsigned)ref_n);
	for (unsigned i = 2; i < n; i++)
		cr_assert_eq(fault_pcs[i], (uintptr_t)ref_ra[i - 1], "frame %u", i);
}

static void on_usr1_fault(int sig)
{
	(void)sig;
	store_null(3);
}

/* A fault inside a signal handler: the walk from the fault's context goes through the
 * handler's signal frame into the code it interrupted. */
Test(unwind, from_context_through_a_nested_signal_frame)
{
	struct sigaction usr1 = {.sa_handler = on_usr1_fault}, old_usr1, old;

	with_handler(on_segv_compare, &old);
	cr_assert_eq(sigaction(SIGUSR1, &usr1, &old_usr1), 0);
	fault_n = 0;
	if (!sigsetjmp(fault_jb, 1))
		recurse_then(6, SIGUSR1);
	sigaction(SIGSEGV, &old, NULL);
	sigaction(SIGUSR1, &old_usr1, NULL);
	cr_assert_gt(fault_n, 12);
}

/* A context whose pc has no CFI, with a stack that runs into a page that cannot be
 * read: the walk believes the return address at sp only where it is code, and stops
 * at the page instead of faulting. */
Test(unwind, from_context_stops_at_unreadable_and_unknown)
{
	long page = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	uintptr_t *slot, pcs[8];
	ucontext_t uc;

	cr_assert_neq(m, MAP_FAILED);
	cr_assert_eq(mprotect(m + page, (size_t)page, PROT_NONE), 0);
	slot = (uintptr_t *)(m + page) - 1;
	cr_assert_eq(getcontext(&uc), 0);
	uc.uc_mcontext.gregs[REG_RIP] = 0;
	uc.uc_mcontext.gregs[REG_RSP] = (greg_t)(uintptr_t)slot;
	uc.uc_mcontext.gregs[REG_RBP] = (greg_t)(uintptr_t)slot;

	*slot = (uintptr_t)m; /* data, not code */
	cr_assert_eq(vigil_unwind__from_context(&uc, pcs, 8), 1);
	*slot = (uintptr_t)__builtin_return_address(0);
	cr_assert_eq(vigil_unwind__from_context(&uc, pcs, 8), 2);
	cr_assert_eq(pcs[1], *slot);
	uc.uc_mcontext.gregs[REG_RSP] = (greg_t)(uintptr_t)(m + page + 64);
	cr_assert_eq(vigil_unwind__from_context(&uc, pcs, 8), 1);
	munmap(m, (size_t)page * 2);
}

static ucontext_t uc_main, uc_co;

/* makecontext returns into __start_context's first byte: the call before it has no
 * CFI, so both walks end there. */
static void co_entry(void)
{
	check_here(REF_MAX, 1);
}

Test(unwind, foreign_stack_is_walked_and_matches)
{
	static char stack[256 * 1024];

	getcontext(&uc_co);
	uc_co.uc_stack.ss_sp = stack;
	uc_co.uc_stack.ss_size = sizeof(stack);
	uc_co.uc_link = &uc_main;
	makecontext(&uc_co, co_entry, 0);
	cr_assert_eq(swapcontext(&uc_main, &uc_co), 0);
}

/* Two paths with equal frame sizes reach the capture at the same stack pointer with
 * different return addresses: the previous walk must not be reused across them. */
static __attribute__((noinline)) unsigned path_a(unsigned depth, unsigned max)
{
	unsigned r = depth ? path_a(depth - 1, max) : check_here(max, 0);

	sink += r;
	return r;
}

static __attribute__((noinline)) unsigned path_b(unsigned depth, unsigned max)
{
	unsigned r = depth ? path_b(depth - 1, max) : check_here(max, 0);

	sink += r;
	return r;
}

static __attribute__((noinline)) unsigned split(unsigned which, unsigned max)
{
	unsigned r = which & 1 ? path_a(3, max) : path_b(3, max);

	sink += r;
	return r;
}

Test(unwind, same_depth_other_path_is_walked_again)
{
	for (unsigned i = 0; i < 40; i++)
		split(i % 3 == 0, i % 5 == 0 ? 4 : REF_MAX);
}

struct worker {
	unsigned seed;
	unsigned bad;
};

static __attribute__((noinline)) unsigned compare_quiet(void)
{
	void *ref[REF_MAX];
	uintptr_t got[REF_MAX];
	int nr = unw_backtrace(ref, REF_MAX);
	unsigned ng = vigil_unwind__capture(got, REF_MAX, 0);

	if (ng != (unsigned)nr)
		return 1;
	for (unsigned i = 1; i < ng; i++)
		if (got[i] != (uintptr_t)ref[i])
			return 1;
	return 0;
}

static __attribute__((noinline)) unsigned compare_quiet_depth(unsigned depth)
{
	unsigned r = depth ? compare_quiet_depth(depth - 1) : compare_quiet();

	sink += r;
	return r;
}

static __attribute__((noinline)) unsigned mixed(unsigned depth, unsigned seed)
{
	unsigned r;

	if (!depth)
		return compare_quiet();
	switch (seed % 3) {
	case 0: {
		volatile char *b = alloca(16 + depth);

		b[0] = 1;
		r = mixed(depth - 1, seed / 3 + depth);
		break;
	}
	case 1:
		r = mixed(depth - 1, seed / 3 + 7 * depth);
		break;
	default:
		r = compare_quiet() + mixed(depth - 1, seed / 3 + 13);
		break;
	}
	sink += r;
	return r;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (unsigned i = 0; i < 3000; i++) {
		w->seed = w->seed * 1103515245u + 12345u;
		w->bad += mixed(1 + (w->seed >> 16) % 60, w->seed);
	}
	return NULL;
}

static void *flusher_main(void *arg)
{
	for (unsigned i = 0; i < 200; i++) {
		vigil_unwind__flush();
		sched_yield();
	}
	return arg;
}

Test(unwind, concurrent_threads_and_flushes)
{
	pthread_t t[5];
	struct worker w[4];

	for (unsigned i = 0; i < 4; i++) {
		w[i] = (struct worker){.seed = i * 7919u + 1};
		cr_assert_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	cr_assert_eq(pthread_create(&t[4], NULL, flusher_main, NULL), 0);
	for (unsigned i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	for (unsigned i = 0; i < 4; i++)
		cr_assert_eq(w[i].bad, 0, "thread %u: %u captures differ", i, w[i].bad);
}

/* A thread whose stack is PTHREAD_STACK_MIN: the walk's memo is not static TLS carved
 * from it, and a thread past its exit hook still captures, without one. */
static void *small_main(void *arg)
{
	unsigned *bad = arg;
	uintptr_t pcs[16];

	for (unsigned i = 0; i < 200; i++)
		*bad += compare_quiet_depth(i % 7);
	vigil_unwind__thread_exit();
	*bad += compare_quiet_depth(3);
	*bad += vigil_unwind__capture(pcs, 16, 0) < 2;
	return NULL;
}

Test(unwind, thread_with_a_minimal_stack)
{
	pthread_attr_t a;
	pthread_t t;
	unsigned bad = 0;

	cr_assert_eq(pthread_attr_init(&a), 0);
	cr_assert_eq(pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN), 0);
	cr_assert_eq(pthread_create(&t, &a, small_main, &bad), 0);
	cr_assert_eq(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&a);
	cr_assert_eq(bad, 0, "%u captures differ", bad);
}
