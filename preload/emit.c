// SPDX-License-Identifier: MIT
/* Finding emission: the only path from a check to the raw log. */
#include "emit.h"
#include "lock.h"
#include "rawlog.h"
#include "rt.h"
#include "stack.h"

static unsigned emitted;
static unsigned long dropped;
/* Serialises "write the stacks, then the finding", so a finding never lands in the
 * log before a stack another thread claimed but has not written yet. The owner is
 * remembered so a crash inside an emit (the signal handler emits too) does not
 * wait for itself. */
static vigil_lock_t lock;
static pid_t owner;

void vigil_emit__finding(unsigned fkind, unsigned severity, uint64_t count,
			 const struct vigil_rec_fstack *stacks, unsigned nstacks,
			 const struct vigil_rec_kv *kv, unsigned nkv)
{
	char rec[sizeof(struct vigil_rec_finding) + 255 * sizeof(struct vigil_rec_fstack) +
		 255 * sizeof(struct vigil_rec_kv)];
	size_t sz;

	if (__atomic_add_fetch(&emitted, 1, __ATOMIC_RELAXED) > vigil_rt.opt.max_findings) {
		__atomic_add_fetch(&dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	int nested = __atomic_load_n(&owner, __ATOMIC_RELAXED) == vigil_gettid();

	if (!nested) {
		vigil_lock__acquire(&lock);
		__atomic_store_n(&owner, vigil_gettid(), __ATOMIC_RELAXED);
	}
	for (unsigned i = 0; i < nstacks; i++)
		if (stacks[i].stack_id && stacks[i].stack_id <= 0x7fffffffu)
			vigil_stack__write(stacks[i].stack_id);
	sz = vigil_rawlog__enc_finding(rec, sizeof(rec), (uint32_t)vigil_gettid(), vigil_now_ns(),
				       fkind, severity, count, stacks, nstacks, kv, nkv);
	if (sz)
		vigil_rawlog__append(rec, sz);
	if (!nested) {
		__atomic_store_n(&owner, 0, __ATOMIC_RELAXED);
		vigil_lock__release(&lock);
	}
}

void vigil_emit__reset_after_fork(void)
{
	owner = 0;
	vigil_lock__reset(&lock);
}

unsigned long vigil_emit__dropped(void)
{
	return __atomic_load_n(&dropped, __ATOMIC_RELAXED);
}
