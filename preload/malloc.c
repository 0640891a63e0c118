// SPDX-License-Identifier: MIT
/* The C allocator family. Each wrapper calls the real allocator and records the
 * block in the side table; a block leaves the table before the real free so its
 * address cannot be handed out again while still recorded. */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "heap.h"
#include "rt.h"

/* Before the real allocator is resolved (dlsym itself allocates), serve from the
 * bootstrap arena. */
static void *early_alloc(size_t size, size_t align, int zero)
{
	void *p = vigil_boot__alloc(size, align);

	(void)zero; /* the arena is static, hence zero */
	if (!p)
		errno = ENOMEM;
	return p;
}

#define TRACKED(call, size, kind)                                                          \
	({                                                                                 \
		void *p_ = (call);                                                         \
		if (p_) {                                                                  \
			int e_ = errno;                                                    \
			vigil_heap__track(p_, (size), (kind));                             \
			errno = e_;                                                        \
		}                                                                          \
		p_;                                                                        \
	})

VIGIL_EXPORT void *malloc(size_t size)
{
	void *p;

	if (!vigil_rt__active())
		return vigil_real.malloc ? vigil_real.malloc(size) : early_alloc(size, 16, 0);
	vigil_guard__enter();
	p = TRACKED(vigil_real.malloc(size), size, VIGIL_ALLOC_MALLOC);
	vigil_guard__leave();
	return p;
}

VIGIL_EXPORT void *calloc(size_t n, size_t size)
{
	void *p;

	if (!vigil_rt__active()) {
		if (vigil_real.calloc)
			return vigil_real.calloc(n, size);
		if (size && n > SIZE_MAX / size) {
			errno = ENOMEM;
			return NULL;
		}
		return early_alloc(n * size, 16, 1);
	}
	vigil_guard__enter();
	p = TRACKED(vigil_real.calloc(n, size), n * size, VIGIL_ALLOC_MALLOC);
	vigil_guard__leave();
	return p;
}

VIGIL_EXPORT void free(void *p)
{
	if (!p || vigil_boot__owns(p))
		return;
	if (vigil_rt__active()) {
		int e = errno;
		vigil_guard__enter();
		vigil_heap__untrack(p, NULL);
		vigil_guard__leave();
		errno = e;
	}
	vigil_real.free(p);
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
	struct vigil_block b;
	int tracked, e;
	void *p;

	if (!old)
		return malloc(size);
	if (vigil_boot__owns(old))
		return boot_realloc(old, size);
	if (!vigil_rt__active())
		return vigil_real.realloc(old, size);
	vigil_guard__enter();
	tracked = !vigil_heap__untrack(old, &b);
	p = vigil_real.realloc(old, size);
	e = errno;
	if (p)
		vigil_heap__track(p, size, VIGIL_ALLOC_MALLOC);
	else if (tracked && size)
		vigil_heaptab__insert(vigil_heap, &b); /* failed: the old block lives on */
	errno = e;
	vigil_guard__leave();
	return p;
}

VIGIL_EXPORT void *realloc(void *old, size_t size)
{
	return do_realloc(old, size);
}

/* glibc's reallocarray calls its internal realloc, which would bypass us. */
VIGIL_EXPORT void *reallocarray(void *old, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return do_realloc(old, n * size);
}

VIGIL_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	int r;

	if (!vigil_rt__active()) {
		if (vigil_real.posix_memalign)
			return vigil_real.posix_memalign(out, align, size);
		*out = early_alloc(size, align, 0);
		return *out ? 0 : ENOMEM;
	}
	vigil_guard__enter();
	r = vigil_real.posix_memalign(out, align, size);
	if (!r) {
		int e = errno;
		vigil_heap__track(*out, size, VIGIL_ALLOC_MALLOC);
		errno = e;
	}
	vigil_guard__leave();
	return r;
}

VIGIL_EXPORT void *aligned_alloc(size_t align, size_t size)
{
	void *p;

	if (!vigil_rt__active())
		return vigil_real.aligned_alloc ? vigil_real.aligned_alloc(align, size)
						: early_alloc(size, align, 0);
	vigil_guard__enter();
	p = TRACKED(vigil_real.aligned_alloc(align, size), size, VIGIL_ALLOC_MALLOC);
	vigil_guard__leave();
	return p;
}

VIGIL_EXPORT void *memalign(size_t align, size_t size)
{
	void *p;

	if (!vigil_rt__active())
		return vigil_real.memalign ? vigil_real.memalign(align, size)
					   : early_alloc(size, align, 0);
	vigil_guard__enter();
	p = TRACKED(vigil_real.memalign(align, size), size, VIGIL_ALLOC_MALLOC);
	vigil_guard__leave();
	return p;
}

VIGIL_EXPORT void *valloc(size_t size)
{
	void *p;

	if (!vigil_rt__active())
		return vigil_real.valloc ? vigil_real.valloc(size) : early_alloc(size, 4096, 0);
	vigil_guard__enter();
	p = TRACKED(vigil_real.valloc(size), size, VIGIL_ALLOC_MALLOC);
	vigil_guard__leave();
	return p;
}

VIGIL_EXPORT void *pvalloc(size_t size)
{
	size_t page = 4096, rounded = (size + page - 1) & ~(page - 1);
	void *p;

	if (!vigil_rt__active())
		return vigil_real.pvalloc ? vigil_real.pvalloc(size)
					  : early_alloc(rounded, page, 0);
	vigil_guard__enter();
	p = TRACKED(vigil_real.pvalloc(size), rounded ? rounded : page, VIGIL_ALLOC_MALLOC);
	vigil_guard__leave();
	return p;
}

VIGIL_EXPORT size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	if (vigil_boot__owns(p))
		return ((size_t *)p)[-1];
	return vigil_real.malloc_usable_size(p);
}
