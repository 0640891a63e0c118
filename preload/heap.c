// SPDX-License-Identifier: MIT
/* Heap tracking state and the per-process heap statistics record. */
#include "emit.h"
#include "heap.h"
#include "ialloc.h"
#include "rawlog.h"
#include "rt.h"
#include "stack.h"
#include "vigil/finding.h"

struct vigil_heaptab *vigil_heap;

static unsigned long nallocs, nfrees;

int vigil_heap__init(void)
{
	vigil_heap = vigil_heaptab__new(vigil_rt.opt.max_blocks);
	if (!vigil_heap)
		return -ENOMEM;
	return vigil_stack__init(vigil_rt.opt.max_stacks);
}

void vigil_heap__track(void *p, size_t size, unsigned kind)
{
	struct vigil_block b = {
		.ptr = (uintptr_t)p,
		.size = size,
		.kind = (uint8_t)kind,
		.tid = (uint32_t)vigil_gettid(),
	};

	b.stack = vigil_stack__capture();
	vigil_heaptab__insert(vigil_heap, &b);
	__atomic_add_fetch(&nallocs, 1, __ATOMIC_RELAXED);
}

int vigil_heap__untrack(void *p, struct vigil_block *out)
{
	int r = vigil_heaptab__remove(vigil_heap, (uintptr_t)p, out);

	if (!r)
		__atomic_add_fetch(&nfrees, 1, __ATOMIC_RELAXED);
	return r;
}

void vigil_heap__write_stats(void)
{
	struct vigil_heap_stats hs;
	struct vigil_rec_kv kv[11];
	uint64_t stopped, unstopped, scan_ns;
	char rec[sizeof(struct vigil_rec_stats) + sizeof(kv)];
	unsigned n = 0;
	size_t sz;

	vigil_heaptab__stats(vigil_heap, &hs);
#define KV(k, v) kv[n++] = (struct vigil_rec_kv){.key = (k), .value = (v)}
	KV(VIGIL_KEY_ALLOCS, __atomic_load_n(&nallocs, __ATOMIC_RELAXED));
	KV(VIGIL_KEY_FREES, __atomic_load_n(&nfrees, __ATOMIC_RELAXED));
	KV(VIGIL_KEY_LIVE_BYTES, hs.live_bytes);
	KV(VIGIL_KEY_STACKS, vigil_stacktab__count(vigil_stacks));
	KV(VIGIL_KEY_STACK_OVERFLOW, vigil_stacktab__overflow(vigil_stacks));
	KV(VIGIL_KEY_HEAP_OVERFLOW, hs.overflow);
	KV(VIGIL_KEY_FINDINGS_DROPPED, vigil_emit__dropped());
	KV(VIGIL_KEY_TOOL_BYTES, vigil_ialloc__mapped_bytes());
	vigil_leak__stats(&stopped, &unstopped, &scan_ns);
	if (scan_ns) {
		KV(VIGIL_KEY_THREADS_STOPPED, stopped);
		KV(VIGIL_KEY_THREADS_UNSTOPPED, unstopped);
		KV(VIGIL_KEY_SCAN_NS, scan_ns);
	}
#undef KV
	sz = vigil_rawlog__enc_stats(rec, sizeof(rec), (uint32_t)vigil_gettid(), vigil_now_ns(),
				     kv, n);
	vigil_rawlog__append(rec, sz);
}
