/* SPDX-License-Identifier: MIT */
/* The vigil command line (DESIGN.md "The command line"): argp parsers for the top
 * level, `run` and `report`, factored so tests get a struct or an error line back. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define VIGIL_VERSION "0.1.0"
#define VIGIL_CLI_ERR_MAX 512

enum vigil_cmd {
	VIGIL_CMD_NONE = 0,
	VIGIL_CMD_RUN,
	VIGIL_CMD_REPORT,
	VIGIL_CMD_ATTACH,
	VIGIL_CMD_DIFF,
	VIGIL_CMD_DUMP,
	VIGIL_CMD_HELP,    /* help for `help_for` (NULL: top level) */
	VIGIL_CMD_VERSION,
};

enum vigil_format {
	VIGIL_FORMAT_TEXT = 0,
	VIGIL_FORMAT_JSON,
	VIGIL_FORMAT_SARIF,
	VIGIL_FORMAT_FOLDED,
	VIGIL_FORMAT_HTML,
};

/* --suppressions files a command line may name. */
#define VIGIL_SUPP_FILES_MAX 16

struct vigil_cli {
	enum vigil_cmd cmd;
	const char *help_for; /* "run", "report", "attach", "diff", "dump" or NULL */
	/* run */
	const char *out;
	unsigned checks; /* bitmask of 1u << enum vigil_check */
	unsigned mode;   /* enum vigil_mode */
	bool on_error_abort; /* abort after reporting a heap error */
	int error_exitcode; /* 0: not set */
	bool bpf;
	int prog_argc;
	char **prog_argv; /* points into the argv given to the parser; NULL-terminated */
	/* run and report */
	const char *suppressions[VIGIL_SUPP_FILES_MAX];
	int nsuppressions;
	bool gen_suppressions; /* print a ready rule for each finding */
	const char *source_root; /* SARIF paths relative to it; NULL: the cwd */
	/* run: live outputs while the target runs */
	unsigned dump_interval_s; /* 0: snapshots only when `vigil dump` asks */
	const char *metrics_path; /* Prometheus textfile, refreshed */
	const char *events_path;  /* JSON lines, one per finding as found; "-": stderr */
	/* diff */
	const char *diff_base, *diff_canary;
	/* dump */
	const char *dump_dir;
	/* attach */
	int attach_pid;
	unsigned duration_s; /* 0: until Ctrl-C or the process exits */
	/* report */
	const char *report_path;
	enum vigil_format format;
};

/* Defaults of every option, before any argument is applied. */
void vigil_cli__defaults(struct vigil_cli *cli);

/* Parses argv (argv[0] is the program name). Returns 0 with *cli filled, or -EINVAL
 * with one line (no "vigil: error: " prefix, no newline) in err. Never prints, never
 * exits. */
int vigil_cli__parse(struct vigil_cli *cli, int argc, char **argv, char *err, size_t errlen);

/* Prints the help of cli->help_for to f. */
void vigil_cli__help(const struct vigil_cli *cli, FILE *f);

#endif
