// SPDX-License-Identifier: MIT
/* Mismatched release: an object made with new is released with free() by C-style
 * cleanup code. alloc_op and free_op name the two operators. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: mismatched-free function=c_cleanup line=27 details.alloc_op="operator new" details.free_op=free details.size=32
// expect: mismatched-free role=allocation function=make_point line=22
// expect-none: invalid-free
// expect-none: crash
// expect-exit: 0
// expect-exit[abort]: 134
#include <cstdio>
#include <cstdlib>

struct Point {
	double x, y, z, w;
};

static Point *make_point()
{
	return new Point{1, 2, 3, 4};
}

static void c_cleanup(void *p)
{
	std::free(p);
}

int main()
{
	Point *p = make_point();

	std::printf("point %.0f\n", p->x + p->y + p->z + p->w);
	c_cleanup(p); /* the bug: new needs delete */
	return 0;
}
