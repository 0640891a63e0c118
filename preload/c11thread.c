// SPDX-License-Identifier: MIT
/* C11 threads: glibc's thrd_create, thrd_join and thrd_detach call its pthread code
 * directly, not through the interposed pthread_create, pthread_join and
 * pthread_detach, so they are interposed here and fed to the same thread table. */
#include <stdint.h>
#include <threads.h>

#include "realsym.h"
#include "rt.h"
#include "thread.h"

/* Started by the real thrd_create, which marks the thread as a C11 one: glibc calls
 * this with the int-returning type and passes the result to thrd_join as is. */
static int c11_trampoline(void *p)
{
	struct vigil_thread_start s;

	vigil_thread__begin(p, &s);
	return ((thrd_start_t)s.fn)(s.arg);
}

VIGIL_EXPORT int thrd_create(thrd_t *thr, thrd_start_t fn, void *arg)
{
	static int (*real)(thrd_t *, thrd_start_t, void *);
	struct vigil_thread_start *s;
	struct vigil_thr_ref ref;
	int r;

	VIGIL_REAL(real, "thrd_create", NULL);
	if (!vigil_rt__active())
		return real(thr, fn, arg);
	s = vigil_thread__prepare((void (*)(void))fn, arg, 0);
	if (!s)
		return real(thr, fn, arg);
	ref = s->ref;
	r = real(thr, c11_trampoline, s);
	vigil_thread__created(s, ref, r == thrd_success, (const uint64_t *)thr);
	return r;
}

VIGIL_EXPORT int thrd_join(thrd_t thr, int *res)
{
	static int (*real)(thrd_t, int *);
	struct vigil_thread_join j __attribute__((cleanup(vigil_thread__join_end))) = {0};
	int r;

	vigil_thread__join_begin((uint64_t)thr, &j);
	r = VIGIL_REAL(real, "thrd_join", NULL)(thr, res);
	j.joined = r == thrd_success;
	return r;
}

VIGIL_EXPORT int thrd_detach(thrd_t thr)
{
	static int (*real)(thrd_t);
	struct vigil_thread_detach d = {{0, 0}, 0};
	int r;

	vigil_thread__detach_begin((uint64_t)thr, &d);
	r = VIGIL_REAL(real, "thrd_detach", NULL)(thr);
	vigil_thread__detach_end(&d, r == thrd_success);
	return r;
}

VIGIL_EXPORT void thrd_exit(int res)
{
	static void (*real)(int) __attribute__((noreturn));

	vigil_thread__exiting();
	VIGIL_REAL(real, "thrd_exit", NULL)(res);
}
