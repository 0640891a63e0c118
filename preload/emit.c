// SPDX-License-Identifier: MIT
/* Finding emission: the only path from a check to the raw log. */
#include "emit.h"
#include "rawlog.h"
#include "rt.h"
#include "stack.h"

static unsigned emitted;
static unsigned long dropped;

void vigil_emit__finding(unsigned fkind, unsigned severity, uint64_t count,
			 const struct vigil_rec_fstack *stacks, unsigned nstacks,
			 const struct vigil_rec_kv *kv, unsigned nkv)
{
	char rec[sizeof(struct vigil_rec_finding) + 16 * sizeof(struct vigil_rec_fstack) +
		 32 * sizeof(struct vigil_rec_kv)];
	size_t sz;

	if (__atomic_add_fetch(&emitted, 1, __ATOMIC_RELAXED) > vigil_rt.opt.max_findings) {
		__atomic_add_fetch(&dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	for (unsigned i = 0; i < nstacks; i++)
		if (stacks[i].stack_id && stacks[i].stack_id <= 0x7fffffffu)
			vigil_stack__write(stacks[i].stack_id);
	sz = vigil_rawlog__enc_finding(rec, sizeof(rec), (uint32_t)vigil_gettid(), vigil_now_ns(),
				       fkind, severity, count, stacks, nstacks, kv, nkv);
	if (sz)
		vigil_rawlog__append(rec, sz);
}

unsigned long vigil_emit__dropped(void)
{
	return __atomic_load_n(&dropped, __ATOMIC_RELAXED);
}
