// SPDX-License-Identifier: MIT
/* Crash by stack overflow: unbounded recursion runs off the end of the main stack.
 * The fault handler can only run on an alternate signal stack, so this checks vigil
 * installed one; the report must name the recursing function and keep 128 + 11. */
// expect: crash function=depth_first details.signal=11
// expect-exit: 139
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* The bug: a limit far beyond what the stack can hold. */
static unsigned long max_depth = ULONG_MAX;

struct frame_pad {
	char name[256];
	unsigned long depth;
};

static unsigned long depth_first(unsigned long depth, const char *parent)
{
	struct frame_pad pad;

	snprintf(pad.name, sizeof(pad.name), "%.200s/%lu", parent, depth % 10);
	pad.depth = depth;
	if (depth == max_depth)
		return 0;
	return depth_first(depth + 1, pad.name) + strlen(pad.name);
}

int main(void)
{
	printf("%lu\n", depth_first(0, "root"));
	return 0;
}
