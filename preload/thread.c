// SPDX-License-Identifier: MIT
/* pthread_create: every new thread starts in a trampoline that gives it an alternate
 * signal stack (so a stack overflow still reaches the crash handler) and registers
 * its stack range; a TLS destructor marks it exited. */
#include <pthread.h>
#include <string.h>

#include "ialloc.h"
#include "lock.h"
#include "rt.h"
#include "thread.h"
#include "unwind.h"

#define MAX_THREADS 4096

struct start {
	void *(*fn)(void *);
	void *arg;
};

static vigil_lock_t lock;
static struct vigil_thread_stack *reg; /* MAX_THREADS */
static unsigned nreg;
static pthread_key_t exit_key;
static int have_key;
static __thread struct vigil_thread_stack *my_slot;
static __thread void *my_altstack;

static void on_thread_exit(void *unused)
{
	(void)unused;
	vigil_guard__enter();
	if (my_slot) {
		vigil_lock__acquire(&lock);
		my_slot->tid = 0;
		vigil_lock__release(&lock);
	}
	if (my_altstack)
		vigil_signal__altstack_free(my_altstack);
	vigil_unwind__thread_exit();
	my_slot = NULL;
	my_altstack = NULL;
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

static void *trampoline(void *p)
{
	struct start s = *(struct start *)p;

	vigil_ifree(p, sizeof(s));
	if (vigil_rt__state() == VIGIL_READY) {
		vigil_guard__enter();
		my_altstack = vigil_signal__altstack();
		register_self();
		if (have_key)
			pthread_setspecific(exit_key, (void *)1);
		vigil_guard__leave();
	}
	return s.fn(s.arg);
}

VIGIL_EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr,
				void *(*fn)(void *), void *arg)
{
	struct start *s;
	int r;

	if (!vigil_rt__active())
		return vigil_real.pthread_create(th, attr, fn, arg);
	s = vigil_ialloc(sizeof(*s));
	if (!s)
		return vigil_real.pthread_create(th, attr, fn, arg);
	s->fn = fn;
	s->arg = arg;
	r = vigil_real.pthread_create(th, attr, trampoline, s);
	if (r)
		vigil_ifree(s, sizeof(*s));
	return r;
}

void vigil_thread__init(void)
{
	reg = vigil_ialloc(sizeof(*reg) * MAX_THREADS);
	have_key = !pthread_key_create(&exit_key, on_thread_exit);
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

void vigil_thread__after_fork_child(void)
{
	vigil_lock__reset(&lock);
	for (unsigned i = 0; i < nreg; i++)
		if (reg[i].tid && reg[i].tid != vigil_gettid()) {
			reg[i].tid = 0;
			reg[i].ghost = 1;
		}
}

unsigned vigil_thread__live(void)
{
	unsigned n = 1; /* the main thread, never registered */

	vigil_lock__acquire(&lock);
	for (unsigned i = 0; reg && i < nreg; i++)
		n += reg[i].tid != 0;
	vigil_lock__release(&lock);
	return n;
}

void vigil_thread__lock(void)
{
	vigil_lock__acquire(&lock);
}

void vigil_thread__unlock(void)
{
	vigil_lock__release(&lock);
}
