/* SPDX-License-Identifier: MIT */
/* The live side of `vigil run`: a monitor thread that, while the program runs, writes
 * report snapshots (every --dump-interval, and when `vigil dump OUT` asks through the
 * socket OUT/.vigil.sock), keeps --metrics up to date and appends --events. */
#ifndef VIGIL_LIVE_H
#define VIGIL_LIVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The socket under OUT that `vigil dump` connects to. */
#define VIGIL_LIVE_SOCK ".vigil.sock"
/* Seconds between refreshes of --metrics and --events without --dump-interval. */
#define VIGIL_LIVE_TICK_S 5

struct vigil_live;
struct vigil_bpf;

/* The run as it stands, as a report (the caller's to free); write: also written over
 * OUT/report.json and OUT/report.txt as a snapshot. NULL with errno set. Called on
 * the monitor thread. */
typedef json_t *(*vigil_live_render)(void *arg, bool write);

struct vigil_live_config {
	const char *out;          /* OUT, absolute */
	unsigned interval_s;      /* --dump-interval; 0: snapshots on request only */
	unsigned tick_s;          /* refreshes of --metrics and --events without an
				   * interval; 0: VIGIL_LIVE_TICK_S */
	const char *metrics_path; /* NULL: no --metrics */
	const char *events_path;  /* NULL: no --events; "-": stderr */
	struct vigil_bpf *bpf;    /* the kernel's live counts; NULL: BPF did not run */
	vigil_live_render render;
	void *arg;
};

/* Opens the events file, writes a first metrics file, listens on OUT/.vigil.sock and
 * starts the monitor. -errno with one line in why (no prefix): a file that cannot be
 * written, or -EBUSY when another `vigil run` is live on OUT. */
int vigil_live__start(struct vigil_live **out, const struct vigil_live_config *cfg, char *why,
		      size_t len);

/* Stops the monitor and removes the socket: the program has ended. */
void vigil_live__stop(struct vigil_live *l);

/* With the final report: the findings not yet sent to --events, the last --metrics.
 * 0 or -errno with one line in why. */
int vigil_live__final(struct vigil_live *l, const json_t *report, char *why, size_t len);

/* Stops the monitor if it runs; NULL is a no-op. */
void vigil_live__free(struct vigil_live *l);

/* Whether a run is live on out now (its socket answers). */
bool vigil_live__answers(const char *out);

/* `vigil dump`: asks the run live on out for a snapshot and waits up to timeout_ms.
 * 0 with the snapshot's path in path; -ECONNREFUSED (or -ENOENT) when no run is live
 * there, -ETIMEDOUT, or -errno with the run's own answer in why. */
int vigil_live__request(const char *out, int timeout_ms, char *path, size_t pathlen, char *why,
			size_t whylen);

#endif
