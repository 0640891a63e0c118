// SPDX-License-Identifier: MIT
/* Command-line parsing: defaults, every run option, and one clear line for each kind
 * of bad input (argp must never print or exit by itself). */
#include <criterion/criterion.h>
#include <string.h>

#include "vigil/finding.h"
#include "cli.h"

struct parsed {
	int r;
	struct vigil_cli cli;
	char err[VIGIL_CLI_ERR_MAX];
	char *argv[32];
};

/* argv built from a NULL-terminated list of literals (copied: argp may permute). */
static struct parsed *parse(struct parsed *p, const char *const *args)
{
	static char store[32][128];
	int argc = 0;

	memset(p, 0, sizeof(*p));
	for (; args[argc]; argc++) {
		strncpy(store[argc], args[argc], sizeof(store[argc]) - 1);
		p->argv[argc] = store[argc];
	}
	p->argv[argc] = NULL;
	vigil_cli__defaults(&p->cli);
	p->r = vigil_cli__parse(&p->cli, argc, p->argv, p->err, sizeof(p->err));
	return p;
}

#define PARSE(p, ...) parse(p, (const char *const[]){"vigil", __VA_ARGS__, NULL})

static void expect_error(const char *const *args, const char *want)
{
	struct parsed p;

	parse(&p, args);
	cr_expect_neq(p.r, 0, "accepted: expected '%s'", want);
	cr_expect_str_eq(p.err, want);
	cr_expect_null(strchr(p.err, '\n'), "multi-line error: %s", p.err);
}

#define EXPECT_ERROR(want, ...) expect_error((const char *const[]){"vigil", __VA_ARGS__, NULL}, want)

Test(cli, run_defaults)
{
	struct parsed p;

	PARSE(&p, "run", "--", "./server", "-p", "8080");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.cmd, VIGIL_CMD_RUN);
	cr_expect_str_eq(p.cli.out, "vigil-report");
	cr_expect_eq(p.cli.checks, VIGIL_CHECKS_AVAILABLE);
	cr_expect_eq(p.cli.mode, VIGIL_MODE_FULL);
	cr_expect_eq(p.cli.error_exitcode, 0);
	cr_expect(p.cli.bpf);
	cr_assert_eq(p.cli.prog_argc, 3);
	cr_expect_str_eq(p.cli.prog_argv[0], "./server");
	cr_expect_str_eq(p.cli.prog_argv[2], "8080");
	cr_expect_null(p.cli.prog_argv[3]);
}

Test(cli, run_options)
{
	struct parsed p;

	PARSE(&p, "run", "-o", "out", "--checks", "heap", "--error-exitcode", "42", "--no-bpf",
	      "--mode", "full", "--", "prog", "--help", "-o", "x");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_str_eq(p.cli.out, "out");
	cr_expect_eq(p.cli.checks, 1u << VIGIL_CHECK_HEAP);
	cr_expect_eq(p.cli.error_exitcode, 42);
	cr_expect(!p.cli.bpf);
	cr_assert_eq(p.cli.prog_argc, 4);
	cr_expect_str_eq(p.cli.prog_argv[1], "--help");

	PARSE(&p, "run", "--output=dir2", "--error-exitcode=255", "prog", "-x");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_str_eq(p.cli.out, "dir2");
	cr_expect_eq(p.cli.error_exitcode, 255);
	/* Without "--", the program's own options stay the program's. */
	cr_assert_eq(p.cli.prog_argc, 2);
	cr_expect_str_eq(p.cli.prog_argv[1], "-x");

	PARSE(&p, "run", "-odir3", "--", "prog");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_str_eq(p.cli.out, "dir3");
}

Test(cli, help_and_version)
{
	struct parsed p;

	PARSE(&p, "--version");
	cr_expect_eq(p.r, 0);
	cr_expect_eq(p.cli.cmd, VIGIL_CMD_VERSION);
	PARSE(&p, "--help");
	cr_expect_eq(p.cli.cmd, VIGIL_CMD_HELP);
	cr_expect_null(p.cli.help_for);
	PARSE(&p, "run", "--help");
	cr_expect_eq(p.cli.cmd, VIGIL_CMD_HELP);
	cr_expect_str_eq(p.cli.help_for, "run");
	PARSE(&p, "report", "-h");
	cr_expect_str_eq(p.cli.help_for, "report");
}

Test(cli, report_command)
{
	struct parsed p;

	PARSE(&p, "report", "dir");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.cmd, VIGIL_CMD_REPORT);
	cr_expect_str_eq(p.cli.report_path, "dir");
	cr_expect_eq(p.cli.format, VIGIL_FORMAT_TEXT);
	PARSE(&p, "report", "--format", "json", "r.json");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.format, VIGIL_FORMAT_JSON);
	PARSE(&p, "report", "r.json", "--format=text");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_str_eq(p.cli.report_path, "r.json");
	PARSE(&p, "report", "--format", "folded", "d");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.format, VIGIL_FORMAT_FOLDED);
	PARSE(&p, "report", "--format=html", "d");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.format, VIGIL_FORMAT_HTML);
}

Test(cli, bad_input_is_one_line)
{
	expect_error((const char *const[]){"vigil", NULL}, "no command given (try 'vigil --help')");
	EXPECT_ERROR("unknown command 'walk' (expected run, attach, report, diff or dump)",
		     "walk");
	EXPECT_ERROR("unrecognized option '--frobnicate'", "run", "--frobnicate", "--", "ls");
	EXPECT_ERROR("unrecognized option '-q'", "run", "-q", "--", "ls");
	EXPECT_ERROR("unrecognized option '-Z'", "-Z");
	EXPECT_ERROR("option '--output' requires a value", "run", "--output");
	EXPECT_ERROR("option '-o' requires a value", "run", "-o");
	EXPECT_ERROR("option '--no-bpf' does not take a value", "run", "--no-bpf=1", "ls");
	EXPECT_ERROR("no program to run (usage: vigil run [OPTION...] -- PROGRAM [ARGS...])",
		     "run", "--");
	EXPECT_ERROR("no program to run (usage: vigil run [OPTION...] -- PROGRAM [ARGS...])",
		     "run", "-o", "x");
	EXPECT_ERROR("invalid --error-exitcode 'abc': expected an integer from 1 to 255", "run",
		     "--error-exitcode", "abc", "ls");
	EXPECT_ERROR("invalid --error-exitcode '0': expected an integer from 1 to 255", "run",
		     "--error-exitcode", "0", "ls");
	EXPECT_ERROR("invalid --error-exitcode '256': expected an integer from 1 to 255", "run",
		     "--error-exitcode", "256", "ls");
	EXPECT_ERROR("invalid --error-exitcode '99999999999999999999': expected an integer "
		     "from 1 to 255",
		     "run", "--error-exitcode", "99999999999999999999", "ls");
	EXPECT_ERROR("invalid --error-exitcode '7 ': expected an integer from 1 to 255", "run",
		     "--error-exitcode", "7 ", "ls");
	EXPECT_ERROR("invalid --checks 'heap,bogus': unknown check 'bogus' (known: heap, "
		     "threads, fds, api, syscalls, races)",
		     "run", "--checks", "heap,bogus", "ls");
	EXPECT_ERROR("invalid --checks '': empty check name in ''", "run", "--checks=", "ls");
	EXPECT_ERROR("invalid --output '': expected a directory", "run", "-o", "", "ls");
	EXPECT_ERROR("no report given (usage: vigil report DIR|FILE "
		     "[--format text|json|sarif|folded|html])", "report");
	EXPECT_ERROR("invalid --format 'xml': expected text, json, sarif, folded or html",
		     "report", "--format", "xml", "d");
	EXPECT_ERROR("unexpected argument 'b' (vigil report takes one DIR or FILE)", "report",
		     "a", "b");
}

Test(cli, checks_not_available_yet_lists_the_available_ones)
{
	EXPECT_ERROR("invalid --checks 'races': check 'races' is not available yet "
		     "(available: " VIGIL_CHECKS_AVAILABLE_NAMES ")",
		     "run", "--checks", "races", "ls");
}

Test(cli, mode_and_on_error)
{
	struct parsed p;

	PARSE(&p, "run", "--", "prog");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect(!p.cli.on_error_abort);
	PARSE(&p, "run", "--mode", "canary", "--on-error", "abort", "--", "prog");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.mode, VIGIL_MODE_CANARY);
	cr_expect(p.cli.on_error_abort);
	/* The last one wins, as with any option. */
	PARSE(&p, "run", "--mode=canary", "--mode=full", "--on-error=abort",
	      "--on-error=continue", "prog");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.mode, VIGIL_MODE_FULL);
	cr_expect(!p.cli.on_error_abort);
	EXPECT_ERROR("invalid --mode 'fast': expected full or canary", "run", "--mode=fast",
		     "ls");
	EXPECT_ERROR("invalid --mode 'Canary': expected full or canary", "run", "--mode",
		     "Canary", "--", "ls");
	EXPECT_ERROR("invalid --on-error 'maybe': expected continue or abort", "run",
		     "--on-error", "maybe", "--", "ls");
	EXPECT_ERROR("invalid --on-error '': expected continue or abort", "run", "--on-error=",
		     "ls");
	EXPECT_ERROR("option '--on-error' requires a value", "run", "--on-error");
	EXPECT_ERROR("option '--mode' requires a value", "run", "--mode");
}

Test(cli, suppressions_on_run_and_report)
{
	struct parsed p;

	PARSE(&p, "run", "--suppressions", "a.supp", "--suppressions=b.supp", "--gen-suppressions",
	      "--", "ls");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_assert_eq(p.cli.nsuppressions, 2);
	cr_expect_str_eq(p.cli.suppressions[0], "a.supp");
	cr_expect_str_eq(p.cli.suppressions[1], "b.supp");
	cr_expect(p.cli.gen_suppressions);
	PARSE(&p, "run", "--", "ls");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.nsuppressions, 0);
	cr_expect(!p.cli.gen_suppressions);
	PARSE(&p, "report", "d", "--suppressions", "a.supp", "--gen-suppressions");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_assert_eq(p.cli.nsuppressions, 1);
	cr_expect_str_eq(p.cli.suppressions[0], "a.supp");
	cr_expect(p.cli.gen_suppressions);
	EXPECT_ERROR("invalid --suppressions '': expected a file", "run", "--suppressions=", "ls");
	EXPECT_ERROR("option '--suppressions' requires a value", "report", "d", "--suppressions");
	/* The program's own options are not vigil's. */
	PARSE(&p, "run", "--", "prog", "--suppressions", "x");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.nsuppressions, 0);
	cr_expect_eq(p.cli.prog_argc, 3);
	{
		const char *many[VIGIL_SUPP_FILES_MAX + 4] = {"vigil", "run"};
		char want[128];
		int n = 2;

		for (int i = 0; i <= VIGIL_SUPP_FILES_MAX; i++)
			many[n++] = "--suppressions=s";
		many[n++] = "ls";
		many[n] = NULL;
		snprintf(want, sizeof(want), "too many --suppressions files (at most %d)",
			 VIGIL_SUPP_FILES_MAX);
		expect_error(many, want);
	}
}

Test(cli, sarif_and_source_root)
{
	struct parsed p;

	PARSE(&p, "report", "--format", "sarif", "--source-root", "src", "d");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.format, VIGIL_FORMAT_SARIF);
	cr_expect_str_eq(p.cli.source_root, "src");
	PARSE(&p, "run", "--source-root=/repo", "--", "ls");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_str_eq(p.cli.source_root, "/repo");
	PARSE(&p, "run", "--", "ls");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_null(p.cli.source_root);
	EXPECT_ERROR("invalid --source-root '': expected a directory", "run", "--source-root=",
		     "ls");
	EXPECT_ERROR("option '--source-root' requires a value", "report", "d", "--source-root");
}

Test(cli, help_text_names_every_option)
{
	struct vigil_cli cli;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vigil_cli__defaults(&cli);
	cli.help_for = "run";
	vigil_cli__help(&cli, f);
	fclose(f);
	for (const char *const *o = (const char *const[]){"--output", "--checks", "--mode",
							    "--suppressions", "--error-exitcode",
							    "--no-bpf", "--on-error", NULL};
	     *o; o++)
		cr_expect_not_null(strstr(buf, *o), "help lacks %s", *o);
	free(buf);
}

Test(cli, diff_operands)
{
	struct parsed p;

	PARSE(&p, "diff", "base", "canary/report.json");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.cmd, VIGIL_CMD_DIFF);
	cr_expect_str_eq(p.cli.diff_base, "base");
	cr_expect_str_eq(p.cli.diff_canary, "canary/report.json");
	cr_expect_eq(p.cli.format, VIGIL_FORMAT_TEXT);
	PARSE(&p, "diff", "--format", "json", "a", "b");
	cr_assert_eq(p.r, 0, "%s", p.err);
	cr_expect_eq(p.cli.format, VIGIL_FORMAT_JSON);
	EXPECT_ERROR("two reports needed (usage: vigil diff BASE CANARY [--format text|json])",
		     "diff", "a");
	EXPECT_ERROR("unexpected argument 'c' (vigil diff takes BASE and CANARY)", "diff", "a",
		     "b", "c");
	EXPECT_ERROR("invalid --format 'sarif': expected text or json", "diff", "a", "b",
		     "--format", "sarif");
}
