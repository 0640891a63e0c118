// SPDX-License-Identifier: MIT
/* Signal dispositions. Fatal signals (SEGV, BUS, FPE, ILL, ABRT): vigil keeps its own
 * handler installed and shows the program its own view, so a program handler still
 * runs, and a default disposition ends in a `crash` finding and a re-raise with the
 * default action (exit status and core dump as they were). SIGPIPE, with the fd
 * checks, the same way, except that a death by it is no crash (pipelines end so): it
 * is counted with the writing stack (pipes.c). With the thread checks
 * on, every other handler runs through a wrapper that tells the signal-safety checks
 * (sigsafe.c) a handler is running, and sees the errno it leaves behind. With the
 * api checks, a handler installed one-shot (System V signal()) is reported. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "emit.h"
#include "guardpool.h"
#include "lock.h"
#include "pipes.h"
#include "rawlog.h"
#include "realsym.h"
#include "rt.h"
#include "sigsafe.h"
#include "vfork.h"
#include "stack.h"
#include "vigil/finding.h"

#define ALTSTACK_SIZE (64 * 1024)
#define GUARD 4096

typedef void (*handler_fn)(int, siginfo_t *, void *);
typedef void __attribute__((noreturn)) (*exit_fn)(int);

static const int fatal_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

/* Owned signals (fatal ones, SIGPIPE): the program's whole view; the kernel has
 * on_fatal. */
static struct sigaction app_act[NSIG];
static int owned[NSIG];
/* Wrapped signals: the program's handler, read lock-free by the wrapper, and whether
 * it asked for SA_SIGINFO. The rest of the disposition (flags, mask) is only in the
 * kernel, with the wrapper, where siginterrupt() edits it in place. */
static handler_fn app_fn[NSIG];
static unsigned char app_siginfo[NSIG];
/* Writers of both tables hold it with every signal blocked: a handler that calls
 * signal() (System V style re-arming) cannot find it taken by the code it interrupted. */
static vigil_lock_t act_lock;
static sigset_t fork_mask;
/* The death being written: by which thread, and whether it is in the log. */
static int crashing, death_written;
static uint32_t death_tid;

static sighandler_t (*real_iso_signal)(int, sighandler_t);
static exit_fn real_exit;

static void install(int sig);

static void block_all(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	/* The raw call: no errno, and no interposer of the mask functions in the way. */
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, old, _NSIG / 8);
}

static void restore_mask(const sigset_t *old)
{
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, old, NULL, _NSIG / 8);
}

static void lock_acts(sigset_t *old)
{
	int saved = errno;

	block_all(old);
	vigil_lock__acquire(&act_lock);
	errno = saved;
}

static void unlock_acts(const sigset_t *old)
{
	int saved = errno;

	vigil_lock__release(&act_lock);
	restore_mask(old);
	errno = saved;
}

/* Every handler, plain or SA_SIGINFO, is called with (sig, info, context), as the
 * x86-64 kernel itself calls them: a plain handler ignores the rest. errno is not
 * restored after it: the program sees what it would see natively. */
static void run_handler(handler_fn fn, int sig, siginfo_t *si, void *uc)
{
	volatile uintptr_t slot = 0;
	int saved = errno;
	unsigned token;

	/* on_fatal runs program handlers with the thread checks off too. */
	if (!(vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS))) {
		fn(sig, si, uc);
		return;
	}
	token = vigil_sigsafe__push(&slot, (void *)fn, uc);
	fn(sig, si, uc);
	vigil_sigsafe__pop(token);
	if (errno != saved)
		vigil_sigsafe__errno_changed((void *)fn, uc);
}

static void wrapper(int sig, siginfo_t *si, void *uc)
{
	handler_fn fn = sig > 0 && sig < NSIG ? __atomic_load_n(&app_fn[sig], __ATOMIC_ACQUIRE)
					       : NULL;

	if (fn)
		run_handler(fn, sig, si, uc);
}

static void write_exit(int sig)
{
	char rec[64];
	size_t sz = vigil_rawlog__enc_exit(rec, sizeof(rec), (uint32_t)vigil_gettid(),
					   vigil_now_ns(), VIGIL_EXIT_SIGNAL, 0, sig);

	vigil_rawlog__append(rec, sz);
}

static void write_crash(int sig, siginfo_t *si, void *uc)
{
	uintptr_t pcs[VIGIL_STACK_DEPTH_MAX];
	struct vigil_rec_fstack st = {.tid = (uint32_t)vigil_gettid(), .role = VIGIL_ROLE_CRASH,
				      .flags = VIGIL_STACK_EXACT_PC0};
	struct vigil_rec_kv kv[3] = {
		{.key = VIGIL_KEY_SIGNAL, .value = (uint64_t)sig},
		{.key = VIGIL_KEY_SI_CODE, .value = (uint64_t)(int64_t)si->si_code},
		{.key = VIGIL_KEY_FAULT_ADDR, .value = (uint64_t)(uintptr_t)si->si_addr},
	};
	unsigned n = vigil_stack__from_ucontext(uc, pcs, VIGIL_STACK_DEPTH_MAX);

	st.stack_id = n ? vigil_stack__write_raw(pcs, n, 0) : 0;
	/* si_addr is an address only for kernel-raised faults (si_code > 0); from
	 * kill() it holds the sender's pid. */
	vigil_emit__finding(VIGIL_FK_CRASH, VIGIL_SEV_ERROR, 1, &st, 1, kv,
			    (sig == SIGSEGV || sig == SIGBUS) && si->si_code > 0 ? 3 : 2);
	write_exit(sig);
}

static void reraise_default(int sig)
{
	struct sigaction dfl;
	sigset_t set;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	vigil_real.sigaction(sig, &dfl, NULL);
	syscall(SYS_tgkill, getpid(), vigil_gettid(), sig);
	sigemptyset(&set);
	sigaddset(&set, sig);
	/* Delivered as soon as unblocked: the default action ends the process here. */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Another thread is writing the death: its records first, a second at most. Not
 * when that thread is this one (a fault while writing them). */
static void await_death(uint32_t me)
{
	const struct timespec ms = {0, 1000000};

	for (int i = 0; i < 1000; i++) {
		if (__atomic_load_n(&death_written, __ATOMIC_ACQUIRE) ||
		    __atomic_load_n(&death_tid, __ATOMIC_ACQUIRE) == me)
			return;
		syscall(SYS_nanosleep, &ms, NULL);
	}
}

/* The first thread to die writes the records; another one dying meanwhile (its own
 * SIGPIPE from the same broken pipe, a crash) waits for them before its re-raise
 * ends the process under the writer. inside: the signal came while this thread was
 * inside vigil. */
static void write_death(int sig, siginfo_t *si, void *uc, int inside)
{
	uint32_t me = (uint32_t)vigil_gettid();

	if (__atomic_exchange_n(&crashing, 1, __ATOMIC_ACQ_REL)) {
		await_death(me);
		return;
	}
	__atomic_store_n(&death_tid, me, __ATOMIC_RELEASE);
	vigil_guard__enter();
	if (sig == SIGPIPE) {
		/* One that came inside vigil (its own message to a closed stderr) may
		 * have cut into its tables: the exit only. */
		if (!inside)
			vigil_pipes__death(uc);
		write_exit(sig);
	} else {
		write_crash(sig, si, uc);
	}
	vigil_guard__leave();
	__atomic_store_n(&death_written, 1, __ATOMIC_RELEASE);
}

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	int saved = errno, inside = vigil_guard > 0;
	struct sigaction app = app_act[sig];

	/* A sampled block's guard page: reported, and with --on-error continue made
	 * accessible so the instruction runs again. Never the program's business. */
	if ((sig == SIGSEGV || sig == SIGBUS) && si->si_code > 0 &&
	    vigil_guardpool__fault((uintptr_t)si->si_addr, uc)) {
		errno = saved;
		return;
	}
	if (app.sa_handler != SIG_DFL && app.sa_handler != SIG_IGN) {
		/* install() gave the kernel the program's mask, SA_NODEFER, SA_ONSTACK
		 * and SA_RESTART: it already set up what the program asked for. */
		if (app.sa_flags & SA_RESETHAND) {
			app_act[sig].sa_handler = SIG_DFL;
			app_act[sig].sa_flags &= ~SA_SIGINFO;
			install(sig);
		}
		errno = saved;
		run_handler(app.sa_sigaction, sig, si, uc);
		return;
	}
	/* Ignored, and sent by a process rather than raised by a fault: nothing to do. */
	if (app.sa_handler == SIG_IGN && si->si_code <= 0) {
		errno = saved;
		return;
	}
	if (!vigil_rt.aborting &&
	    (vigil_rt__state() == VIGIL_READY || vigil_rt__state() == VIGIL_DONE))
		write_death(sig, si, uc, inside);
	reraise_default(sig);
	errno = saved;
}

/* What the kernel gets for an owned signal, given the program's disposition:
 * ignored stays ignored in the kernel (so it survives exec as the program meant);
 * default runs vigil's handler on the alternate stack (a stack overflow must still
 * be reported); a program handler runs vigil's handler with the program's flags and
 * mask, so the program's handler runs as it asked. */
static void install(int sig)
{
	const struct sigaction *a = &app_act[sig];
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	if (a->sa_handler == SIG_IGN) {
		sa.sa_handler = SIG_IGN;
	} else if (a->sa_handler == SIG_DFL) {
		sa.sa_sigaction = on_fatal;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	} else {
		sa.sa_sigaction = on_fatal;
		sa.sa_flags = SA_SIGINFO | (a->sa_flags & (SA_ONSTACK | SA_RESTART | SA_NODEFER));
		sa.sa_mask = a->sa_mask;
	}
	vigil_real.sigaction(sig, &sa, NULL);
}

/* Its own mapping with a guard page below: an overflow of the alternate stack faults
 * instead of running into other memory. */
void *vigil_signal__altstack(void)
{
	stack_t ss, old;
	char *m;

	if (vigil_real.sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
		return NULL; /* the program has its own */
	m = mmap(NULL, GUARD + ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	mprotect(m, GUARD, PROT_NONE);
	ss.ss_sp = m + GUARD;
	ss.ss_size = ALTSTACK_SIZE;
	ss.ss_flags = 0;
	if (vigil_real.sigaltstack(&ss, NULL)) {
		munmap(m, GUARD + ALTSTACK_SIZE);
		return NULL;
	}
	return ss.ss_sp;
}

void vigil_signal__altstack_free(void *sp)
{
	stack_t ss = {.ss_flags = SS_DISABLE};
	stack_t cur;

	/* Only if it is still ours: the program may have replaced it. */
	if (vigil_real.sigaltstack(NULL, &cur) || cur.ss_sp != sp)
		return;
	if (!vigil_real.sigaltstack(&ss, NULL))
		munmap((char *)sp - GUARD, GUARD + ALTSTACK_SIZE);
}

static void own(int sig)
{
	if (vigil_real.sigaction(sig, NULL, &app_act[sig]))
		return;
	owned[sig] = 1;
	install(sig);
}

void vigil_signal__init(void)
{
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
		own(fatal_sigs[i]);
	/* Only to see the death: an ignored SIGPIPE stays ignored in the kernel, and a
	 * program's handler runs as the other owned signals' do. */
	if (vigil_rt.opt.checks & (1u << VIGIL_CHECK_FDS))
		own(SIGPIPE);
	vigil_signal__altstack();
	/* Filled here, not on first use. __sysv_signal as rt.c fills sysv_signal: until
	 * vigil starts, set_handler emulates both. exit so that the way out, under which
	 * the leak check scans the stack conservatively, runs no lookup first. */
	VIGIL_REAL(real_iso_signal, "__sysv_signal", NULL);
	VIGIL_REAL(real_exit, "exit", NULL);
}

static int wrapping(void)
{
	return vigil_rt__state() == VIGIL_READY &&
	       (vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS));
}

static int is_handler(sighandler_t h)
{
	return h != SIG_DFL && h != SIG_IGN;
}

static void set_app_fn(int sig, handler_fn fn, int siginfo)
{
	__atomic_store_n(&app_fn[sig], fn, __ATOMIC_RELEASE);
	app_siginfo[sig] = (unsigned char)!!siginfo;
}

/* The kernel's disposition as the program sees it: its own handler for the wrapper. */
static void program_view(struct sigaction *k, handler_fn fn, int siginfo)
{
	if (k->sa_sigaction != wrapper)
		return;
	k->sa_sigaction = fn;
	if (!siginfo)
		k->sa_flags &= ~SA_SIGINFO;
}

/* A vfork child (posix_spawn's, Python's subprocess resetting SIGPIPE) runs on its
 * parent's memory until it execs: what it sets is for its own kernel table only, and
 * must leave the view its parent keeps in app_act alone. */
static int in_vfork_child(void)
{
	return vigil_in_vfork_child();
}

static int set_owned(int sig, const struct sigaction *act, struct sigaction *old)
{
	*old = app_act[sig];
	if (act && in_vfork_child())
		return act->sa_sigaction == on_fatal ? 0 : vigil_real.sigaction(sig, act, NULL);
	/* on_fatal itself, read from the kernel behind vigil's back, changes nothing. */
	if (act && act->sa_sigaction != on_fatal) {
		app_act[sig] = *act;
		install(sig);
	}
	return 0;
}

/* The handler is in the table before the kernel can deliver to the wrapper for it;
 * SIG_DFL and SIG_IGN go to the kernel as themselves (ignored survives exec). */
static int set_other(int sig, const struct sigaction *act, struct sigaction *old)
{
	handler_fn prev = app_fn[sig];
	int prev_si = app_siginfo[sig];
	const struct sigaction *give = act;
	struct sigaction w;

	if (act && wrapping() && is_handler(act->sa_handler) && act->sa_sigaction != wrapper) {
		set_app_fn(sig, act->sa_sigaction, act->sa_flags & SA_SIGINFO);
		w = *act;
		w.sa_sigaction = wrapper;
		w.sa_flags |= SA_SIGINFO;
		give = &w;
	}
	if (vigil_real.sigaction(sig, give, old)) {
		set_app_fn(sig, prev, prev_si);
		return -1;
	}
	program_view(old, prev, prev_si);
	return 0;
}

VIGIL_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction a, o;
	sigset_t mask;
	int r;

	vigil_rt__active();
	if (!vigil_real.sigaction) {
		errno = ENOSYS;
		return -1;
	}
	if (sig <= 0 || sig >= NSIG)
		return vigil_real.sigaction(sig, act, old);
	if (act)
		a = *act; /* act and old may be the same struct */
	lock_acts(&mask);
	r = owned[sig] ? set_owned(sig, act ? &a : NULL, &o) : set_other(sig, act ? &a : NULL, &o);
	unlock_acts(&mask);
	if (!r && old)
		*old = o;
	return r;
}

/* After glibc's signal() installed h itself (with the flags only glibc knows:
 * siginterrupt's set), the kernel's disposition is taken over as it is. */
static void adopt(int sig)
{
	struct sigaction k;

	if (vigil_real.sigaction(sig, NULL, &k))
		return;
	if (!wrapping() || !is_handler(k.sa_handler) || k.sa_sigaction == wrapper)
		return;
	set_app_fn(sig, k.sa_sigaction, k.sa_flags & SA_SIGINFO);
	k.sa_sigaction = wrapper;
	k.sa_flags |= SA_SIGINFO;
	vigil_real.sigaction(sig, &k, NULL);
}

/* The real one's semantics from sigaction (BSD for signal()). */
static sighandler_t emulate(int sig, sighandler_t h, int flags)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (!(flags & SA_NODEFER) && sig > 0 && sig < NSIG)
		sigaddset(&sa.sa_mask, sig);
	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

/* glibc's signal() family reaches the kernel through its internal sigaction, past
 * the interposer above. Owned signals: redone with sigaction (the kernel must never
 * hold the program's handler instead of on_fatal). Others: the real call runs (its
 * exact flags and mask), then its result is taken over and the previous handler
 * translated to the program's. */
static sighandler_t set_handler(int sig, sighandler_t h, sighandler_t (*real)(int, sighandler_t),
				int flags)
{
	handler_fn prev;
	sighandler_t r;
	sigset_t mask;

	vigil_rt__active();
	if (!real || (sig > 0 && sig < NSIG && owned[sig]))
		return emulate(sig, h, flags);
	if (sig <= 0 || sig >= NSIG)
		return real(sig, h);
	lock_acts(&mask);
	prev = app_fn[sig];
	r = real(sig, h);
	if (r != SIG_ERR) {
		if ((void *)r == (void *)wrapper)
			r = (sighandler_t)(void *)prev;
		adopt(sig);
	}
	unlock_acts(&mask);
	return r;
}

VIGIL_EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	return set_handler(sig, h, vigil_real.signal, SA_RESTART);
}

VIGIL_EXPORT sighandler_t bsd_signal(int sig, sighandler_t h)
{
	return set_handler(sig, h, vigil_real.bsd_signal, SA_RESTART);
}

/* A handler that the kernel resets on delivery and does not block while it runs:
 * the program must re-arm it, and a second signal in between kills it. sigaction
 * says what is meant. signal() with glibc's default (BSD) semantics keeps the
 * handler and is not reported; nor are SIG_DFL and SIG_IGN, for which signal() is
 * exact. */
static void one_shot(unsigned fn, sighandler_t h, const void *site)
{
	if (is_handler(h) && h != SIG_ERR && vigil_api__on())
		vigil_api__deprecated(fn, VIGIL_FN_SIGACTION, VIGIL_REASON_SYSV_SIGNAL, site);
}

VIGIL_EXPORT sighandler_t sysv_signal(int sig, sighandler_t h)
{
	one_shot(VIGIL_FN_SYSV_SIGNAL, h, __builtin_return_address(0));
	return set_handler(sig, h, vigil_real.sysv_signal, SA_RESETHAND | SA_NODEFER);
}

/* What signal() compiles to under a strict ISO C mode (-std=c11). */
VIGIL_EXPORT sighandler_t __sysv_signal(int sig, sighandler_t h)
{
	one_shot(VIGIL_FN_SIGNAL, h, __builtin_return_address(0));
	return set_handler(sig, h,
			   real_iso_signal ? real_iso_signal
						     : vigil_real.sysv_signal,
			   SA_RESETHAND | SA_NODEFER);
}

/* exit() is not async-signal-safe (_exit is): reported from a handler, and quiet
 * for good after, as the atexit handlers and destructors it runs are the same
 * mistake, not others. */
VIGIL_EXPORT void exit(int code)
{
	vigil_sigsafe__enter(VIGIL_FN_EXIT);
	if (VIGIL_REAL(real_exit, "exit", NULL))
		real_exit(code);
	_exit(code);
}

void vigil_signal__lock(void)
{
	sigset_t mask;

	block_all(&mask);
	vigil_lock__acquire(&act_lock);
	fork_mask = mask;
}

void vigil_signal__unlock(int reset)
{
	sigset_t mask = fork_mask;

	if (reset)
		vigil_lock__reset(&act_lock);
	else
		vigil_lock__release(&act_lock);
	restore_mask(&mask);
}
