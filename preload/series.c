// SPDX-License-Identifier: MIT
/* Samples of live heap bytes and open descriptors, every growth_interval_ms. They ride
 * on the growth ticks (allocations, descriptor creations) rather than on a timer: a
 * thread or a signal of vigil's own would change the host. The period doubles every
 * VIGIL_SAMPLE_BATCH samples, so a service that runs for weeks writes a few thousand
 * records, not millions; the reader thins them to a chart's width. */
#include <sched.h>

#include "fds.h"
#include "heap.h"
#include "heaptab.h"
#include "rawlog.h"
#include "rt.h"
#include "series.h"
#include "vigil/finding.h"

static uint64_t start_ns, period_ns, next_due;
static unsigned written;
static int busy;

void vigil_series__start(void)
{
	uint64_t now = vigil_now_ns();

	start_ns = now;
	period_ns = (uint64_t)vigil_rt.opt.growth_interval_ms * 1000000;
	written = 0;
	__atomic_store_n(&next_due, now, __ATOMIC_RELEASE);
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

static void write_sample(uint64_t now)
{
	char rec[sizeof(struct vigil_rec_sample)];
	uint64_t heap = VIGIL_SAMPLE_NONE, fds = VIGIL_SAMPLE_NONE;
	size_t sz;

	if (vigil_rt.opt.checks & (1u << VIGIL_CHECK_HEAP)) {
		struct vigil_heap_stats hs;

		vigil_heaptab__stats(vigil_heap, &hs);
		heap = hs.live_bytes;
	}
	if (vigil_rt.opt.checks & (1u << VIGIL_CHECK_FDS))
		fds = vigil_fds__open();
	sz = vigil_rawlog__enc_sample(rec, sizeof(rec), (uint32_t)vigil_gettid(), now,
				      (now - start_ns) / 1000000, heap, fds);
	vigil_rawlog__append(rec, sz);
}

void vigil_series__tick(uint64_t now)
{
	if (!period_ns || now < __atomic_load_n(&next_due, __ATOMIC_ACQUIRE) ||
	    __atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		return;
	vigil_guard__enter();
	write_sample(now);
	vigil_guard__leave();
	if (++written % VIGIL_SAMPLE_BATCH == 0)
		period_ns *= 2;
	__atomic_store_n(&next_due, now + period_ns, __ATOMIC_RELEASE);
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
}

void vigil_series__final(void)
{
	/* Wait out a sample another thread may be writing; busy stays set after. */
	while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		sched_yield();
	if (period_ns)
		write_sample(vigil_now_ns());
}
