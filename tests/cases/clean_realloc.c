// SPDX-License-Identifier: MIT
/* Clean control for the whole allocator surface: realloc chains that grow, shrink,
 * start from NULL and end at size 0, calloc, posix_memalign, aligned_alloc, memalign,
 * valloc, pvalloc, reallocarray and libc functions that allocate for the caller.
 * Everything is freed; results are checked so a wrapper that breaks the semantics
 * fails the run (exit 1) instead of passing silently. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// expect-none: leak
// expect-none: crash
// expect-none: * severity=error
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "clean_realloc: %s\n", what);
		failures++;
	}
}

static int aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

static void realloc_chains(void)
{
	char *p = NULL;
	size_t n;

	for (n = 1; n <= (1u << 20); n *= 2) {
		char *q = realloc(p, n);

		check(q != NULL, "realloc grow");
		if (!q)
			break;
		q[n - 1] = 'x';
		if (n > 1)
			check(q[n / 2 - 1] == 'x', "realloc keeps contents");
		p = q;
	}
	for (n = 1u << 19; n >= 16; n /= 4) {
		char *q = realloc(p, n);

		check(q != NULL, "realloc shrink");
		if (!q)
			break;
		p = q;
	}
	/* Size 0 frees in glibc and returns NULL; freeing the result stays correct if an
	 * allocator returns a minimal block instead. */
	free(realloc(p, 0));
}

static void zeroed_and_aligned(void)
{
	unsigned char *c = calloc(1000, 8);
	void *pm = NULL, *pm2 = NULL, *aa, *ma, *va, *pv;
	void *bad = &failures;
	volatile size_t huge = SIZE_MAX / 2;
	int *ra;

	check(c != NULL, "calloc");
	for (size_t i = 0; c && i < 8000; i++)
		if (c[i]) {
			check(0, "calloc zeroed");
			break;
		}
	check(posix_memalign(&pm, 64, 1000) == 0 && aligned(pm, 64), "posix_memalign 64");
	check(posix_memalign(&pm2, 4096, 10000) == 0 && aligned(pm2, 4096),
	      "posix_memalign 4096");
	check(posix_memalign(&bad, 3, 16) == EINVAL && bad == (void *)&failures,
	      "posix_memalign EINVAL leaves memptr alone");
	aa = aligned_alloc(256, 1024);
	check(aa && aligned(aa, 256), "aligned_alloc");
	ma = memalign(128, 100);
	check(ma && aligned(ma, 128), "memalign");
	va = valloc(5000);
	check(va && aligned(va, (size_t)sysconf(_SC_PAGESIZE)), "valloc");
	pv = pvalloc(100);
	check(pv && aligned(pv, (size_t)sysconf(_SC_PAGESIZE)), "pvalloc");
	check(malloc_usable_size(ma) >= 100, "malloc_usable_size");
	ra = reallocarray(NULL, 100, sizeof(int));
	check(ra != NULL, "reallocarray");
	if (ra) {
		int *rb;

		ra[99] = 99;
		rb = reallocarray(ra, 1000, sizeof(int));
		check(rb && rb[99] == 99, "reallocarray grow");
		if (rb)
			ra = rb;
	}
	if (ra) {
		int *rc;

		errno = 0;
		rc = reallocarray(ra, huge, 4);
		check(rc == NULL && errno == ENOMEM, "reallocarray overflow");
		if (rc)
			ra = rc;
	}
	free(c);
	free(pm);
	free(pm2);
	free(aa);
	free(ma);
	free(va);
	free(pv);
	free(ra);
}

static void libc_allocations(void)
{
	char *s = strdup("duplicated string");
	char *sn = strndup("truncated string", 9);
	char *as = NULL;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	char *mem = NULL;
	size_t memlen = 0;

	check(s && !strcmp(s, "duplicated string"), "strdup");
	check(sn && !strcmp(sn, "truncated"), "strndup");
	check(asprintf(&as, "%s-%d", "asprintf", 42) > 0 && !strcmp(as, "asprintf-42"),
	      "asprintf");
	f = fmemopen((void *)"first line\nsecond line\n", 23, "r");
	check(f != NULL, "fmemopen");
	while (f && getline(&line, &cap, f) > 0)
		;
	if (f)
		fclose(f);
	f = open_memstream(&mem, &memlen);
	check(f != NULL, "open_memstream");
	if (f) {
		for (int i = 0; i < 1000; i++)
			fprintf(f, "%d,", i);
		fclose(f);
	}
	check(memlen > 1000, "open_memstream length");
	free(s);
	free(sn);
	free(as);
	free(line);
	free(mem);
}

int main(void)
{
	realloc_chains();
	zeroed_and_aligned();
	libc_allocations();
	printf("allocator surface: %d failures\n", failures);
	return failures ? 1 : 0;
}
