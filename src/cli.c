// SPDX-License-Identifier: MIT
/* argp parsers for `vigil`, `vigil run` and `vigil report`. argp runs with ARGP_NO_ERRS
 * and ARGP_NO_HELP so that it never prints or exits: every problem becomes one line in
 * the caller's buffer, and main decides what to print and which status to exit with. */
#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/finding.h"
#include "vigil/options.h"
#include "cli.h"

enum {
	OPT_CHECKS = 0x100,
	OPT_MODE,
	OPT_SUPPRESSIONS,
	OPT_ERROR_EXITCODE,
	OPT_NO_BPF,
	OPT_ON_ERROR,
	OPT_FORMAT,
	OPT_DURATION,
	OPT_GEN_SUPPRESSIONS,
	OPT_SOURCE_ROOT,
	OPT_DUMP_INTERVAL,
	OPT_METRICS,
	OPT_EVENTS,
};

struct ctx {
	struct vigil_cli *cli;
	char *err;
	size_t errlen;
	int cmd_index; /* top level: argv index of the command word */
};

static void err_fmt(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void err_fmt(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
}

static const struct argp_option top_options[] = {
	{"help", 'h', 0, 0, "Give this help", 0},
	{"version", 'V', 0, 0, "Print the version", 0},
	{0},
};

static const struct argp_option run_options[] = {
	{"output", 'o', "DIR", 0, "Reports go here (default ./vigil-report)", 0},
	{"checks", OPT_CHECKS, "LIST", 0,
	 "Comma list of: heap,threads,fds,api,syscalls,races (default: all available)", 0},
	{"mode", OPT_MODE, "MODE", 0,
	 "full (default): every check on every allocation; canary: sampled, for "
	 "production load", 0},
	{"suppressions", OPT_SUPPRESSIONS, "FILE", 0,
	 "Drop findings that match a rule of FILE (kind:pattern per line; may be given "
	 "several times)", 0},
	{"gen-suppressions", OPT_GEN_SUPPRESSIONS, 0, 0,
	 "Print a ready suppression rule for each finding", 0},
	{"source-root", OPT_SOURCE_ROOT, "DIR", 0,
	 "SARIF file paths are relative to DIR (default: the current directory)", 0},
	{"dump-interval", OPT_DUMP_INTERVAL, "S", 0,
	 "Write a snapshot report.json every S seconds while the program runs", 0},
	{"metrics", OPT_METRICS, "FILE", 0,
	 "Keep FILE up to date with Prometheus metrics (textfile format) during the run", 0},
	{"events", OPT_EVENTS, "FILE", 0,
	 "Append one JSON line per finding to FILE ('-': stderr) as it is found", 0},
	{"error-exitcode", OPT_ERROR_EXITCODE, "N", 0,
	 "Exit N (1-255) when any finding of severity error was reported", 0},
	{"no-bpf", OPT_NO_BPF, 0, 0,
	 "Do not load eBPF programs (no syscall checks; preload checks only)", 0},
	{"on-error", OPT_ON_ERROR, "ACTION", 0,
	 "After reporting a heap error: continue (default) or abort", 0},
	{"help", 'h', 0, 0, "Give this help", -1},
	{0},
};

static const struct argp_option attach_options[] = {
	{"output", 'o', "DIR", 0, "Reports go here (default ./vigil-report)", 0},
	{"duration", OPT_DURATION, "S", 0,
	 "Watch for S seconds (default: until Ctrl-C or the process exits)", 0},
	{"help", 'h', 0, 0, "Give this help", 0},
	{0},
};

static const struct argp_option report_options[] = {
	{"format", OPT_FORMAT, "FORMAT", 0, "text (default), json, sarif, folded or html", 0},
	{"suppressions", OPT_SUPPRESSIONS, "FILE", 0,
	 "Drop findings that match a rule of FILE (may be given several times)", 0},
	{"gen-suppressions", OPT_GEN_SUPPRESSIONS, 0, 0,
	 "Print a ready suppression rule for each finding", 0},
	{"source-root", OPT_SOURCE_ROOT, "DIR", 0,
	 "SARIF file paths are relative to DIR (default: the current directory)", 0},
	{"help", 'h', 0, 0, "Give this help", -1},
	{0},
};

/* Stops argp at once: the remaining arguments are not ours. */
static void stop_parsing(struct argp_state *state);

/* --help of a command (NULL: of vigil itself): nothing else on the line matters. */
static error_t want_help(struct argp_state *state, const char *command)
{
	struct ctx *c = state->input;

	c->cli->cmd = VIGIL_CMD_HELP;
	c->cli->help_for = command;
	stop_parsing(state);
	return 0;
}

/* Stops argp at once: the remaining arguments are not ours. */
static void stop_parsing(struct argp_state *state)
{
	state->next = state->argc;
}

static int parse_exitcode(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 255)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static bool parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out);

/* Options run and report share. 0, EINVAL, or ARGP_ERR_UNKNOWN for another key. */
static error_t common_parse(struct ctx *c, int key, char *arg)
{
	struct vigil_cli *cli = c->cli;

	switch (key) {
	case OPT_SUPPRESSIONS:
		if (!*arg) {
			err_fmt(c, "invalid --suppressions '': expected a file");
			return EINVAL;
		}
		if (cli->nsuppressions == VIGIL_SUPP_FILES_MAX) {
			err_fmt(c, "too many --suppressions files (at most %d)",
				VIGIL_SUPP_FILES_MAX);
			return EINVAL;
		}
		cli->suppressions[cli->nsuppressions++] = arg;
		return 0;
	case OPT_GEN_SUPPRESSIONS:
		cli->gen_suppressions = true;
		return 0;
	case OPT_SOURCE_ROOT:
		if (!*arg) {
			err_fmt(c, "invalid --source-root '': expected a directory");
			return EINVAL;
		}
		cli->source_root = arg;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static error_t run_parse(int key, char *arg, struct argp_state *state)
{
	struct ctx *c = state->input;
	struct vigil_cli *cli = c->cli;
	char why[256];

	switch (key) {
	case 'h':
		return want_help(state, "run");
	case 'o':
		if (!*arg) {
			err_fmt(c, "invalid --output '': expected a directory");
			return EINVAL;
		}
		cli->out = arg;
		return 0;
	case OPT_CHECKS:
		if (vigil_options__parse_checks(arg, &cli->checks, why, sizeof(why))) {
			err_fmt(c, "invalid --checks '%s': %s", arg, why);
			return EINVAL;
		}
		return 0;
	case OPT_MODE:
		if (!strcmp(arg, "full"))
			cli->mode = VIGIL_MODE_FULL;
		else if (!strcmp(arg, "canary"))
			cli->mode = VIGIL_MODE_CANARY;
		else {
			err_fmt(c, "invalid --mode '%s': expected full or canary", arg);
			return EINVAL;
		}
		return 0;
	case OPT_SUPPRESSIONS:
	case OPT_GEN_SUPPRESSIONS:
	case OPT_SOURCE_ROOT:
		return common_parse(c, key, arg);
	case OPT_DUMP_INTERVAL: {
		unsigned long v;

		if (!parse_uint(arg, 1, 86400, &v)) {
			err_fmt(c, "invalid --dump-interval '%s': expected seconds, an integer "
				   "from 1 to 86400", arg);
			return EINVAL;
		}
		cli->dump_interval_s = (unsigned)v;
		return 0;
	}
	case OPT_METRICS:
		if (!*arg) {
			err_fmt(c, "invalid --metrics '': expected a file");
			return EINVAL;
		}
		cli->metrics_path = arg;
		return 0;
	case OPT_EVENTS:
		if (!*arg) {
			err_fmt(c, "invalid --events '': expected a file or '-'");
			return EINVAL;
		}
		cli->events_path = arg;
		return 0;
	case OPT_ON_ERROR:
		if (!strcmp(arg, "continue"))
			cli->on_error_abort = false;
		else if (!strcmp(arg, "abort"))
			cli->on_error_abort = true;
		else {
			err_fmt(c, "invalid --on-error '%s': expected continue or abort", arg);
			return EINVAL;
		}
		return 0;
	case OPT_ERROR_EXITCODE:
		if (parse_exitcode(arg, &cli->error_exitcode)) {
			err_fmt(c, "invalid --error-exitcode '%s': expected an integer "
				   "from 1 to 255", arg);
			return EINVAL;
		}
		return 0;
	case OPT_NO_BPF:
		cli->bpf = false;
		return 0;
	case ARGP_KEY_ARG:
		/* The program and its arguments: argv is NULL-terminated, so the tail
		 * of it is already the program's argv. */
		cli->prog_argv = &state->argv[state->next - 1];
		cli->prog_argc = state->argc - (state->next - 1);
		stop_parsing(state);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static error_t report_parse(int key, char *arg, struct argp_state *state)
{
	struct ctx *c = state->input;
	struct vigil_cli *cli = c->cli;

	switch (key) {
	case 'h':
		return want_help(state, "report");
	case OPT_FORMAT: {
		static const char *const names[] = {
			[VIGIL_FORMAT_TEXT] = "text",     [VIGIL_FORMAT_JSON] = "json",
			[VIGIL_FORMAT_SARIF] = "sarif",   [VIGIL_FORMAT_FOLDED] = "folded",
			[VIGIL_FORMAT_HTML] = "html",
		};

		for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(arg, names[i])) {
				cli->format = (enum vigil_format)i;
				return 0;
			}
		err_fmt(c, "invalid --format '%s': expected text, json, sarif, folded or html",
			arg);
		return EINVAL;
	}
	case OPT_SUPPRESSIONS:
	case OPT_GEN_SUPPRESSIONS:
	case OPT_SOURCE_ROOT:
		return common_parse(c, key, arg);
	case ARGP_KEY_ARG:
		if (cli->report_path) {
			err_fmt(c, "unexpected argument '%s' (vigil report takes one DIR or FILE)",
				arg);
			return EINVAL;
		}
		cli->report_path = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* A decimal integer from lo to hi, nothing else. */
static bool parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static error_t attach_parse(int key, char *arg, struct argp_state *state)
{
	struct ctx *c = state->input;
	struct vigil_cli *cli = c->cli;
	unsigned long v;

	switch (key) {
	case 'h':
		return want_help(state, "attach");
	case 'o':
		if (!*arg) {
			err_fmt(c, "invalid --output '': expected a directory");
			return EINVAL;
		}
		cli->out = arg;
		return 0;
	case OPT_DURATION:
		if (!parse_uint(arg, 1, 86400 * 365, &v)) {
			err_fmt(c, "invalid --duration '%s': expected seconds, an integer from 1",
				arg);
			return EINVAL;
		}
		cli->duration_s = (unsigned)v;
		return 0;
	case ARGP_KEY_ARG:
		if (cli->attach_pid) {
			err_fmt(c, "unexpected argument '%s' (vigil attach takes one PID)", arg);
			return EINVAL;
		}
		if (!parse_uint(arg, 1, 0x3fffffff, &v)) {
			err_fmt(c, "invalid PID '%s': expected a process id", arg);
			return EINVAL;
		}
		cli->attach_pid = (int)v;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_option diff_options[] = {
	{"format", OPT_FORMAT, "FORMAT", 0, "text (default) or json", 0},
	{"help", 'h', 0, 0, "Give this help", -1},
	{0},
};

static error_t diff_parse(int key, char *arg, struct argp_state *state)
{
	struct ctx *c = state->input;
	struct vigil_cli *cli = c->cli;

	switch (key) {
	case 'h':
		return want_help(state, "diff");
	case OPT_FORMAT:
		if (!strcmp(arg, "text") || !strcmp(arg, "json")) {
			cli->format = arg[0] == 't' ? VIGIL_FORMAT_TEXT : VIGIL_FORMAT_JSON;
			return 0;
		}
		err_fmt(c, "invalid --format '%s': expected text or json", arg);
		return EINVAL;
	case ARGP_KEY_ARG:
		if (!cli->diff_base) {
			cli->diff_base = arg;
			return 0;
		}
		if (!cli->diff_canary) {
			cli->diff_canary = arg;
			return 0;
		}
		err_fmt(c, "unexpected argument '%s' (vigil diff takes BASE and CANARY)", arg);
		return EINVAL;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_option dump_options[] = {
	{"help", 'h', 0, 0, "Give this help", -1},
	{0},
};

static error_t dump_parse(int key, char *arg, struct argp_state *state)
{
	struct ctx *c = state->input;
	struct vigil_cli *cli = c->cli;

	switch (key) {
	case 'h':
		return want_help(state, "dump");
	case ARGP_KEY_ARG:
		if (cli->dump_dir) {
			err_fmt(c, "unexpected argument '%s' (vigil dump takes one OUT directory)",
				arg);
			return EINVAL;
		}
		cli->dump_dir = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static error_t top_parse(int key, char *arg, struct argp_state *state)
{
	struct ctx *c = state->input;
	struct vigil_cli *cli = c->cli;

	(void)arg;
	switch (key) {
	case 'h':
		return want_help(state, NULL);
	case 'V':
		cli->cmd = VIGIL_CMD_VERSION;
		stop_parsing(state);
		return 0;
	case ARGP_KEY_ARG:
		c->cmd_index = state->next - 1;
		stop_parsing(state);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp top_argp = {
	top_options, top_parse,
	"run [OPTIONS] -- PROGRAM [ARGS...]\nattach PID [--duration S] [-o DIR]\n"
	"report DIR|FILE [--format text|json|sarif|folded|html]\ndiff BASE CANARY\ndump OUT",
	"vigil: a runtime fault sentinel for unmodified Linux binaries.\v"
	"Commands:\n"
	"  run       run PROGRAM under vigil and write a report\n"
	"  attach    watch the syscalls of a running process tree (BPF only)\n"
	"  diff      what is new, gone or grown in a canary's report\n"
	"  dump      make a running `vigil run` write a snapshot report\n"
	"  report    re-render a saved run (a report directory or a report.json)\n"
	"\n'vigil run --help' and 'vigil report --help' list the options of each command.",
	NULL, NULL, NULL,
};

static const struct argp run_argp = {
	run_options, run_parse, "-- PROGRAM [ARGS...]",
	"Run PROGRAM with libvigil.so preloaded, then write OUT/report.json and "
	"OUT/report.txt and a summary on stderr.\v"
	"The exit status is PROGRAM's (128+N when it died of signal N), unless "
	"--error-exitcode applies. Problems of vigil itself exit 2.",
	NULL, NULL, NULL,
};

static const struct argp report_argp = {
	report_options, report_parse, "DIR|FILE",
	"Print the report of a saved run: DIR is a report directory (its report.json, or "
	"its raw logs if there is none), FILE a report.json.",
	NULL, NULL, NULL,
};

static const struct argp attach_argp = {
	attach_options, attach_parse, "PID",
	"Watch the syscalls of a running process and its descendants with BPF (no "
	"preload), then write OUT/report.json and OUT/report.txt.",
	NULL, NULL, NULL,
};

static const struct argp diff_argp = {
	diff_options, diff_parse, "BASE CANARY",
	"What is new, gone or grown in CANARY compared with BASE (each a report directory "
	"or a report.json). Exits 1 when CANARY has a new finding of severity error.",
	NULL, NULL, NULL,
};

static const struct argp dump_argp = {
	dump_options, dump_parse, "OUT",
	"Ask the `vigil run` writing to OUT for a snapshot of its report now (OUT/report.json).",
	NULL, NULL, NULL,
};

/* Finds an option by long name, accepting unique prefixes as getopt_long does. */
static const struct argp_option *find_long(const struct argp_option *opts, const char *name,
					   size_t len, bool *ambiguous)
{
	const struct argp_option *hit = NULL;

	*ambiguous = false;
	for (const struct argp_option *o = opts; o->name || o->key; o++) {
		if (!o->name || strncmp(o->name, name, len))
			continue;
		if (strlen(o->name) == len)
			return o;
		if (hit)
			*ambiguous = true;
		hit = o;
	}
	return *ambiguous ? NULL : hit;
}

static const struct argp_option *find_short(const struct argp_option *opts, int key)
{
	for (const struct argp_option *o = opts; o->name || o->key; o++)
		if (o->key == key && key < 0x100)
			return o;
	return NULL;
}

/* getopt rejected something, but with ARGP_NO_ERRS it does not say what: scan the
 * options the way getopt does and name the first bad one. */
static void diagnose(struct ctx *c, const struct argp_option *opts, int argc, char **argv,
		     bool stop_at_arg)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		if (a[0] != '-' || !a[1]) {
			if (stop_at_arg)
				break;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			bool amb;
			const struct argp_option *o = find_long(opts, name, len, &amb);

			if (amb) {
				err_fmt(c, "option '--%.*s' is ambiguous", (int)len, name);
				return;
			}
			if (!o) {
				err_fmt(c, "unrecognized option '--%.*s'", (int)len, name);
				return;
			}
			if (!o->arg && eq) {
				err_fmt(c, "option '--%s' does not take a value", o->name);
				return;
			}
			if (o->arg && !eq) {
				if (i + 1 >= argc) {
					err_fmt(c, "option '--%s' requires a value", o->name);
					return;
				}
				i++;
			}
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			const struct argp_option *o = find_short(opts, (unsigned char)*p);

			if (!o) {
				err_fmt(c, "unrecognized option '-%c'", *p);
				return;
			}
			if (o->arg) {
				if (!p[1] && i + 1 >= argc) {
					err_fmt(c, "option '-%c' requires a value", *p);
					return;
				}
				if (!p[1])
					i++;
				break;
			}
		}
	}
	err_fmt(c, "invalid arguments");
}

static int run_argp_parse(const struct argp *argp, struct ctx *c, int argc, char **argv,
			  unsigned flags)
{
	int r;

	c->err[0] = '\0';
	r = argp_parse(argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_HELP | flags, NULL, c);
	if (!r)
		return 0;
	if (!c->err[0])
		diagnose(c, argp->options, argc, argv, flags & ARGP_IN_ORDER);
	return -EINVAL;
}

void vigil_cli__defaults(struct vigil_cli *cli)
{
	*cli = (struct vigil_cli){
		.cmd = VIGIL_CMD_NONE,
		.help_for = NULL,
		.out = "vigil-report",
		.checks = VIGIL_CHECKS_AVAILABLE,
		.mode = VIGIL_MODE_FULL,
		.on_error_abort = false,
		.error_exitcode = 0,
		.bpf = true,
		.prog_argc = 0,
		.prog_argv = NULL,
		.report_path = NULL,
		.format = VIGIL_FORMAT_TEXT,
	};
}

static bool run_complete(const struct vigil_cli *c)
{
	return c->prog_argc > 0;
}

static bool report_complete(const struct vigil_cli *c)
{
	return c->report_path != NULL;
}

static bool attach_complete(const struct vigil_cli *c)
{
	return c->attach_pid > 0;
}

static bool diff_complete(const struct vigil_cli *c)
{
	return c->diff_canary != NULL;
}

static bool dump_complete(const struct vigil_cli *c)
{
	return c->dump_dir != NULL;
}

/* The commands: their parser, and the error when an operand is missing. */
static const struct {
	const char *name;
	enum vigil_cmd cmd;
	const struct argp *argp;
	int flags;
	bool (*complete)(const struct vigil_cli *cli);
	const char *missing;
} commands[] = {
	{"run", VIGIL_CMD_RUN, &run_argp, ARGP_IN_ORDER, run_complete,
	 "no program to run (usage: vigil run [OPTION...] -- PROGRAM [ARGS...])"},
	{"report", VIGIL_CMD_REPORT, &report_argp, 0, report_complete,
	 "no report given (usage: vigil report DIR|FILE [--format text|json|sarif|folded|html])"},
	{"attach", VIGIL_CMD_ATTACH, &attach_argp, 0, attach_complete,
	 "no process given (usage: vigil attach PID [--duration S])"},
	{"diff", VIGIL_CMD_DIFF, &diff_argp, 0, diff_complete,
	 "two reports needed (usage: vigil diff BASE CANARY [--format text|json])"},
	{"dump", VIGIL_CMD_DUMP, &dump_argp, 0, dump_complete,
	 "no output directory given (usage: vigil dump OUT)"},
};

int vigil_cli__parse(struct vigil_cli *cli, int argc, char **argv, char *err, size_t errlen)
{
	struct vigil_cli tmp;
	char dummy[1];
	struct ctx c = {
		.cli = &tmp, .err = errlen ? err : dummy, .errlen = errlen ? errlen : 1,
		.cmd_index = 0,
	};
	const char *cmd;
	size_t cmd_i;
	int sub_argc;
	char **sub_argv;

	vigil_cli__defaults(&tmp);
	if (run_argp_parse(&top_argp, &c, argc, argv, ARGP_IN_ORDER))
		return -EINVAL;
	if (tmp.cmd == VIGIL_CMD_HELP || tmp.cmd == VIGIL_CMD_VERSION)
		goto done;
	if (!c.cmd_index) {
		err_fmt(&c, "no command given (try 'vigil --help')");
		return -EINVAL;
	}
	cmd = argv[c.cmd_index];
	sub_argc = argc - c.cmd_index;
	sub_argv = argv + c.cmd_index;
	for (cmd_i = 0; cmd_i < sizeof(commands) / sizeof(commands[0]); cmd_i++)
		if (!strcmp(cmd, commands[cmd_i].name))
			break;
	if (cmd_i == sizeof(commands) / sizeof(commands[0])) {
		err_fmt(&c, "unknown command '%s' (expected run, attach, report, diff or dump)",
			cmd);
		return -EINVAL;
	}
	tmp.cmd = commands[cmd_i].cmd;
	if (run_argp_parse(commands[cmd_i].argp, &c, sub_argc, sub_argv, commands[cmd_i].flags))
		return -EINVAL;
	/* --help stops the parse: what is missing then does not matter. */
	if (tmp.cmd == commands[cmd_i].cmd && !commands[cmd_i].complete(&tmp)) {
		err_fmt(&c, "%s", commands[cmd_i].missing);
		return -EINVAL;
	}
done:
	*cli = tmp;
	return 0;
}

void vigil_cli__help(const struct vigil_cli *cli, FILE *f)
{
	if (cli->help_for && !strcmp(cli->help_for, "run"))
		argp_help(&run_argp, f, ARGP_HELP_STD_HELP, (char *)"vigil run");
	else if (cli->help_for && !strcmp(cli->help_for, "diff"))
		argp_help(&diff_argp, f, ARGP_HELP_STD_HELP, (char *)"vigil diff");
	else if (cli->help_for && !strcmp(cli->help_for, "dump"))
		argp_help(&dump_argp, f, ARGP_HELP_STD_HELP, (char *)"vigil dump");
	else if (cli->help_for && !strcmp(cli->help_for, "attach"))
		argp_help(&attach_argp, f, ARGP_HELP_STD_HELP, (char *)"vigil attach");
	else if (cli->help_for && !strcmp(cli->help_for, "report"))
		argp_help(&report_argp, f, ARGP_HELP_STD_HELP, (char *)"vigil report");
	else
		argp_help(&top_argp, f, ARGP_HELP_STD_HELP, (char *)"vigil");
}
