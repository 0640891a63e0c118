// SPDX-License-Identifier: MIT
/* The api checks behind the interposers: which call sites were reported (a lock-free
 * set), how a finding carries a short text, and the checks that need more than the
 * interposer's arguments: where a format or a destination lies in memory, and how far
 * a stack buffer may be written before the saved return address above it. */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "memclass.h"
#include "stack.h"
#include "unwind.h"

#define SITES 8192u /* power of two */
#define PROBES 32
#define FRAMES 8    /* frames searched for the return address above a stack buffer */

/* Claimed keys. A fork child inherits them: what its parent reported at a site is
 * not reported again (the report merges findings across processes by site). */
static uint64_t sites[SITES];

int vigil_api__claim(uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < PROBES; i++) {
		uint64_t *s = &sites[(h + i) & (SITES - 1)];
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

int vigil_api__claimed(uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;

	for (unsigned i = 0; i < PROBES; i++) {
		uint64_t v = __atomic_load_n(&sites[(h + i) & (SITES - 1)], __ATOMIC_ACQUIRE);

		if (v == key)
			return 1;
		if (!v)
			return 0;
	}
	return 1; /* a full neighbourhood claims nothing more: as good as claimed */
}

uint64_t vigil_api__key(unsigned kind, unsigned variant, uint64_t site)
{
	uint64_t k = (site * 0xff51afd7ed558ccdull) ^ ((uint64_t)kind << 48) ^
		     ((uint64_t)variant << 32);

	return k ? k : 1;
}

void vigil_api__text(struct vigil_fbuild *f, const char *s)
{
	size_t len = strlen(s), n = len < VIGIL_TEXT_MAX ? len : VIGIL_TEXT_MAX;

	if (f->nkv + 2 > VIGIL_FB_KV)
		return;
	vigil_fb__kv(f, VIGIL_KEY_TEXT_LEN, len);
	for (size_t i = 0; i < n && f->nkv < VIGIL_FB_KV; i += 8) {
		uint64_t v = 0;

		for (size_t j = 0; j < 8 && i + j < n; j++)
			v |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
		vigil_fb__kv(f, VIGIL_KEY_TEXT, v);
	}
}

void vigil_api__unsafe_call(unsigned fn, unsigned reason, unsigned replacement,
			    const void *site)
{
	int saved;

	if (vigil_api__claimed(vigil_api__key(VIGIL_FK_UNSAFE_API, fn, (uintptr_t)site)))
		return;
	saved = errno; /* a report makes system calls */
	vigil_guard__enter();
	if (vigil_api__claim(vigil_api__key(VIGIL_FK_UNSAFE_API, fn, (uintptr_t)site))) {
		struct vigil_fbuild f = {0};

		vigil_fb__here(&f, VIGIL_ROLE_CALL);
		vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
		vigil_fb__kv(&f, VIGIL_KEY_REASON, reason);
		if (replacement)
			vigil_fb__kv(&f, VIGIL_KEY_REPLACEMENT, replacement);
		vigil_fb__emit(&f, VIGIL_FK_UNSAFE_API, VIGIL_SEV_WARNING);
	}
	vigil_guard__leave();
	errno = saved;
}

void vigil_api__deprecated(unsigned fn, unsigned replacement, unsigned reason,
			   const void *site)
{
	int saved;

	if (vigil_api__claimed(vigil_api__key(VIGIL_FK_DEPRECATED_API, fn, (uintptr_t)site)))
		return;
	saved = errno; /* a report makes system calls */
	vigil_guard__enter();
	if (vigil_api__claim(vigil_api__key(VIGIL_FK_DEPRECATED_API, fn, (uintptr_t)site))) {
		struct vigil_fbuild f = {0};

		vigil_fb__here(&f, VIGIL_ROLE_CALL);
		vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
		vigil_fb__kv(&f, VIGIL_KEY_REPLACEMENT, replacement);
		if (reason)
			vigil_fb__kv(&f, VIGIL_KEY_REASON, reason);
		vigil_fb__emit(&f, VIGIL_FK_DEPRECATED_API, VIGIL_SEV_INFO);
	}
	vigil_guard__leave();
	errno = saved;
}

/* What scan_format found in a format. */
#define FMT_CONV 1u  /* at least one conversion */
#define FMT_N 2u     /* a %n among them */
#define FMT_LONE 4u  /* one conversion and nothing else: "%s", "%.2Lf" */

/* Flags, widths, precisions, positions and length modifiers are skipped to find each
 * conversion's letter. */
static unsigned scan_format(const char *fmt)
{
	const char *p = fmt, *last = NULL;
	unsigned r = 0, n = 0;

	while ((p = strchr(p, '%'))) {
		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		while (*p && strchr("0123456789$-+ #'I.*hlLqjzZt", *p))
			p++;
		if (!*p)
			break;
		if (*p == 'n')
			r |= FMT_N;
		r |= FMT_CONV;
		n++;
		last = ++p;
	}
	if (n == 1 && fmt[0] == '%' && last && !*last)
		r |= FMT_LONE;
	return r;
}

static unsigned where_of(enum vigil_mem m)
{
	switch (m) {
	case VIGIL_MEM_STACK:
		return VIGIL_WHERE_STACK;
	case VIGIL_MEM_GLOBAL:
		return VIGIL_WHERE_GLOBAL;
	case VIGIL_MEM_HEAP:
		return VIGIL_WHERE_HEAP;
	case VIGIL_MEM_WRITABLE:
		return VIGIL_WHERE_MAPPING;
	case VIGIL_MEM_UNKNOWN:
	case VIGIL_MEM_READONLY:
		break;
	}
	return 0;
}

/* A format with %n in writable memory is an error: whoever can write the format can
 * write through the argument list. Other conversions in a writable format are likely
 * user input (info), except a lone conversion: printf implementations (shell
 * builtins, printf(1), seq -f) parse the user's format themselves and hand the C
 * library one checked conversion at a time, copied out into a buffer. */
/* Formats a fresh read of the maps found read-only (or could not place: more mappings
 * than it holds) though the cache did not know them: a direct-mapped memory of their
 * addresses, so a loop printing with such a literal reads /proc/self/maps once, not on
 * every call. */
#define QUIET_SLOTS 256u
static uintptr_t quiet[QUIET_SLOTS];

static inline unsigned quiet_slot(uintptr_t a)
{
	return (unsigned)((a * 0x9e3779b97f4a7c15ull) >> 56) % QUIET_SLOTS;
}

void vigil_api__format(const char *fmt, unsigned fn)
{
	enum vigil_mem m;
	uint32_t stack;
	uint64_t key;
	unsigned scan;
	int n, saved;

	if (!fmt || vigil_memclass__cached_readonly((uintptr_t)fmt) ||
	    __atomic_load_n(&quiet[quiet_slot((uintptr_t)fmt)], __ATOMIC_RELAXED) == (uintptr_t)fmt)
		return;
	scan = scan_format(fmt);
	n = !!(scan & FMT_N);
	if (!(scan & FMT_CONV) || (!n && (scan & FMT_LONE)))
		return;
	saved = errno; /* a report makes system calls */
	vigil_guard__enter();
	/* Once per stack, not per return address: a logging helper passes every
	 * caller's format to the same vfprintf. */
	stack = vigil_stack__capture();
	key = vigil_api__key(VIGIL_FK_FORMAT_STRING, (unsigned)n, stack);
	if (!vigil_api__claimed(key)) {
		m = vigil_memclass__exact((uintptr_t)fmt);
		if (m == VIGIL_MEM_READONLY || m == VIGIL_MEM_UNKNOWN)
			__atomic_store_n(&quiet[quiet_slot((uintptr_t)fmt)], (uintptr_t)fmt,
					 __ATOMIC_RELAXED);
		if (where_of(m) && vigil_api__claim(key)) {
			struct vigil_fbuild f = {0};

			vigil_fb__stack(&f, stack, (uint32_t)vigil_gettid(), VIGIL_ROLE_CALL);
			vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
			vigil_fb__kv(&f, VIGIL_KEY_REASON, n ? VIGIL_REASON_PERCENT_N
							     : VIGIL_REASON_WRITABLE_FORMAT);
			vigil_fb__kv(&f, VIGIL_KEY_WHERE, where_of(m));
			vigil_fb__kv(&f, VIGIL_KEY_ADDR, (uintptr_t)fmt);
			vigil_api__text(&f, fmt);
			vigil_fb__emit(&f, VIGIL_FK_FORMAT_STRING,
				       n ? VIGIL_SEV_ERROR : VIGIL_SEV_INFO);
		}
	}
	vigil_guard__leave();
	errno = saved;
}

void vigil_api__overlap(unsigned fn, const void *d, size_t dn, const void *s, size_t sn,
			const void *site)
{
	uint64_t key = vigil_api__key(VIGIL_FK_MEMCPY_OVERLAP, fn, (uintptr_t)site);
	int saved;

	if (vigil_api__claimed(key))
		return;
	saved = errno; /* a report makes system calls */
	vigil_guard__enter();
	if (vigil_api__claim(key)) {
		struct vigil_fbuild f = {0};

		vigil_fb__here(&f, VIGIL_ROLE_CALL);
		vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
		vigil_fb__kv(&f, VIGIL_KEY_ADDR, (uintptr_t)d);
		vigil_fb__kv(&f, VIGIL_KEY_OTHER_ADDR, (uintptr_t)s);
		vigil_fb__kv(&f, VIGIL_KEY_ACCESS_SIZE, dn);
		vigil_fb__kv(&f, VIGIL_KEY_SIZE, sn);
		vigil_fb__emit(&f, VIGIL_FK_MEMCPY_OVERLAP, VIGIL_SEV_ERROR);
	}
	vigil_guard__leave();
	errno = saved;
}

/* The nearest saved return address above the stack buffer at d, or 0 when none of
 * the first frames has one there. On x86-64 a frame's return address sits just
 * below its CFA; a buffer of the frame lies below that, so a write that reaches it
 * overflowed the buffer. Remembered per thread for the last site and buffer: a loop
 * that copies into the same local pays one walk. */
static uintptr_t frame_limit(const void *site, uintptr_t d)
{
#ifdef __x86_64__
	static __thread struct {
		const void *site;
		uintptr_t d, limit;
	} last;
	uintptr_t pcs[FRAMES], cfas[FRAMES], limit = 0;
	unsigned n;

	if (last.site == site && last.d == d)
		return last.limit;
	n = vigil_unwind__capture_cfa(pcs, cfas, FRAMES);
	for (unsigned i = 0; i < n; i++) {
		uintptr_t slot = cfas[i] - 8;

		if (slot >= d && vigil_unwind__on_stack(slot) && (!limit || slot < limit))
			limit = slot;
	}
	last.site = site;
	last.d = d;
	last.limit = limit;
	return limit;
#else
	(void)site;
	(void)d;
	return 0;
#endif
}

static void report_unbounded(unsigned fn, uintptr_t a, size_t n, size_t size, unsigned reason,
			     enum vigil_mem m)
{
	struct vigil_fbuild f = {0};

	vigil_fb__here(&f, VIGIL_ROLE_CALL);
	vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
	vigil_fb__kv(&f, VIGIL_KEY_REASON, reason);
	vigil_fb__kv(&f, VIGIL_KEY_WHERE, m == VIGIL_MEM_STACK ? VIGIL_WHERE_STACK
							    : VIGIL_WHERE_GLOBAL);
	vigil_fb__kv(&f, VIGIL_KEY_ADDR, a);
	vigil_fb__kv(&f, VIGIL_KEY_ACCESS_SIZE, n);
	if (size)
		vigil_fb__kv(&f, VIGIL_KEY_DEST_SIZE, size);
	if (fn == VIGIL_FN_SPRINTF || fn == VIGIL_FN_VSPRINTF)
		vigil_fb__kv(&f, VIGIL_KEY_REPLACEMENT, VIGIL_FN_SNPRINTF);
	vigil_fb__emit(&f, VIGIL_FK_UNSAFE_API,
		       reason == VIGIL_REASON_OVERFLOW ? VIGIL_SEV_WARNING : VIGIL_SEV_INFO);
}

void vigil_api__unbounded(unsigned fn, void *d, size_t n, size_t dlen, const void *site)
{
	uintptr_t a = (uintptr_t)d, end = 0;
	uint64_t warn = vigil_api__key(VIGIL_FK_UNSAFE_API, VIGIL_REASON_OVERFLOW, (uintptr_t)site);
	uint64_t info = vigil_api__key(VIGIL_FK_UNSAFE_API, VIGIL_REASON_UNKNOWN_SIZE,
				       (uintptr_t)site);
	enum vigil_mem m;
	size_t size = 0;
	unsigned reason = 0;
	int saved;

	/* FORTIFY knew the size and the write fits: nothing to say, nothing to look up. */
	if (!n || (dlen != (size_t)-1 && n <= dlen) || vigil_api__claimed(warn))
		return;
	saved = errno; /* a report makes system calls */
	vigil_guard__enter();
	m = vigil_memclass__dest(a, &end);
	if (m == VIGIL_MEM_UNKNOWN)
		goto out;
	if (dlen != (size_t)-1) {
		/* FORTIFY knew the size; within it there is nothing to say. */
		if (n > dlen) {
			reason = VIGIL_REASON_OVERFLOW;
			size = dlen;
		}
	} else {
		if (m == VIGIL_MEM_STACK)
			end = frame_limit(site, a);
		if (end > a && a + n > end) {
			reason = VIGIL_REASON_OVERFLOW;
			size = end - a;
		} else if (m == VIGIL_MEM_STACK && !vigil_api__claimed(info)) {
			/* Static storage is where programs keep their own arenas (dash
			 * builds every string in one): without the object's size, a
			 * global destination says nothing until it is overrun. */
			reason = VIGIL_REASON_UNKNOWN_SIZE;
		}
	}
	if (reason && vigil_api__claim(reason == VIGIL_REASON_OVERFLOW ? warn : info))
		report_unbounded(fn, a, n, size, reason, m);
out:
	vigil_guard__leave();
	errno = saved;
}

void vigil_api__shell(unsigned fn, const char *cmd)
{
	uint32_t stack;
	int saved;

	saved = errno; /* a report makes system calls */
	vigil_guard__enter();
	stack = vigil_stack__capture();
	if (vigil_api__claim(vigil_api__key(VIGIL_FK_SHELL_EXEC, fn, stack))) {
		struct vigil_fbuild f = {0};

		vigil_fb__stack(&f, stack, (uint32_t)vigil_gettid(), VIGIL_ROLE_CALL);
		vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
		vigil_api__text(&f, cmd ? cmd : "");
		vigil_fb__emit(&f, VIGIL_FK_SHELL_EXEC, VIGIL_SEV_INFO);
	}
	vigil_guard__leave();
	errno = saved;
}
