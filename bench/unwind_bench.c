// SPDX-License-Identifier: MIT
/* Time per stack capture at call depths 5, 20 and 50: libunwind's unw_backtrace (with
 * its per-thread cache, its fastest setting) against vigil_unwind__capture, which
 * replaced it in the preload. Prints one table; ns per capture, median of several
 * runs. */
#define _GNU_SOURCE
/* The bench rule compiles one file without -lunwind: preload/unwind.c (with the
 * allocator its memo comes from and the maps reader its stack bounds come from) is
 * built in, and unw_backtrace is found at run time. The header is only for
 * UNW_CACHE_PER_THREAD. */
#include "../preload/ialloc.c"
#include "../preload/maps.c"
#include "../preload/unwind.c"

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RUNS 9
#define CAPTURES 100000
#define MAX_PCS 72 /* VIGIL_STACK_DEPTH_MAX + 8, what the preload asks for */

static int (*real_unw_backtrace)(void **, int);
static volatile uintptr_t sink;

static int load_libunwind(void)
{
	int (*set_policy)(void *, int);
	void *h = dlopen("libunwind.so.8", RTLD_NOW);
	void *as;

	if (!h)
		return -ENOENT;
	real_unw_backtrace = (int (*)(void **, int))dlsym(h, "unw_backtrace");
	set_policy = (int (*)(void *, int))dlsym(h, "_ULx86_64_set_caching_policy");
	as = dlsym(h, "_ULx86_64_local_addr_space");
	if (!real_unw_backtrace || !set_policy || !as)
		return -ENOENT;
	set_policy(*(void **)as, UNW_CACHE_PER_THREAD);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum method {
	M_UNW,
	M_VIGIL,      /* the same stack again: the previous walk is verified */
	M_VIGIL_WALK, /* as if the stack had changed: every frame from the rule cache */
	M_COUNT,
};

static __attribute__((noinline)) double time_captures(enum method m, unsigned *frames)
{
	uintptr_t pcs[MAX_PCS];
	uint64_t t0 = now_ns();
	unsigned n = 0;

	for (unsigned i = 0; i < CAPTURES; i++) {
		switch (m) {
		case M_UNW:
			n = (unsigned)real_unw_backtrace((void **)pcs, MAX_PCS);
			break;
		case M_VIGIL:
			n = vigil_unwind__capture(pcs, MAX_PCS, 0);
			break;
		case M_VIGIL_WALK:
			if (tmemo) {
				tmemo->m[0].gen = 0;
				tmemo->m[1].gen = 0;
			}
			n = vigil_unwind__capture(pcs, MAX_PCS, 0);
			break;
		case M_COUNT:
			break;
		}
		sink += pcs[n - 1];
	}
	*frames = n;
	return (double)(now_ns() - t0) / CAPTURES;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Runs are interleaved so both methods see the same machine state. */
static __attribute__((noinline)) void measure(double *med, unsigned *frames)
{
	double t[M_COUNT][RUNS];

	for (unsigned r = 0; r < RUNS; r++)
		for (unsigned m = 0; m < M_COUNT; m++)
			t[m][r] = time_captures((enum method)m, &frames[m]);
	for (unsigned m = 0; m < M_COUNT; m++) {
		qsort(t[m], RUNS, sizeof(double), cmp_double);
		med[m] = t[m][RUNS / 2];
	}
}

static __attribute__((noinline)) void descend(unsigned depth, double *med, unsigned *frames)
{
	if (depth > 1)
		descend(depth - 1, med, frames);
	else
		measure(med, frames);
	sink++; /* no tail call */
}

int main(void)
{
	static const unsigned depths[] = {5, 20, 50};

	if (load_libunwind()) {
		fprintf(stderr, "vigil: error: cannot load 'libunwind.so.8': %s\n", dlerror());
		return 1;
	}
	printf("| call depth | frames | unw_backtrace (ns) | vigil, same stack (ns) | vigil, changed stack (ns) | speed-up same / changed |\n");
	printf("|---:|---:|---:|---:|---:|---:|\n");
	for (unsigned i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		double med[M_COUNT];
		unsigned frames[M_COUNT];

		descend(depths[i], med, frames);
		if (frames[0] != frames[1] || frames[0] != frames[2]) {
			fprintf(stderr, "vigil: error: depth %u: frame counts differ (%u, %u, %u)\n",
				depths[i], frames[0], frames[1], frames[2]);
			return 1;
		}
		printf("| %u | %u | %.1f | %.1f | %.1f | %.1fx / %.1fx |\n", depths[i], frames[0],
		       med[0], med[1], med[2], med[0] / med[1], med[0] / med[2]);
	}
	return 0;
}
