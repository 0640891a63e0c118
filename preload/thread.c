// SPDX-License-Identifier: MIT
/* pthread_create, join, detach and exit. Every new thread starts in a trampoline that
 * gives it an alternate signal stack (so a stack overflow still reaches the crash
 * handler) and registers its stack range; a TLS destructor marks it exited. With the
 * thread checks on, the thread table follows each thread from its creation to its
 * join or detach: a join of a joined or detached thread is reported before the real
 * call, the threads neither joined nor detached when the process exits after it. */
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "emit.h"
#include "fbuild.h"
#include "ialloc.h"
#include "lock.h"
#include "realsym.h"
#include "rt.h"
#include "stack.h"
#include "thread.h"
#include "threadtab.h"
#include "unwind.h"
#include "vigil/finding.h"

#define MAX_THREADS 4096

static vigil_lock_t lock;
static struct vigil_thread_stack *reg; /* MAX_THREADS */
static unsigned nreg;
static pthread_key_t exit_key;
static int have_key;
static __thread struct vigil_thread_stack *my_slot;
static __thread void *my_altstack;

/* Set when the thread checks are on. */
static struct vigil_thrtab *tab;
static __thread struct vigil_thr_ref my_ref;
/* The main thread ended in pthread_exit: the process lives on in its threads. */
static int main_gone;

static void on_thread_exit(void *unused)
{
	(void)unused;
	vigil_guard__enter();
	if (my_slot) {
		vigil_lock__acquire(&lock);
		my_slot->tid = 0;
		vigil_lock__release(&lock);
	}
	if (tab)
		vigil_thrtab__exited(tab, my_ref);
	if (my_altstack)
		vigil_signal__altstack_free(my_altstack);
	vigil_unwind__thread_exit();
	my_slot = NULL;
	my_altstack = NULL;
	my_ref = (struct vigil_thr_ref){0, 0};
	vigil_guard__leave();
}

static void register_self(void)
{
	pthread_attr_t attr;
	void *addr;
	size_t size;
	struct vigil_thread_stack *slot = NULL;

	if (!reg || pthread_getattr_np(pthread_self(), &attr))
		return;
	if (!pthread_attr_getstack(&attr, &addr, &size)) {
		vigil_lock__acquire(&lock);
		/* Reuse the slot of an exited thread with the same stack (glibc caches
		 * stacks), else take a new one. */
		for (unsigned i = 0; i < nreg && !slot; i++)
			if (!reg[i].tid && reg[i].lo == (uintptr_t)addr)
				slot = &reg[i];
		if (!slot && nreg < MAX_THREADS)
			slot = &reg[nreg++];
		if (slot) {
			slot->ghost = 0;
			slot->tid = vigil_gettid();
			slot->lo = (uintptr_t)addr;
			slot->hi = (uintptr_t)addr + size;
			slot->tp = (uintptr_t)__builtin_thread_pointer();
		}
		vigil_lock__release(&lock);
	}
	pthread_attr_destroy(&attr);
	my_slot = slot;
}

struct vigil_thread_start *vigil_thread__prepare(void (*fn)(void), void *arg, int detached)
{
	struct vigil_thread_start *s;
	int saved = errno;

	vigil_guard__enter();
	s = vigil_ialloc(sizeof(*s));
	if (s) {
		s->fn = fn;
		s->arg = arg;
		if (tab)
			vigil_thrtab__add(tab, vigil_stack__capture(), (uint32_t)vigil_gettid(),
					  detached, &s->ref);
	}
	vigil_guard__leave();
	errno = saved;
	return s;
}

void vigil_thread__created(struct vigil_thread_start *s, struct vigil_thr_ref ref, int ok,
			   const uint64_t *th)
{
	int saved = errno;

	vigil_guard__enter();
	if (!ok) {
		vigil_ifree(s, sizeof(*s));
		if (tab)
			vigil_thrtab__cancel(tab, ref);
	} else if (tab) {
		vigil_thrtab__set_handle(tab, ref, th);
	}
	vigil_guard__leave();
	errno = saved;
}

void vigil_thread__begin(struct vigil_thread_start *s, struct vigil_thread_start *out)
{
	int saved = errno;

	*out = *s;
	vigil_ifree(s, sizeof(*s));
	vigil_guard__enter();
	/* Whatever the state: the creator relies on it (vigil_thrtab__set_handle). */
	if (tab && out->ref.gen) {
		vigil_thrtab__started(tab, out->ref, (uint64_t)pthread_self(),
				      (uint32_t)vigil_gettid());
		my_ref = out->ref;
	}
	if (vigil_rt__state() != VIGIL_READY) {
		vigil_guard__leave();
		errno = saved;
		return;
	}
	my_altstack = vigil_signal__altstack();
	register_self();
	if (have_key)
		pthread_setspecific(exit_key, (void *)1);
	vigil_guard__leave();
	errno = saved;
}

static void *trampoline(void *p)
{
	struct vigil_thread_start s;

	vigil_thread__begin(p, &s);
	return ((void *(*)(void *))s.fn)(s.arg);
}

static int attr_detached(const pthread_attr_t *attr)
{
	int ds;

	return attr && !pthread_attr_getdetachstate(attr, &ds) && ds == PTHREAD_CREATE_DETACHED;
}

VIGIL_EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr,
				void *(*fn)(void *), void *arg)
{
	struct vigil_thread_start *s;
	struct vigil_thr_ref ref;
	int r;

	if (!vigil_rt__active())
		return vigil_real.pthread_create(th, attr, fn, arg);
	s = vigil_thread__prepare((void (*)(void))fn, arg, tab && attr_detached(attr));
	if (!s)
		return vigil_real.pthread_create(th, attr, fn, arg);
	ref = s->ref;
	r = vigil_real.pthread_create(th, attr, trampoline, s);
	vigil_thread__created(s, ref, !r, (const uint64_t *)th);
	return r;
}

static void add_stack(struct vigil_fbuild *f, uint32_t id, uint32_t tid, unsigned role)
{
	if (id)
		vigil_fb__stack(f, id, tid, role);
}

/* The bad join first, then the earlier join or the detach, then the creation. */
static void report_join(unsigned reason, uint32_t stack, uint32_t tid,
			const struct vigil_thr_misuse *m)
{
	struct vigil_fbuild f = {0};

	add_stack(&f, stack, tid, VIGIL_ROLE_CALL);
	add_stack(&f, m->other_stack, m->other_tid, VIGIL_ROLE_OTHER_CALL);
	add_stack(&f, m->create_stack, m->create_tid, VIGIL_ROLE_THREAD_CREATE);
	vigil_fb__kv(&f, VIGIL_KEY_REASON, reason);
	vigil_fb__emit(&f, VIGIL_FK_THREAD_LEAK, VIGIL_SEV_WARNING);
}

void vigil_thread__join_begin(uint64_t th, struct vigil_thread_join *j)
{
	struct vigil_thr_misuse m;
	unsigned reason;
	uint32_t tid;
	int saved;

	if (!tab || !vigil_rt__active())
		return;
	saved = errno;
	vigil_guard__enter();
	tid = (uint32_t)vigil_gettid();
	j->stack = vigil_stack__capture();
	reason = vigil_thrtab__join_begin(tab, th, j->stack, tid, &j->tj, &m);
	if (reason)
		report_join(reason, j->stack, tid, &m);
	vigil_guard__leave();
	errno = saved;
}

void vigil_thread__join_end(struct vigil_thread_join *j)
{
	int saved;

	if (!j->tj.ref.gen)
		return;
	saved = errno;
	vigil_guard__enter();
	vigil_thrtab__join_end(tab, &j->tj, j->joined, j->stack, (uint32_t)vigil_gettid());
	vigil_guard__leave();
	errno = saved;
}

void vigil_thread__detach_begin(uint64_t th, struct vigil_thread_detach *d)
{
	int saved;

	if (!tab || !vigil_rt__active())
		return;
	saved = errno;
	vigil_guard__enter();
	d->ref = vigil_thrtab__find(tab, th);
	if (d->ref.gen)
		d->stack = vigil_stack__capture();
	vigil_guard__leave();
	errno = saved;
}

void vigil_thread__detach_end(const struct vigil_thread_detach *d, int ok)
{
	int saved;

	if (!d->ref.gen || !ok)
		return;
	saved = errno;
	vigil_guard__enter();
	vigil_thrtab__detached(tab, d->ref, d->stack, (uint32_t)vigil_gettid());
	vigil_guard__leave();
	errno = saved;
}

void vigil_thread__exiting(void)
{
	if (tab && vigil_rt__active() && vigil_gettid() == vigil_rt.pid)
		__atomic_store_n(&main_gone, 1, __ATOMIC_RELAXED);
}

/* The joins run the end from a cleanup: a joiner cancelled while it waits unwinds
 * through here, and its join must not stay "in progress". */
VIGIL_EXPORT int pthread_join(pthread_t th, void **ret)
{
	static int (*real)(pthread_t, void **);
	struct vigil_thread_join j __attribute__((cleanup(vigil_thread__join_end))) = {0};
	int r;

	vigil_thread__join_begin(th, &j);
	r = VIGIL_REAL(real, "pthread_join", NULL)(th, ret);
	j.joined = !r;
	return r;
}

VIGIL_EXPORT int pthread_tryjoin_np(pthread_t th, void **ret)
{
	static int (*real)(pthread_t, void **);
	struct vigil_thread_join j __attribute__((cleanup(vigil_thread__join_end))) = {0};
	int r;

	vigil_thread__join_begin(th, &j);
	r = VIGIL_REAL(real, "pthread_tryjoin_np", NULL)(th, ret);
	j.joined = !r;
	return r;
}

VIGIL_EXPORT int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abstime)
{
	static int (*real)(pthread_t, void **, const struct timespec *);
	struct vigil_thread_join j __attribute__((cleanup(vigil_thread__join_end))) = {0};
	int r;

	vigil_thread__join_begin(th, &j);
	r = VIGIL_REAL(real, "pthread_timedjoin_np", NULL)(th, ret, abstime);
	j.joined = !r;
	return r;
}

VIGIL_EXPORT int pthread_clockjoin_np(pthread_t th, void **ret, clockid_t clock,
				      const struct timespec *abstime)
{
	static int (*real)(pthread_t, void **, clockid_t, const struct timespec *);
	struct vigil_thread_join j __attribute__((cleanup(vigil_thread__join_end))) = {0};
	int r;

	vigil_thread__join_begin(th, &j);
	r = VIGIL_REAL(real, "pthread_clockjoin_np", NULL)(th, ret, clock, abstime);
	j.joined = !r;
	return r;
}

VIGIL_EXPORT int pthread_detach(pthread_t th)
{
	static int (*real)(pthread_t);
	struct vigil_thread_detach d = {{0, 0}, 0};
	int r;

	vigil_thread__detach_begin(th, &d);
	r = VIGIL_REAL(real, "pthread_detach", NULL)(th);
	vigil_thread__detach_end(&d, !r);
	return r;
}

VIGIL_EXPORT void pthread_exit(void *ret)
{
	static void (*real)(void *) __attribute__((noreturn));

	vigil_thread__exiting();
	VIGIL_REAL(real, "pthread_exit", NULL)(ret);
}

void vigil_thread__init(void)
{
	reg = vigil_ialloc(sizeof(*reg) * MAX_THREADS);
	have_key = !pthread_key_create(&exit_key, on_thread_exit);
	if (vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS))
		tab = vigil_thrtab__new(MAX_THREADS);
}

/* One finding per creation site, counting its threads. */
void vigil_thread__at_exit(void)
{
	struct vigil_thr_leak *lk;
	unsigned n;

	if (!tab)
		return;
	lk = vigil_ialloc(sizeof(*lk) * MAX_THREADS);
	if (!lk)
		return;
	n = vigil_thrtab__leaks(tab, (uint32_t)vigil_gettid(), lk, MAX_THREADS);
	for (unsigned i = 0; i < n; i++) {
		struct vigil_rec_fstack st = {.stack_id = lk[i].create_stack,
					      .tid = lk[i].create_tid,
					      .role = VIGIL_ROLE_THREAD_CREATE};
		struct vigil_rec_kv kv[] = {
			{.key = VIGIL_KEY_REASON, .value = VIGIL_REASON_NOT_JOINED},
			{.key = VIGIL_KEY_THREADS, .value = lk[i].threads},
			{.key = VIGIL_KEY_RUNNING, .value = lk[i].running},
		};

		vigil_emit__finding(VIGIL_FK_THREAD_LEAK, VIGIL_SEV_WARNING, lk[i].threads, &st,
				    st.stack_id ? 1 : 0, kv, sizeof(kv) / sizeof(kv[0]));
	}
	vigil_ifree(lk, sizeof(*lk) * MAX_THREADS);
}

unsigned vigil_thread__stats(struct vigil_rec_kv *kv, unsigned max)
{
	uint64_t created, overflow;

	if (!tab || max < 2)
		return 0;
	vigil_thrtab__stats(tab, &created, &overflow);
	kv[0] = (struct vigil_rec_kv){.key = VIGIL_KEY_THREADS_CREATED, .value = created};
	kv[1] = (struct vigil_rec_kv){.key = VIGIL_KEY_THREAD_OVERFLOW, .value = overflow};
	return 2;
}

unsigned vigil_thread__stacks(struct vigil_thread_stack *out, unsigned max)
{
	unsigned n;

	vigil_lock__acquire(&lock);
	n = nreg < max ? nreg : max;
	if (reg)
		memcpy(out, reg, n * sizeof(*out));
	vigil_lock__release(&lock);
	return n;
}

/* The forking thread is the child's one thread: its slot gets its new tid (the tid
 * cache still holds the parent's number here), and if it was not the parent's main
 * thread, it is counted through that slot. */
void vigil_thread__after_fork_child(void)
{
	pid_t parent_tid = vigil_gettid();

	vigil_lock__reset(&lock);
	for (unsigned i = 0; i < nreg; i++) {
		if (reg[i].tid == parent_tid) {
			reg[i].tid = (pid_t)syscall(SYS_gettid);
		} else if (reg[i].tid) {
			reg[i].tid = 0;
			reg[i].ghost = 1;
		}
	}
	if (tab)
		vigil_thrtab__reset_after_fork(tab);
	main_gone = my_slot != NULL;
}

unsigned vigil_thread__live(void)
{
	unsigned n = !__atomic_load_n(&main_gone, __ATOMIC_RELAXED); /* main is not registered */

	vigil_lock__acquire(&lock);
	for (unsigned i = 0; reg && i < nreg; i++)
		n += reg[i].tid != 0;
	vigil_lock__release(&lock);
	return n;
}

/* The registry lock, then the thread table's. */
void vigil_thread__lock(void)
{
	vigil_lock__acquire(&lock);
	if (tab)
		vigil_thrtab__lock(tab);
}

void vigil_thread__unlock(void)
{
	if (tab)
		vigil_thrtab__unlock(tab);
	vigil_lock__release(&lock);
}
