// SPDX-License-Identifier: MIT
/* Mismatched release: an array made with new[] is released with scalar delete. The
 * element type is trivial, so the pointer is the block's start and the only error is
 * the operator pair. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: mismatched-free function=drop_samples line=23 details.alloc_op="operator new[]" details.free_op="operator delete" details.size=256
// expect: mismatched-free role=allocation function=make_samples line=18
// expect-none: invalid-free
// expect-none: crash
// expect-exit: 0
// expect-exit[abort]: 134
#include <cstdio>

static int *make_samples(int n)
{
	return new int[n];
}

static void drop_samples(int *s)
{
	delete s;
}

int main()
{
	int *s = make_samples(64);
	long sum = 0;

	for (int i = 0; i < 64; i++)
		s[i] = i;
	for (int i = 0; i < 64; i++)
		sum += s[i];
	std::printf("sum %ld\n", sum);
	drop_samples(s); /* the bug: new[] needs delete[] */
	return 0;
}
