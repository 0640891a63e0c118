// SPDX-License-Identifier: MIT
/* Clean control: C11 threads. A producer/consumer over mtx_t and cnd_t, a recursive
 * mtx_t relocked by its holder, two plain mtx_t always taken in the same order,
 * thrd_join of every thread, everything destroyed. */
// expect-none: lock-order-inversion
// expect-none: double-lock
// expect-none: cond-wait-not-owner
// expect-none: destroy-locked
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: got 10000 nested 2000
#include <stdio.h>
#include <threads.h>

#define ITEMS 10000

static mtx_t lock, nest, first, second;
static cnd_t changed;
static int slot, full, got, nested;

static int producer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITEMS; i++) {
		mtx_lock(&lock);
		while (full)
			cnd_wait(&changed, &lock);
		slot = i;
		full = 1;
		cnd_signal(&changed);
		mtx_unlock(&lock);
	}
	return 0;
}

static int consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITEMS; i++) {
		mtx_lock(&lock);
		while (!full)
			cnd_wait(&changed, &lock);
		got++;
		full = 0;
		cnd_signal(&changed);
		mtx_unlock(&lock);
	}
	return 0;
}

static int nester(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		mtx_lock(&first);
		mtx_lock(&nest);
		mtx_lock(&second);
		mtx_lock(&nest);
		nested++;
		mtx_unlock(&nest);
		mtx_unlock(&second);
		mtx_unlock(&nest);
		mtx_unlock(&first);
	}
	return 0;
}

int main(void)
{
	thrd_t p, c, n1, n2;

	if (mtx_init(&lock, mtx_plain) || mtx_init(&nest, mtx_plain | mtx_recursive) ||
	    mtx_init(&first, mtx_plain) || mtx_init(&second, mtx_plain) || cnd_init(&changed))
		return 1;
	if (thrd_create(&p, producer, NULL) || thrd_create(&c, consumer, NULL) ||
	    thrd_create(&n1, nester, NULL) || thrd_create(&n2, nester, NULL))
		return 1;
	thrd_join(p, NULL);
	thrd_join(c, NULL);
	thrd_join(n1, NULL);
	thrd_join(n2, NULL);
	cnd_destroy(&changed);
	mtx_destroy(&second);
	mtx_destroy(&first);
	mtx_destroy(&nest);
	mtx_destroy(&lock);
	printf("got %d nested %d\n", got, nested);
	return 0;
}
