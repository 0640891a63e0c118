// SPDX-License-Identifier: MIT
/* Invalid free of memory the allocator never returned: a buffer pool carves buffers
 * out of its own mmap'd region, and one buffer is released with free() instead of
 * back to the pool. details.where: memory the allocator never returned. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: invalid-free function=buffer_done line=38 details.where="memory the allocator never returned" details.free_op=free
// expect-none: crash
// expect-stdout[base,canary]: pool released
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define POOL_SIZE (1 << 20)
#define BUF_SIZE 4096

struct pool {
	char *base;
	size_t used;
};

static void *pool_get(struct pool *p)
{
	void *b;

	if (p->used + BUF_SIZE > POOL_SIZE)
		return NULL;
	b = p->base + p->used;
	p->used += BUF_SIZE;
	return b;
}

static void buffer_done(char *buf)
{
	free(buf);
}

int main(void)
{
	struct pool p = {0};
	char *buf;

	p.base = mmap(NULL, POOL_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p.base == MAP_FAILED)
		return 1;
	pool_get(&p);
	buf = pool_get(&p);
	buf[0] = 'x';
	buffer_done(buf); /* the bug: belongs to the pool */
	munmap(p.base, POOL_SIZE);
	printf("pool released\n");
	return 0;
}
