// SPDX-License-Identifier: MIT
/* Heap overflow found by the redzone check at free: an off-by-one loop (i <= n)
 * writes one element past a window of doubles. Plain stores, no str/mem call, so only
 * the redzone can see it; the report names the free, the size and the offset. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: heap-overflow function=drop_window line=39 details.detected_by="redzone, checked at free" details.size=80 details.offset=80
// expect: heap-overflow role=allocation function=make_window line=19
// expect-none: use-after-free
// expect-none: crash
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

static double *make_window(size_t n)
{
	return malloc(n * sizeof(double));
}

static void fill_window(double *w, size_t n)
{
	for (size_t i = 0; i <= n; i++) /* the bug: <= */
		w[i] = (double)i * 0.5;
}

static double sum_window(const double *w, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += w[i];
	return s;
}

static void drop_window(double *w)
{
	free(w);
}

int main(void)
{
	double *w = make_window(10);

	if (!w)
		return 1;
	fill_window(w, 10);
	printf("window sum %.1f\n", sum_window(w, 10));
	drop_window(w);
	return 0;
}
