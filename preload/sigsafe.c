// SPDX-License-Identifier: MIT
/* signal-unsafe-call findings, and the per-thread record of the program handlers
 * running now that tells an interposer it was called from one. A handler may leave
 * by siglongjmp instead of returning (shells, interpreters): its record then stays
 * behind, and is recognised as gone by its frame, no longer on the stack. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

#include "fbuild.h"
#include "sigsafe.h"
#include "unwind.h"
#include "vigil/finding.h"

#define NEST 8            /* handler records per thread */
#define FAR (1u << 20)    /* a frame this far above sp belongs to another stack */
#define SITES 512         /* call sites reported, per process */
#define HANDLERS 64       /* handlers reported for errno, per process */
#define PROBES 32

struct hframe {
	uintptr_t sp;             /* the wrapper's slot: where its frame is */
	uintptr_t cookie;         /* what the slot holds while that frame lives */
	uintptr_t alt_lo, alt_hi; /* the alternate stack the handler runs on, or 0 */
	uintptr_t handler;
};

/* n records, of which the first `quiet` do not count (an unsafe call already
 * reported is running, see vigil_sigsafe__enter). Written by the wrapper from
 * signal context: a nested signal may come between any two stores. */
static __thread struct {
	unsigned n, quiet;
	uintptr_t seq;
	struct hframe f[NEST];
} hs;

__thread unsigned vigil_sig_depth;

static uint64_t sites[SITES];
static uint64_t handlers[HANDLERS];

static inline void fence(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static void sync_depth(void)
{
	unsigned n = hs.n;

	if (hs.quiet > n)
		hs.quiet = n;
	fence();
	vigil_sig_depth = n > hs.quiet ? n : 0;
}

static int threads_on(void)
{
	return !!(vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS));
}

/* Once per key (never 0) in a lock-free set; a full set reports nothing more. */
static int first_time(uint64_t *set, unsigned cap, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < PROBES; i++) {
		uint64_t *s = &set[(h + i) & (cap - 1)];
		uint64_t v = __atomic_load_n(s, __ATOMIC_ACQUIRE);

		if (v == key)
			return 0;
		if (!v) {
			if (__atomic_compare_exchange_n(s, &v, key, 0, __ATOMIC_ACQ_REL,
							__ATOMIC_ACQUIRE))
				return 1;
			if (v == key)
				return 0;
		}
	}
	return 0;
}

static inline int on_alt(const struct hframe *f, uintptr_t sp)
{
	return sp >= f->alt_lo && sp < f->alt_hi;
}

/* From the wrapper, async-signal-safe: only what the stack pointers prove. The
 * caller's sp is on the alternate stack [lo, hi) when hi is set. */
static int gone_at_entry(const struct hframe *f, uintptr_t sp, uintptr_t hi)
{
	if (f->alt_hi)
		return !on_alt(f, sp) || sp >= f->sp;
	if (hi)
		return 0; /* on the alternate stack now: nothing to compare with */
	return sp >= f->sp || f->sp - sp > FAR;
}

/* From a check, inside the guard: the frame is also read, where it is known to be
 * mapped, for the cookie its wrapper left (a deeper call since has overwritten it). */
static int gone_now(const struct hframe *f, uintptr_t sp)
{
	if (f->alt_hi) {
		if (!on_alt(f, sp) || sp >= f->sp)
			return 1;
	} else if (vigil_unwind__on_stack(f->sp)) {
		if (!vigil_unwind__on_stack(sp))
			return 0; /* on some other stack now: nothing to compare with */
		if (sp >= f->sp)
			return 1;
	} else {
		/* A stack of the program's own (coroutines): pointers only. */
		return sp >= f->sp || f->sp - sp > FAR;
	}
	return *(volatile uintptr_t *)f->sp != f->cookie;
}

unsigned vigil_sigsafe__push(volatile uintptr_t *slot, void *handler, const void *uc)
{
	const ucontext_t *u = uc;
	uintptr_t sp = (uintptr_t)slot, lo = 0, hi = 0;
	struct hframe fr;
	unsigned k;

	if (u && !(u->uc_stack.ss_flags & SS_DISABLE) && u->uc_stack.ss_size) {
		lo = (uintptr_t)u->uc_stack.ss_sp;
		hi = lo + u->uc_stack.ss_size;
		if (sp < lo || sp >= hi)
			lo = hi = 0;
	}
	k = hs.n;
	while (k && gone_at_entry(&hs.f[k - 1], sp, hi))
		k--;
	if (k >= NEST) {
		hs.n = k;
		sync_depth();
		return 0;
	}
	hs.seq++;
	fr = (struct hframe){
		.sp = sp,
		.cookie = ((sp ^ (uintptr_t)&hs) * 0x9e3779b97f4a7c15ull) ^ (hs.seq << 1) ^ 1,
		.alt_lo = lo,
		.alt_hi = hi,
		.handler = (uintptr_t)handler,
	};
	*slot = fr.cookie;
	hs.f[k] = fr;
	fence();
	hs.n = k + 1;
	fence();
	/* Again: a signal that came before n was raised may have used record k. */
	hs.f[k] = fr;
	sync_depth();
	return k + 1;
}

void vigil_sigsafe__pop(unsigned token)
{
	if (!token)
		return;
	fence();
	hs.n = token - 1; /* this handler and whatever it left by longjmp */
	sync_depth();
}

/* Drops the records of handlers left by longjmp; returns the depth that counts. */
static unsigned live_depth(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	unsigned n = hs.n, k = n;

	while (k && gone_now(&hs.f[k - 1], sp))
		k--;
	if (k != n) {
		hs.n = k;
		sync_depth();
	}
	return vigil_sig_depth;
}

static void report_site(unsigned fn)
{
	struct vigil_fbuild f = {0};
	uint32_t id = vigil_stack__capture();
	const uintptr_t *pcs;
	unsigned depth;
	uint64_t key = fn;
	uintptr_t h = hs.n ? hs.f[hs.n - 1].handler : 0;

	/* The call and its caller: the frames beyond are the interrupted code's. */
	if (id && !vigil_stacktab__get(vigil_stacks, id, &pcs, &depth) && depth)
		key ^= (pcs[0] * 0xff51afd7ed558ccdull) ^ (depth > 1 ? pcs[1] << 7 : 0);
	if (!first_time(sites, SITES, key ? key : 1))
		return;
	vigil_fb__stack(&f, id, (uint32_t)vigil_gettid(), VIGIL_ROLE_CALL);
	if (h) {
		vigil_fb__stack(&f, vigil_stack__write_raw(&h, 1, 1), (uint32_t)vigil_gettid(),
				VIGIL_ROLE_HANDLER);
		f.st[f.ns - 1].flags = VIGIL_STACK_EXACT_PC0;
	}
	vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
	vigil_fb__emit(&f, VIGIL_FK_SIGNAL_UNSAFE_CALL, VIGIL_SEV_ERROR);
}

void vigil_sigsafe__report(unsigned fn)
{
	int saved;

	if (!vigil_rt__active() || !threads_on())
		return;
	saved = errno;
	vigil_guard__enter();
	if (live_depth())
		report_site(fn);
	vigil_guard__leave();
	errno = saved;
}

unsigned vigil_sigsafe__enter_slow(unsigned fn)
{
	unsigned token;

	vigil_sigsafe__report(fn);
	if (!vigil_sig_depth)
		return 0;
	token = hs.quiet + 1;
	hs.quiet = hs.n;
	sync_depth();
	return token;
}

void vigil_sigsafe__leave_slow(unsigned token)
{
	hs.quiet = token - 1;
	sync_depth();
}

void vigil_sigsafe__errno_changed(void *handler, const void *uc)
{
	struct vigil_fbuild f = {0};
	uintptr_t pcs[VIGIL_STACK_DEPTH_MAX];
	unsigned n = 1;
	int saved;

	if (!vigil_rt__active() || !threads_on() ||
	    !first_time(handlers, HANDLERS, (uintptr_t)handler))
		return;
	saved = errno;
	vigil_guard__enter();
	/* The handler itself (its entry), then where the signal interrupted the
	 * program: the errno it changed is the one that code may be about to read. */
	pcs[0] = (uintptr_t)handler;
	if (uc)
		n += vigil_stack__from_ucontext((void *)uc, pcs + 1, VIGIL_STACK_DEPTH_MAX - 1);
	vigil_fb__stack(&f, vigil_stack__write_raw(pcs, n, 0), (uint32_t)vigil_gettid(),
			VIGIL_ROLE_HANDLER);
	f.st[0].flags = VIGIL_STACK_EXACT_PC0;
	vigil_fb__kv(&f, VIGIL_KEY_ERRNO_CLOBBERED, 1);
	vigil_fb__emit(&f, VIGIL_FK_SIGNAL_UNSAFE_CALL, VIGIL_SEV_ERROR);
	vigil_guard__leave();
	errno = saved;
}
