// SPDX-License-Identifier: MIT
/* Clean control: C11 threads joined (their int results come back through the
 * interposed thrd_create and thrd_join intact, thrd_exit's too), detached with
 * thrd_detach, and created and joined in rounds that reuse descriptors. Nothing is
 * reported. */
// variant: heap --checks heap
// expect-none: thread-leak
// expect-none: crash
// expect-exit: 0
// expect-stdout: results -1 2147483647 42
// expect-stdout: rounds 200
#include <limits.h>
#include <stdio.h>
#include <threads.h>

static int give(void *arg)
{
	return *(int *)arg;
}

static int leave(void *arg)
{
	thrd_exit(*(int *)arg);
}

int main(void)
{
	int vals[3] = {-1, INT_MAX, 42}, res[3] = {0, 0, 0}, rounds = 0;
	thrd_t th[3], d;

	for (int i = 0; i < 3; i++)
		if (thrd_create(&th[i], i == 2 ? leave : give, &vals[i]) != thrd_success)
			return 1;
	for (int i = 0; i < 3; i++)
		if (thrd_join(th[i], &res[i]) != thrd_success)
			return 1;
	printf("results %d %d %d\n", res[0], res[1], res[2]);
	if (thrd_create(&d, give, &vals[2]) != thrd_success || thrd_detach(d) != thrd_success)
		return 1;
	for (int i = 0; i < 200; i++) {
		thrd_t t;

		if (thrd_create(&t, give, &vals[2]) == thrd_success && thrd_join(t, NULL) == thrd_success)
			rounds++;
	}
	printf("rounds %d\n", rounds);
	return 0;
}
