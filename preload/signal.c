// SPDX-License-Identifier: MIT
/* Fatal signals: vigil keeps its handler installed for SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL and SIGABRT and shows the program its own view of those dispositions, so a
 * program that installs a handler still gets it called. When the program's
 * disposition is the default, vigil writes a `crash` finding and re-raises with the
 * default action, keeping the exit status and the core dump as they were. */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emit.h"
#include "guardpool.h"
#include "lock.h"
#include "rawlog.h"
#include "rt.h"
#include "stack.h"
#include "vigil/finding.h"

#define ALTSTACK_SIZE (64 * 1024)
#define GUARD 4096

static const int fatal_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

static struct sigaction app_act[NSIG]; /* the program's view */
static int owned[NSIG];
static vigil_lock_t act_lock;
static int crashing;

static void install(int sig);

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
	char rec[64];
	size_t sz;

	st.stack_id = n ? vigil_stack__write_raw(pcs, n, 0) : 0;
	/* si_addr is an address only for kernel-raised faults (si_code > 0); from
	 * kill() it holds the sender's pid. */
	vigil_emit__finding(VIGIL_FK_CRASH, VIGIL_SEV_ERROR, 1, &st, 1, kv,
			    (sig == SIGSEGV || sig == SIGBUS) && si->si_code > 0 ? 3 : 2);
	sz = vigil_rawlog__enc_exit(rec, sizeof(rec), (uint32_t)vigil_gettid(), vigil_now_ns(),
				    VIGIL_EXIT_SIGNAL, 0, sig);
	vigil_rawlog__append(rec, sz);
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

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;
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
		if (app.sa_flags & SA_SIGINFO)
			app.sa_sigaction(sig, si, uc);
		else
			app.sa_handler(sig);
		return;
	}
	/* Ignored, and sent by a process rather than raised by a fault: nothing to do. */
	if (app.sa_handler == SIG_IGN && si->si_code <= 0) {
		errno = saved;
		return;
	}
	if (!vigil_rt.aborting && !__atomic_exchange_n(&crashing, 1, __ATOMIC_ACQ_REL) &&
	    (vigil_rt__state() == VIGIL_READY || vigil_rt__state() == VIGIL_DONE)) {
		vigil_guard__enter();
		write_crash(sig, si, uc);
		vigil_guard__leave();
	}
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

void vigil_signal__init(void)
{
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++) {
		int sig = fatal_sigs[i];
		if (vigil_real.sigaction(sig, NULL, &app_act[sig]))
			continue;
		owned[sig] = 1;
		install(sig);
	}
	vigil_signal__altstack();
}

VIGIL_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	vigil_rt__active();
	if (!vigil_real.sigaction) {
		errno = ENOSYS;
		return -1;
	}
	if (sig <= 0 || sig >= NSIG || !owned[sig])
		return vigil_real.sigaction(sig, act, old);
	vigil_lock__acquire(&act_lock);
	if (old)
		*old = app_act[sig];
	if (act) {
		app_act[sig] = *act;
		install(sig);
	}
	vigil_lock__release(&act_lock);
	return 0;
}

static sighandler_t set_handler(int sig, sighandler_t h, int flags,
				sighandler_t (*real)(int, sighandler_t))
{
	struct sigaction sa, old;

	/* Signals vigil does not own keep glibc's exact semantics (siginterrupt...). */
	vigil_rt__active();
	if ((sig <= 0 || sig >= NSIG || !owned[sig]) && real)
		return real(sig, h);

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

/* glibc's signal() reaches the kernel through its internal sigaction, which would
 * bypass the wrapper above: for the owned signals it is redone here with glibc's
 * semantics (BSD for signal()); every other signal goes to the real one. */
VIGIL_EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	return set_handler(sig, h, SA_RESTART, vigil_real.signal);
}

VIGIL_EXPORT sighandler_t bsd_signal(int sig, sighandler_t h)
{
	return set_handler(sig, h, SA_RESTART, vigil_real.bsd_signal);
}

VIGIL_EXPORT sighandler_t sysv_signal(int sig, sighandler_t h)
{
	return set_handler(sig, h, SA_RESETHAND | SA_NODEFER, vigil_real.sysv_signal);
}

void vigil_signal__lock(void)
{
	vigil_lock__acquire(&act_lock);
}

void vigil_signal__unlock(int reset)
{
	if (reset)
		vigil_lock__reset(&act_lock);
	else
		vigil_lock__release(&act_lock);
}
