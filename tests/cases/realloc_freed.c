// SPDX-License-Identifier: MIT
/* realloc of a freed block: a list is reset (its array freed) and then grown again
 * from the stale pointer. vigil reports it as a double free whose free_op is realloc,
 * at the realloc, with the earlier free and the allocation. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: double-free function=list_push line=40 details.free_op=realloc details.alloc_op=malloc details.size=32
// expect: double-free role=first-free function=list_reset line=33
// expect: double-free role=allocation function=list_init line=25
// expect-none: crash
// expect-stdout[base,canary]: 9 items
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

struct list {
	int *items;
	size_t n, cap;
};

static int list_init(struct list *l)
{
	l->items = malloc(8 * sizeof(int));
	l->n = 0;
	l->cap = 8;
	return l->items ? 0 : -1;
}

static void list_reset(struct list *l)
{
	free(l->items);
	l->n = 0; /* the bug: items and cap are left as they were */
}

static int list_push(struct list *l, int v)
{
	if (l->n == l->cap || l->n == 0) {
		int *grown = realloc(l->items, 2 * l->cap * sizeof(int));

		if (!grown)
			return -1;
		l->items = grown;
		l->cap *= 2;
	}
	l->items[l->n++] = v;
	return 0;
}

int main(void)
{
	struct list l;

	if (list_init(&l))
		return 1;
	for (int i = 0; i < 5; i++)
		l.items[l.n++] = i;
	list_reset(&l);
	for (int i = 0; i < 9; i++)
		if (list_push(&l, i))
			return 1;
	printf("%zu items\n", l.n);
	free(l.items);
	return 0;
}
