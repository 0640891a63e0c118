/* SPDX-License-Identifier: MIT */
/* Decoder of one raw log (include/vigil/event.h) into plain structs. Validates every
 * record; on damage it keeps what came before and says where the damage starts. */
#ifndef VIGIL_RAWLOG_READ_H
#define VIGIL_RAWLOG_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/event.h"
#include "vigil/finding.h"


/* Keys of a CONFIG record; a STATS record holds the others. */
#define VIGIL_CONFIG_KEYS                                                                \
	((VIGIL_KEYBIT(VIGIL_KEY_CFG_MODE)) | (VIGIL_KEYBIT(VIGIL_KEY_CFG_SAMPLE_BYTES)) |             \
	 (VIGIL_KEYBIT(VIGIL_KEY_CFG_GUARD_RATE)) | (VIGIL_KEYBIT(VIGIL_KEY_CFG_QUARANTINE_BYTES)) |   \
	 (VIGIL_KEYBIT(VIGIL_KEY_CFG_REDZONE)) | (VIGIL_KEYBIT(VIGIL_KEY_CFG_ON_ERROR_ABORT)) |        \
	 VIGIL_KEYBIT(VIGIL_KEY_CFG_GROWTH_INTERVAL_MS) | VIGIL_KEYBIT(VIGIL_KEY_CFG_DEADLOCK_MS))

struct vigil_plog_module {
	char *path;
	uint64_t base, start, end;
	uint32_t flags; /* enum vigil_module_flags */
	uint8_t build_id[20];
	uint8_t build_id_len;
	bool gone; /* a MODULE_GONE record followed it */
};

struct vigil_plog_stack {
	uint32_t id;
	uint32_t depth;
	uint64_t *pcs;
	int32_t *mods; /* per pc: index into vigil_plog.modules, -1 when none holds it */
};

struct vigil_plog_finding {
	uint32_t tid;
	uint16_t kind;    /* enum vigil_finding_kind, validated */
	uint8_t severity; /* enum vigil_severity, validated */
	uint8_t nstacks;
	uint8_t ndetails;
	uint64_t count;
	struct vigil_rec_fstack *stacks;
	struct vigil_rec_kv *details; /* keys validated */
};

/* Latency buckets a SYSLAT record may hold. */
#define VIGIL_PLOG_LAT_BUCKETS 64

struct vigil_plog_syslat {
	uint32_t nr;
	uint64_t buckets[VIGIL_PLOG_LAT_BUCKETS];
};

/* A stat counted at one stack (STAT_SITE): after decoding, one per (key, stack_id),
 * with the largest count the log gave it, which is its total. */
struct vigil_plog_site {
	uint16_t key;   /* enum vigil_key, named */
	uint16_t flags; /* VIGIL_STACK_EXACT_PC0 */
	uint32_t stack_id;
	uint64_t count;
};

/* A SAMPLE record: the process's load at t_ms; VIGIL_SAMPLE_NONE for a value it did
 * not know. */
struct vigil_plog_sample {
	uint64_t t_ms, heap_bytes, fds;
};

struct vigil_plog {
	char *path; /* the log file, as given */

	bool has_process;
	bool kernel; /* written by the CLI from BPF data (VIGIL_PROCESS_KERNEL) */
	uint32_t pid, ppid;
	uint64_t start_realtime_ns;
	char *exe;
	int argc;
	char **argv; /* NULL-terminated */
	uint32_t checks, mode;

	bool has_exit;
	uint32_t exit_how; /* enum vigil_exit_how */
	int32_t exit_code, exit_signal;

	struct vigil_plog_module *modules;
	size_t nmodules;
	struct vigil_plog_stack *stacks;
	size_t nstacks;
	uint32_t *stack_order; /* indexes into stacks sorted by id, for lookup */
	struct vigil_plog_finding *findings;
	size_t nfindings;

	uint64_t stats[VIGIL_KEY_MAX];
	vigil_keyset stats_set; /* bit k: stats[k] was written */
	uint64_t config[VIGIL_KEY_MAX]; /* the settings the process ran with */
	vigil_keyset config_set;
	struct vigil_plog_site *sites; /* sorted by key, then stack_id */
	size_t nsites;

	struct vigil_rec_sysrow *sysrows; /* SYSCALLS rows, in order */
	size_t nsysrows;
	struct vigil_plog_syslat *syslat;
	size_t nsyslat;
	struct vigil_plog_sample *samples; /* in order */
	size_t nsamples;

	char *note; /* NULL, or one line on damage: "raw log X truncated at offset N" */
	size_t good_bytes; /* bytes decoded before the damage */
};

/* Decodes len bytes; name is used in the note. Damage is not an error: it ends the
 * decoding and sets note. Returns NULL only when out of memory. */
struct vigil_plog *vigil_plog__parse(const void *buf, size_t len, const char *name);

/* Reads and decodes a file. NULL with errno set when the file cannot be read. */
struct vigil_plog *vigil_plog__read_file(const char *path);

/* The stack with this id, or NULL. */
const struct vigil_plog_stack *vigil_plog__stack(const struct vigil_plog *l, uint32_t id);

void vigil_plog__free(struct vigil_plog *l);

#endif
