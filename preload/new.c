// SPDX-License-Identifier: MIT
/* C++ operator new and delete, every variant, written in C under their mangled names.
 * The real operators (libstdc++'s) do the allocating, the new_handler loop and the
 * throwing; this file is built with -fexceptions so a std::bad_alloc unwinds through
 * it, and the guard is dropped by a cleanup on the way out. */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "heap.h"
#include "rt.h"

enum op {
	OP_NEW, OP_NEW_ARR, OP_NEW_NT, OP_NEW_ARR_NT,
	OP_NEW_AL, OP_NEW_ARR_AL, OP_NEW_AL_NT, OP_NEW_ARR_AL_NT,
	OP_DEL, OP_DEL_ARR, OP_DEL_SZ, OP_DEL_ARR_SZ, OP_DEL_NT, OP_DEL_ARR_NT,
	OP_DEL_AL, OP_DEL_ARR_AL, OP_DEL_SZ_AL, OP_DEL_ARR_SZ_AL, OP_DEL_AL_NT,
	OP_DEL_ARR_AL_NT,
	OP_MAX
};

static const char *const op_names[OP_MAX] = {
	[OP_NEW] = "_Znwm",
	[OP_NEW_ARR] = "_Znam",
	[OP_NEW_NT] = "_ZnwmRKSt9nothrow_t",
	[OP_NEW_ARR_NT] = "_ZnamRKSt9nothrow_t",
	[OP_NEW_AL] = "_ZnwmSt11align_val_t",
	[OP_NEW_ARR_AL] = "_ZnamSt11align_val_t",
	[OP_NEW_AL_NT] = "_ZnwmSt11align_val_tRKSt9nothrow_t",
	[OP_NEW_ARR_AL_NT] = "_ZnamSt11align_val_tRKSt9nothrow_t",
	[OP_DEL] = "_ZdlPv",
	[OP_DEL_ARR] = "_ZdaPv",
	[OP_DEL_SZ] = "_ZdlPvm",
	[OP_DEL_ARR_SZ] = "_ZdaPvm",
	[OP_DEL_NT] = "_ZdlPvRKSt9nothrow_t",
	[OP_DEL_ARR_NT] = "_ZdaPvRKSt9nothrow_t",
	[OP_DEL_AL] = "_ZdlPvSt11align_val_t",
	[OP_DEL_ARR_AL] = "_ZdaPvSt11align_val_t",
	[OP_DEL_SZ_AL] = "_ZdlPvmSt11align_val_t",
	[OP_DEL_ARR_SZ_AL] = "_ZdaPvmSt11align_val_t",
	[OP_DEL_AL_NT] = "_ZdlPvSt11align_val_tRKSt9nothrow_t",
	[OP_DEL_ARR_AL_NT] = "_ZdaPvSt11align_val_tRKSt9nothrow_t",
};

/* Resolved on first use: libstdc++ may arrive with a later dlopen. */
static void *real_ops[OP_MAX];

static void *real_op(enum op op)
{
	void *fn = __atomic_load_n(&real_ops[op], __ATOMIC_ACQUIRE);

	if (!fn) {
		vigil_guard__enter();
		fn = dlsym(RTLD_NEXT, op_names[op]);
		vigil_guard__leave();
		__atomic_store_n(&real_ops[op], fn, __ATOMIC_RELEASE);
	}
	return fn;
}

static void guard_drop(int *entered)
{
	if (*entered)
		vigil_guard__leave();
}

typedef void *(*new1_fn)(size_t);
typedef void *(*new2_fn)(size_t, size_t);
typedef void *(*new3_fn)(size_t, size_t, size_t);
typedef void (*del1_fn)(void *);
typedef void (*del2_fn)(void *, size_t);
typedef void (*del3_fn)(void *, size_t, size_t);

/* Arguments each operator takes after the size or pointer (align_val_t and
 * nothrow_t& are both passed in integer registers). */
static const unsigned char op_extra[OP_MAX] = {
	[OP_NEW_NT] = 1, [OP_NEW_ARR_NT] = 1, [OP_NEW_AL] = 1, [OP_NEW_ARR_AL] = 1,
	[OP_NEW_AL_NT] = 2, [OP_NEW_ARR_AL_NT] = 2,
	[OP_DEL_SZ] = 1, [OP_DEL_ARR_SZ] = 1, [OP_DEL_NT] = 1, [OP_DEL_ARR_NT] = 1,
	[OP_DEL_AL] = 1, [OP_DEL_ARR_AL] = 1, [OP_DEL_SZ_AL] = 2, [OP_DEL_ARR_SZ_AL] = 2,
	[OP_DEL_AL_NT] = 2, [OP_DEL_ARR_AL_NT] = 2,
};

static void *do_new(enum op op, size_t size, size_t a, size_t b, size_t align, unsigned kind)
{
	int entered __attribute__((cleanup(guard_drop))) = 0;
	void *fn = real_op(op);
	void *p;

	if (vigil_rt__active()) {
		vigil_guard__enter();
		entered = 1;
	}
	/* Without libstdc++ (a C program calling the mangled name) fall back to the C
	 * allocator: nothing can throw there anyway. */
	if (!fn)
		p = align ? aligned_alloc(align, size) : malloc(size);
	else if (op_extra[op] == 0)
		p = ((new1_fn)fn)(size);
	else if (op_extra[op] == 1)
		p = ((new2_fn)fn)(size, a);
	else
		p = ((new3_fn)fn)(size, a, b);
	if (p && entered) {
		int e = errno;
		vigil_heap__track(p, size, kind);
		errno = e;
	}
	return p;
}

static void do_delete(enum op op, void *p, size_t a, size_t b)
{
	void *fn;

	if (!p)
		return;
	if (vigil_rt__active()) {
		int e = errno;
		vigil_guard__enter();
		vigil_heap__untrack(p, NULL);
		vigil_guard__leave();
		errno = e;
	}
	fn = real_op(op);
	if (!fn)
		free(p);
	else if (op_extra[op] == 0)
		((del1_fn)fn)(p);
	else if (op_extra[op] == 1)
		((del2_fn)fn)(p, a);
	else
		((del3_fn)fn)(p, a, b);
}

#define A VIGIL_ALLOC_NEW_ARRAY
#define N VIGIL_ALLOC_NEW
#define T(t) ((size_t)(t))
VIGIL_EXPORT void *_Znwm(size_t s) { return do_new(OP_NEW, s, 0, 0, 0, N); }
VIGIL_EXPORT void *_Znam(size_t s) { return do_new(OP_NEW_ARR, s, 0, 0, 0, A); }
VIGIL_EXPORT void *_ZnwmRKSt9nothrow_t(size_t s, const void *t) { return do_new(OP_NEW_NT, s, T(t), 0, 0, N); }
VIGIL_EXPORT void *_ZnamRKSt9nothrow_t(size_t s, const void *t) { return do_new(OP_NEW_ARR_NT, s, T(t), 0, 0, A); }
VIGIL_EXPORT void *_ZnwmSt11align_val_t(size_t s, size_t al) { return do_new(OP_NEW_AL, s, al, 0, al, N); }
VIGIL_EXPORT void *_ZnamSt11align_val_t(size_t s, size_t al) { return do_new(OP_NEW_ARR_AL, s, al, 0, al, A); }
VIGIL_EXPORT void *_ZnwmSt11align_val_tRKSt9nothrow_t(size_t s, size_t al, const void *t) { return do_new(OP_NEW_AL_NT, s, al, T(t), al, N); }
VIGIL_EXPORT void *_ZnamSt11align_val_tRKSt9nothrow_t(size_t s, size_t al, const void *t) { return do_new(OP_NEW_ARR_AL_NT, s, al, T(t), al, A); }

VIGIL_EXPORT void _ZdlPv(void *p) { do_delete(OP_DEL, p, 0, 0); }
VIGIL_EXPORT void _ZdaPv(void *p) { do_delete(OP_DEL_ARR, p, 0, 0); }
VIGIL_EXPORT void _ZdlPvm(void *p, size_t s) { do_delete(OP_DEL_SZ, p, s, 0); }
VIGIL_EXPORT void _ZdaPvm(void *p, size_t s) { do_delete(OP_DEL_ARR_SZ, p, s, 0); }
VIGIL_EXPORT void _ZdlPvRKSt9nothrow_t(void *p, const void *t) { do_delete(OP_DEL_NT, p, T(t), 0); }
VIGIL_EXPORT void _ZdaPvRKSt9nothrow_t(void *p, const void *t) { do_delete(OP_DEL_ARR_NT, p, T(t), 0); }
VIGIL_EXPORT void _ZdlPvSt11align_val_t(void *p, size_t al) { do_delete(OP_DEL_AL, p, al, 0); }
VIGIL_EXPORT void _ZdaPvSt11align_val_t(void *p, size_t al) { do_delete(OP_DEL_ARR_AL, p, al, 0); }
VIGIL_EXPORT void _ZdlPvmSt11align_val_t(void *p, size_t s, size_t al) { do_delete(OP_DEL_SZ_AL, p, s, al); }
VIGIL_EXPORT void _ZdaPvmSt11align_val_t(void *p, size_t s, size_t al) { do_delete(OP_DEL_ARR_SZ_AL, p, s, al); }
VIGIL_EXPORT void _ZdlPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const void *t) { do_delete(OP_DEL_AL_NT, p, al, T(t)); }
VIGIL_EXPORT void _ZdaPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const void *t) { do_delete(OP_DEL_ARR_AL_NT, p, al, T(t)); }
#undef A
#undef N
#undef T
