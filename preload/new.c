// SPDX-License-Identifier: MIT
/* C++ operator new and delete, every variant, written in C under their mangled names.
 * Blocks come from heap.c, marked with the operator so a mismatched release is
 * caught; the real operators (libstdc++'s) only run when allocation fails, for the
 * new_handler loop and std::bad_alloc. Built with -fexceptions so the exception
 * unwinds through this file, and the guard is dropped by a cleanup on the way. */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "heap.h"
#include "rt.h"
#include "sigsafe.h"
#include "vigil/finding.h"

enum op {
	OP_NEW, OP_NEW_ARR, OP_NEW_NT, OP_NEW_ARR_NT,
	OP_NEW_AL, OP_NEW_ARR_AL, OP_NEW_AL_NT, OP_NEW_ARR_AL_NT,
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

/* Arguments each operator takes after the size or pointer (align_val_t and
 * nothrow_t& are both passed in integer registers). */
static const unsigned char op_extra[OP_MAX] = {
	[OP_NEW_NT] = 1, [OP_NEW_ARR_NT] = 1, [OP_NEW_AL] = 1, [OP_NEW_ARR_AL] = 1,
	[OP_NEW_AL_NT] = 2, [OP_NEW_ARR_AL_NT] = 2,
};

/* The block comes from heap.c like any malloc; only when that fails does the real
 * operator run, for its new_handler loop and its std::bad_alloc, with the guard held
 * so its own malloc call goes straight to the real allocator. */
static void *do_new(enum op op, size_t size, size_t a, size_t b, size_t align, unsigned kind)
{
	int entered __attribute__((cleanup(guard_drop))) = 0;
	void *fn = real_op(op);
	void *p;

	vigil_sigsafe__check(VIGIL_FN_OPERATOR_NEW);
	if (vigil_rt__active()) {
		p = vigil_heap__alloc(size, align > 16 ? align : 0, kind, 0);
		if (p)
			return p;
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
	return p;
}

static void do_delete(void *p, unsigned kind)
{
	vigil_sigsafe__check(VIGIL_FN_OPERATOR_DELETE);
	if (p)
		vigil_heap__free(p, kind);
}

#define N VIGIL_OP_NEW
#define A VIGIL_OP_NEW_ARRAY
#define NA VIGIL_OP_NEW_ALIGNED
#define AA VIGIL_OP_NEW_ARRAY_ALIGNED
#define T(t) ((size_t)(t))
VIGIL_EXPORT void *_Znwm(size_t s) { return do_new(OP_NEW, s, 0, 0, 0, N); }
VIGIL_EXPORT void *_Znam(size_t s) { return do_new(OP_NEW_ARR, s, 0, 0, 0, A); }
VIGIL_EXPORT void *_ZnwmRKSt9nothrow_t(size_t s, const void *t) { return do_new(OP_NEW_NT, s, T(t), 0, 0, N); }
VIGIL_EXPORT void *_ZnamRKSt9nothrow_t(size_t s, const void *t) { return do_new(OP_NEW_ARR_NT, s, T(t), 0, 0, A); }
VIGIL_EXPORT void *_ZnwmSt11align_val_t(size_t s, size_t al) { return do_new(OP_NEW_AL, s, al, 0, al, NA); }
VIGIL_EXPORT void *_ZnamSt11align_val_t(size_t s, size_t al) { return do_new(OP_NEW_ARR_AL, s, al, 0, al, AA); }
VIGIL_EXPORT void *_ZnwmSt11align_val_tRKSt9nothrow_t(size_t s, size_t al, const void *t) { return do_new(OP_NEW_AL_NT, s, al, T(t), al, NA); }
VIGIL_EXPORT void *_ZnamSt11align_val_tRKSt9nothrow_t(size_t s, size_t al, const void *t) { return do_new(OP_NEW_ARR_AL_NT, s, al, T(t), al, AA); }
#undef N
#undef A
#undef NA
#undef AA
#undef T

#define D VIGIL_OP_DELETE
#define DA VIGIL_OP_DELETE_ARRAY
#define DL VIGIL_OP_DELETE_ALIGNED
#define DAL VIGIL_OP_DELETE_ARRAY_ALIGNED
VIGIL_EXPORT void _ZdlPv(void *p) { do_delete(p, D); }
VIGIL_EXPORT void _ZdaPv(void *p) { do_delete(p, DA); }
VIGIL_EXPORT void _ZdlPvm(void *p, size_t s) { (void)s; do_delete(p, D); }
VIGIL_EXPORT void _ZdaPvm(void *p, size_t s) { (void)s; do_delete(p, DA); }
VIGIL_EXPORT void _ZdlPvRKSt9nothrow_t(void *p, const void *t) { (void)t; do_delete(p, D); }
VIGIL_EXPORT void _ZdaPvRKSt9nothrow_t(void *p, const void *t) { (void)t; do_delete(p, DA); }
VIGIL_EXPORT void _ZdlPvSt11align_val_t(void *p, size_t al) { (void)al; do_delete(p, DL); }
VIGIL_EXPORT void _ZdaPvSt11align_val_t(void *p, size_t al) { (void)al; do_delete(p, DAL); }
VIGIL_EXPORT void _ZdlPvmSt11align_val_t(void *p, size_t s, size_t al) { (void)s; (void)al; do_delete(p, DL); }
VIGIL_EXPORT void _ZdaPvmSt11align_val_t(void *p, size_t s, size_t al) { (void)s; (void)al; do_delete(p, DAL); }
VIGIL_EXPORT void _ZdlPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const void *t) { (void)al; (void)t; do_delete(p, DL); }
VIGIL_EXPORT void _ZdaPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const void *t) { (void)al; (void)t; do_delete(p, DAL); }
#undef D
#undef DA
#undef DL
#undef DAL
