// SPDX-License-Identifier: MIT
/* Bug: a C11 thread joined twice with thrd_join (which glibc runs on its pthread
 * join without going through pthread_join's PLT entry). The second join is
 * reported before the real call; the program still gets thrd_error from it. */
// expect: thread-leak function=main line=27 role=call severity=warning details.reason="joined twice"
// expect: thread-leak function=main line=26 role=other-call details.reason="joined twice"
// expect: thread-leak function=main line=24 role=thread-create details.reason="joined twice"
// expect-none: thread-leak details.reason="neither joined nor detached"
// expect-exit: 0
// expect-stdout: first 0 res 7, second 2
#include <stdio.h>
#include <threads.h>

static int seven(void *arg)
{
	return *(int *)arg;
}

int main(void)
{
	int v = 7, res = 0, first, second;
	thrd_t th;

	if (thrd_create(&th, seven, &v) != thrd_success)
		return 1;
	first = thrd_join(th, &res);
	second = thrd_join(th, NULL);
	printf("first %d res %d, second %d\n", first, res, second);
	return 0;
}
