/* SPDX-License-Identifier: MIT */
/* The commands: each takes the parsed command line and returns the exit status. */
#ifndef VIGIL_CMD_H
#define VIGIL_CMD_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "cli.h"

struct vigil_options;
struct vigil_child;
struct vigil_bpf;
struct vigil_supp;

int vigil_cmd_run(const struct vigil_cli *cli);
int vigil_cmd_attach(const struct vigil_cli *cli);
int vigil_cmd_diff(const struct vigil_cli *cli);
int vigil_cmd_dump(const struct vigil_cli *cli);
int vigil_cmd_report(const struct vigil_cli *cli);

/* The report at path, as `vigil report` reads it (cmd_report.c): a report.json file,
 * or a directory's report.json, rebuilt from its raw logs when there is none or they
 * are newer. NULL after one line on stderr. */
json_t *vigil_cmd_report__load(const char *path);

/* Shared by run and attach (cmd_run.c). */
int vigil_run__absolute(const char *path, char *out, size_t len);
/* mkdir -p; the last directory gets mode when new. 0 or -errno. */
int vigil_run__mkdir_p(const char *path, mode_t mode);
/* Removes the raw logs and reports a previous run left in out. */
int vigil_run__clear_stale(const char *out, const char *raw);
/* VIGIL_REQUIRE_BPF is set (and not 0). */
bool vigil_run__require_bpf(void);
/* Loads and starts the BPF programs unless the command line turned them off; NULL
 * with why set otherwise. */
struct vigil_bpf *vigil_run__load_bpf(const struct vigil_cli *cli, const struct vigil_options *o,
				      char *why, size_t len);
/* Reads the raw logs, writes report.json and report.txt and the stderr summary.
 * child->wstatus < 0: the root's end is not known (attach). supp (NULL: none) drops
 * the findings its rules match before anything is written. */
int vigil_run__render(const struct vigil_cli *cli, const char *out, const char *raw,
		      const struct vigil_options *opts, time_t started, time_t ended,
		      const struct vigil_child *child, const char *bpf_off,
		      struct vigil_supp *supp, bool *errors);

#endif
