// SPDX-License-Identifier: MIT
/* Broken pipes: EPIPE counts per writing stack and the SIGPIPE death. A server that
 * keeps writing to clients that went away shows here as one or two sites with large
 * counts; the table is small and lock-free, and only the EPIPE path ever touches it. */
#include <string.h>

#include "pipes.h"
#include "rawlog.h"
#include "rt.h"
#include "stack.h"
#include "vigil/options.h"

#define SITES 16 /* writing stacks counted apart; EPIPEs at others are overflow */

struct site {
	uint64_t key;     /* stack id + 1, so that "no stack" is a site too; 0: free */
	uint64_t count;
	uint64_t written; /* the count in the log's latest record of the site */
};

static struct site sites[SITES];
static uint64_t epipes, overflow;
static int died;

static struct site *site_of(uint32_t stack)
{
	uint64_t key = (uint64_t)stack + 1;

	for (unsigned i = 0; i < SITES; i++) {
		uint64_t k = __atomic_load_n(&sites[i].key, __ATOMIC_ACQUIRE);

		if (k == key)
			return &sites[i];
		if (k)
			continue;
		/* Claimed here, or by another thread for this same stack meanwhile. */
		if (__atomic_compare_exchange_n(&sites[i].key, &k, key, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE) ||
		    k == key)
			return &sites[i];
	}
	return NULL;
}

static void write_site(unsigned key, unsigned flags, uint32_t stack, uint64_t count)
{
	char rec[sizeof(struct vigil_rec_stat_site)];
	size_t sz = vigil_rawlog__enc_stat_site(rec, sizeof(rec), (uint32_t)vigil_gettid(),
						vigil_now_ns(), key, flags, stack, count);

	vigil_rawlog__append(rec, sz);
}

/* Written at 1, 2, 4, 8...: a process killed outright leaves at least half of each
 * count in its log, for a few records per site. */
void vigil_pipes__epipe(uint32_t stack)
{
	struct site *s = site_of(stack);
	uint64_t n;

	__atomic_add_fetch(&epipes, 1, __ATOMIC_RELAXED);
	if (!s) {
		__atomic_add_fetch(&overflow, 1, __ATOMIC_RELAXED);
		return;
	}
	n = __atomic_add_fetch(&s->count, 1, __ATOMIC_RELAXED);
	if (n & (n - 1))
		return;
	vigil_stack__write(stack);
	write_site(VIGIL_KEY_EPIPE, 0, stack, n);
	__atomic_store_n(&s->written, n, __ATOMIC_RELAXED);
}

void vigil_pipes__write_sites(void)
{
	for (unsigned i = 0; i < SITES; i++) {
		struct site *s = &sites[i];
		uint64_t key = __atomic_load_n(&s->key, __ATOMIC_ACQUIRE);
		uint64_t n = __atomic_load_n(&s->count, __ATOMIC_RELAXED);

		if (!key || !n || n == __atomic_load_n(&s->written, __ATOMIC_RELAXED))
			continue;
		vigil_stack__write((uint32_t)(key - 1));
		write_site(VIGIL_KEY_EPIPE, 0, (uint32_t)(key - 1), n);
		__atomic_store_n(&s->written, n, __ATOMIC_RELAXED);
	}
}

void vigil_pipes__death(void *uc)
{
	uintptr_t pcs[VIGIL_STACK_DEPTH_MAX];
	unsigned n = vigil_stack__from_ucontext(uc, pcs, VIGIL_STACK_DEPTH_MAX);
	uint32_t id = n ? vigil_stack__write_raw(pcs, n, 0) : 0;
	struct vigil_rec_kv kv[3];
	char rec[sizeof(struct vigil_rec_stats) + sizeof(kv)];
	size_t sz;

	__atomic_store_n(&died, 1, __ATOMIC_RELAXED);
	write_site(VIGIL_KEY_SIGPIPE_DEATHS, VIGIL_STACK_EXACT_PC0, id, 1);
	vigil_pipes__write_sites();
	sz = vigil_rawlog__enc_stats(rec, sizeof(rec), (uint32_t)vigil_gettid(), vigil_now_ns(),
				     kv, vigil_pipes__stats(kv, 3));
	vigil_rawlog__append(rec, sz);
}

unsigned vigil_pipes__stats(struct vigil_rec_kv *kv, unsigned max)
{
	const struct vigil_rec_kv all[] = {
		{.key = VIGIL_KEY_EPIPE, .value = __atomic_load_n(&epipes, __ATOMIC_RELAXED)},
		{.key = VIGIL_KEY_SIGPIPE_DEATHS,
		 .value = (uint64_t)__atomic_load_n(&died, __ATOMIC_RELAXED)},
		{.key = VIGIL_KEY_PIPE_SITE_OVERFLOW,
		 .value = __atomic_load_n(&overflow, __ATOMIC_RELAXED)},
	};
	unsigned n = 0;

	for (; n < max && n < sizeof(all) / sizeof(all[0]); n++)
		kv[n] = all[n];
	return n;
}

void vigil_pipes__reset(void)
{
	memset(sites, 0, sizeof(sites));
	epipes = overflow = 0;
	died = 0;
}
