/* SPDX-License-Identifier: MIT */
/* What the kernel told about the tree while it ran (process images, their maps and the
 * stack samples), and its rendering into raw logs with the in-kernel tables after the
 * run: syscall-errors, wx-mapping, slow-syscall and crash findings, the syscall table
 * of each process, the run's latency histograms. */
#ifndef VIGIL_BPF_STORE_H
#define VIGIL_BPF_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procmaps.h"

struct vigil_bpf_sample;
struct vigil_cfi;

/* One image of a process: from fork or exec to the next exec or the exit. */
struct vigil_bpf_image {
	uint32_t tgid, ppid;
	uint64_t boot_ns;  /* the process's start (CLOCK_BOOTTIME); 0 until an event said */
	uint64_t start_ns; /* CLOCK_REALTIME */
	char *exe;         /* NULL until known */
	char *args;        /* argc NUL-terminated strings */
	size_t args_len;
	uint32_t argc;
	uint64_t start_code, end_code; /* for a static image whose maps were missed */
	struct vigil_pmod *mods;
	size_t nmods, cap_mods;
	bool maps_read;     /* the maps of this image were read at least once */
	bool replaced;      /* an exec followed */
	bool has_exit;
	uint32_t wstatus;
	uint32_t killer_sig, killer_tgid;
	struct vigil_bpf_sample **samples;
	size_t nsamples, cap_samples;
};

struct vigil_bpf_store {
	pthread_mutex_t lock;
	struct vigil_bpf_image **imgs;
	size_t nimgs, cap_imgs;
	size_t nsamples;          /* kept, all images */
	uint64_t samples_dropped; /* over the cap */
	int64_t mono_to_real;     /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	/* When a process exits, the stacks of its failures that stayed under errors_min
	 * (read from the kernel's errors map) are let go: they will make no finding. */
	int errors_fd;
	uint64_t errors_min;
	/* Rows of exited processes drained from the kernel's tables (struct tables in
	 * bpf_store.c): the maps keep room for the running ones. */
	void *kept;
};

/* The in-kernel tables and counters, and the thresholds findings are judged by. */
struct vigil_bpf_tables {
	int errors_fd, calls_fd, hist_fd, wx_fd;
	uint64_t drops, table_full, untracked;
	uint64_t samples_dropped; /* filled by the store: stacks over its cap */
	uint64_t errors_min;  /* failures of one (syscall, errno) */
	uint64_t errors_rate; /* per second, first to last failure */
	uint64_t slow_ns;     /* 0: no slow-syscall findings */
};

int vigil_bpf_store__init(struct vigil_bpf_store *s);
void vigil_bpf_store__free(struct vigil_bpf_store *s);

/* A process known before its first event (the root, an adopted process). */
int vigil_bpf_store__process(struct vigil_bpf_store *s, uint32_t tgid, uint32_t ppid);

/* One ring-buffer record; malformed ones are dropped. */
void vigil_bpf_store__event(struct vigil_bpf_store *s, const void *data, size_t size);

/* Moves the kernel's table rows of exited processes into the store and deletes them
 * from the maps. 0 or -errno. */
int vigil_bpf_store__drain(struct vigil_bpf_store *s, const struct vigil_bpf_tables *t);

/* Calls fn for every failure row drained so far; the caller holds s->lock (drains
 * take it too, so a walk of the maps under it sees each row once). */
void vigil_bpf_store__each_kept_error(struct vigil_bpf_store *s,
				      void (*fn)(unsigned nr, unsigned err, uint64_t count, void *arg),
				      void *arg);

/* Writes raw/<exe>.<pid>.<n>.kernel.log per image worth a log. 0 or -errno. */
int vigil_bpf_store__write(struct vigil_bpf_store *s, const struct vigil_bpf_tables *t,
			   const char *raw, uint32_t root);

#endif
