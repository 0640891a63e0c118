/* SPDX-License-Identifier: MIT */
/* Growth over a run: a quantity per stack (live heap bytes per allocation site, open
 * descriptors per creating site), sampled periodically; a site whose quantity kept
 * growing is reported at exit with its curve. heap-growth is one instance, the fd
 * checks' growing descriptors another. */
#ifndef VIGIL_GROWTH_H
#define VIGIL_GROWTH_H

#include <stdint.h>

#include "hidden.h"

#define VIGIL_GROWTH_SITES 128
#define VIGIL_GROWTH_POINTS 64

/* One snapshot being taken: the collector adds every (stack, value) it has now. */
struct vigil_growth_agg;
void vigil_growth__add(struct vigil_growth_agg *a, uint32_t stack, uint64_t v) VIGIL_HID;

struct vigil_growth_site {
	uint32_t stack;
	unsigned first; /* index of its first point */
	uint64_t v[VIGIL_GROWTH_POINTS];
};

/* A grown site as the owner's report callback gets it: n points of t_ms and v. */
struct vigil_growth_curve {
	uint32_t stack;
	unsigned n;
	const uint64_t *t_ms, *v;
};

struct vigil_growth {
	/* Set by the owner before the first tick. */
	void (*collect)(struct vigil_growth_agg *a);
	void (*report)(const struct vigil_growth_curve *c);
	uint64_t min_site;   /* smaller sites are not followed */
	uint64_t min_growth; /* a reported site grew at least this much ... */
	/* ... and at least doubled, in most steps, and ended near its peak. */
	struct vigil_growth_site sites[VIGIL_GROWTH_SITES];
	unsigned nsites, npoints;
	uint64_t t_ms[VIGIL_GROWTH_POINTS];
	uint64_t period_ns, next_due, start_ns;
	int busy;
};

/* Called now and then from the owner's hot path; takes a snapshot when one is due.
 * Cheap when none is. */
void vigil_growth__tick_of(struct vigil_growth *g) VIGIL_HID;
/* Judges the curves and calls g->report for each grown site (exit path, inside the
 * guard). */
void vigil_growth__report_of(struct vigil_growth *g) VIGIL_HID;
/* fork child: the parent's curves are not the child's. */
void vigil_growth__reset(struct vigil_growth *g) VIGIL_HID;

/* heap-growth: live bytes per allocation site. */
void vigil_growth__tick(void) VIGIL_HID;
void vigil_growth__report(void) VIGIL_HID;
void vigil_growth__after_fork_child(void) VIGIL_HID;

#endif
