// SPDX-License-Identifier: MIT
/* The C allocator family: thin wrappers over heap.c. Before the real allocator is
 * resolved (dlsym itself allocates) requests are served from the bootstrap arena;
 * inside vigil (the guard) and once vigil stepped aside they go to the real one. */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "heap.h"
#include "heaperr.h"
#include "locktab.h"
#include "rt.h"
#include "sigsafe.h"
#include "vigil/finding.h"

static void *early_alloc(size_t size, size_t align)
{
	void *p = vigil_boot__alloc(size, align);

	if (!p)
		errno = ENOMEM;
	return p;
}

VIGIL_EXPORT void *malloc(size_t size)
{
	vigil_sigsafe__check(VIGIL_FN_MALLOC);
	if (!vigil_rt__active())
		return vigil_real.malloc ? vigil_real.malloc(size) : early_alloc(size, 16);
	if (vigil_heap__canary_pass(size))
		return vigil_real.malloc(size);
	return vigil_heap__alloc(size, 0, VIGIL_OP_MALLOC, 0);
}

VIGIL_EXPORT void *calloc(size_t n, size_t size)
{
	vigil_sigsafe__check(VIGIL_FN_CALLOC);
	if (!vigil_rt__active()) {
		if (vigil_real.calloc)
			return vigil_real.calloc(n, size);
		if (size && n > SIZE_MAX / size) {
			errno = ENOMEM;
			return NULL;
		}
		return early_alloc(n * size, 16);
	}
	if (size && n > SIZE_MAX / size) {
		if (!vigil_heap_off) {
			vigil_guard__enter();
			vigil_heaperr__bad_size(size, n);
			vigil_guard__leave();
		}
		errno = ENOMEM;
		return NULL;
	}
	if (vigil_heap__canary_pass(n * size))
		return vigil_real.calloc(n, size);
	return vigil_heap__alloc(n * size, 0, VIGIL_OP_MALLOC, 1);
}

VIGIL_EXPORT void free(void *p)
{
	vigil_sigsafe__check(VIGIL_FN_FREE);
	if (!p || vigil_boot__owns(p))
		return;
	if (vigil_rt__active() && vigil_heap__canary_free_pass(p)) {
		vigil_locktab__freeing(p, 0);
		vigil_real.free(p);
		return;
	}
	vigil_heap__free(p, VIGIL_OP_FREE);
}

static void *boot_realloc(void *old, size_t size)
{
	size_t old_size = ((size_t *)old)[-1];
	void *p = malloc(size);

	if (p)
		memcpy(p, old, old_size < size ? old_size : size);
	return p;
}

static void *do_realloc(void *old, size_t size)
{
	if (!old)
		return malloc(size);
	if (vigil_boot__owns(old))
		return boot_realloc(old, size);
	if (!vigil_rt__active())
		return vigil_heap__realloc_passive(old, size);
	/* Canary, an unsampled block: the real realloc, and the result stays unsampled. */
	if (vigil_heap__canary_free_pass(old)) {
		vigil_locktab__freeing(old, 0);
		return vigil_real.realloc(old, size);
	}
	return vigil_heap__realloc(old, size);
}

VIGIL_EXPORT void *realloc(void *old, size_t size)
{
	vigil_sigsafe__check(VIGIL_FN_REALLOC);
	return do_realloc(old, size);
}

/* glibc's reallocarray calls its internal realloc, which would bypass us. */
VIGIL_EXPORT void *reallocarray(void *old, size_t n, size_t size)
{
	vigil_sigsafe__check(VIGIL_FN_REALLOC);
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return do_realloc(old, n * size);
}

static int valid_align(size_t align)
{
	return align && !(align & (align - 1)) && !(align % sizeof(void *));
}

VIGIL_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;
	int e;

	vigil_sigsafe__check(VIGIL_FN_MALLOC);
	if (!vigil_rt__active()) {
		if (vigil_real.posix_memalign)
			return vigil_real.posix_memalign(out, align, size);
		*out = early_alloc(size, align);
		return *out ? 0 : ENOMEM;
	}
	if (!valid_align(align))
		return EINVAL;
	e = errno;
	p = vigil_heap__alloc(size, align, VIGIL_OP_MALLOC, 0);
	if (!p) {
		errno = e; /* posix_memalign reports by return value, errno untouched */
		return ENOMEM;
	}
	*out = p;
	errno = e;
	return 0;
}

static void *aligned(void *(*real)(size_t, size_t), size_t align, size_t size)
{
	vigil_sigsafe__check(VIGIL_FN_MALLOC);
	if (!vigil_rt__active())
		return real ? real(align, size) : early_alloc(size, align);
	/* Alignments the real call rejects or bends: let it decide, untracked. */
	if (!align || (align & (align - 1)))
		return real(align, size);
	return vigil_heap__alloc(size, align < 16 ? 0 : align, VIGIL_OP_MALLOC, 0);
}

VIGIL_EXPORT void *aligned_alloc(size_t align, size_t size)
{
	return aligned(vigil_real.aligned_alloc, align, size);
}

VIGIL_EXPORT void *memalign(size_t align, size_t size)
{
	return aligned(vigil_real.memalign, align, size);
}

VIGIL_EXPORT void *valloc(size_t size)
{
	vigil_sigsafe__check(VIGIL_FN_MALLOC);
	if (!vigil_rt__active())
		return vigil_real.valloc ? vigil_real.valloc(size) : early_alloc(size, 4096);
	return vigil_heap__alloc(size, 4096, VIGIL_OP_MALLOC, 0);
}

VIGIL_EXPORT void *pvalloc(size_t size)
{
	size_t page = 4096, rounded = (size + page - 1) & ~(page - 1);

	vigil_sigsafe__check(VIGIL_FN_MALLOC);
	if (!vigil_rt__active())
		return vigil_real.pvalloc ? vigil_real.pvalloc(size) : early_alloc(rounded, page);
	return vigil_heap__alloc(rounded ? rounded : page, page, VIGIL_OP_MALLOC, 0);
}

VIGIL_EXPORT size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	if (vigil_boot__owns(p))
		return ((size_t *)p)[-1];
	return vigil_heap__usable(p);
}
