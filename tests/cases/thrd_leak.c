// SPDX-License-Identifier: MIT
/* Bug: a C11 thread made with thrd_create is never joined nor detached (glibc's
 * thrd_create does not go through pthread_create's PLT entry: it is followed on its
 * own). The C11 threads of the other site are joined and not reported. */
// expect: thread-leak function=start_flusher line=36 role=thread-create severity=warning details.reason="neither joined nor detached" details.threads=1
// expect-none: thread-leak line=49
// expect-none: thread-leak details.reason="joined twice"
// expect-exit: 0
// expect-stdout: sum 6, flusher started
#include <stdio.h>
#include <threads.h>

static mtx_t lock;
static int flushes;

static int flusher(void *arg)
{
	(void)arg;
	mtx_lock(&lock);
	flushes++;
	mtx_unlock(&lock);
	return 0;
}

static int square(void *arg)
{
	int v = *(int *)arg;

	return v * v;
}

static int start_flusher(void)
{
	thrd_t th;

	return thrd_create(&th, flusher, NULL) == thrd_success ? 0 : -1;
}

int main(void)
{
	int vals[3] = {1, 1, 2};
	thrd_t th[3];
	int sum = 0;

	mtx_init(&lock, mtx_plain);
	if (start_flusher())
		return 1;
	for (int i = 0; i < 3; i++)
		if (thrd_create(&th[i], square, &vals[i]) != thrd_success)
			return 1;
	for (int i = 0; i < 3; i++) {
		int res = 0;

		if (thrd_join(th[i], &res) == thrd_success)
			sum += res;
	}
	printf("sum %d, flusher started\n", sum);
	return 0;
}
