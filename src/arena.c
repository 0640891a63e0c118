// SPDX-License-Identifier: MIT
/* Bump allocator: a list of chunks, large requests get a chunk of their own. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define CHUNK_SIZE (64 * 1024)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

struct vigil_arena {
	struct chunk *head;
};

struct vigil_arena *vigil_arena__new(void)
{
	return calloc(1, sizeof(struct vigil_arena));
}

void vigil_arena__free(struct vigil_arena *a)
{
	struct chunk *c, *n;

	if (!a)
		return;
	for (c = a->head; c; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

void *vigil_arena__alloc(struct vigil_arena *a, size_t size)
{
	struct chunk *c = a->head;
	size_t need = (size + 15) & ~(size_t)15;
	void *p;

	if (need < size) {
		errno = ENOMEM;
		return NULL;
	}
	if (!c || c->cap - c->used < need) {
		size_t cap = need > CHUNK_SIZE / 4 ? need : CHUNK_SIZE;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		/* A big private chunk goes second so the current one keeps filling. */
		if (cap != CHUNK_SIZE && a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	c->used += need;
	memset(p, 0, size);
	return p;
}

char *vigil_arena__strdup(struct vigil_arena *a, const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = vigil_arena__alloc(a, n);
	if (p)
		memcpy(p, s, n);
	return p;
}
