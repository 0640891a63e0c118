/* SPDX-License-Identifier: MIT */
/* Builds one finding on the caller's stack (no allocation) and writes it: the stacks
 * it refers to by id, then its details. What does not fit is left out, never
 * written past the arrays. */
#ifndef VIGIL_FBUILD_H
#define VIGIL_FBUILD_H

#include <stdint.h>

#include "emit.h"
#include "rt.h"
#include "stack.h"
#include "vigil/event.h"

#define VIGIL_FB_STACKS 24
#define VIGIL_FB_KV 16

struct vigil_fbuild {
	struct vigil_rec_fstack st[VIGIL_FB_STACKS];
	struct vigil_rec_kv kv[VIGIL_FB_KV];
	unsigned ns, nkv;
};

static inline void vigil_fb__stack(struct vigil_fbuild *f, uint32_t id, uint32_t tid,
				   unsigned role)
{
	if (f->ns < VIGIL_FB_STACKS)
		f->st[f->ns++] = (struct vigil_rec_fstack){
			.stack_id = id, .tid = tid, .role = (uint16_t)role};
}

/* The calling thread's stack now, vigil's frames left out. */
static inline void vigil_fb__here(struct vigil_fbuild *f, unsigned role)
{
	vigil_fb__stack(f, vigil_stack__capture(), (uint32_t)vigil_gettid(), role);
}

static inline void vigil_fb__kv(struct vigil_fbuild *f, unsigned key, uint64_t v)
{
	if (f->nkv < VIGIL_FB_KV)
		f->kv[f->nkv++] = (struct vigil_rec_kv){.key = (uint16_t)key, .value = v};
}

static inline void vigil_fb__emit(const struct vigil_fbuild *f, unsigned kind, unsigned sev)
{
	vigil_emit__finding(kind, sev, 1, f->st, f->ns, f->kv, f->nkv);
}

#endif
