// SPDX-License-Identifier: MIT
/* Suppressions: the file format and its errors (file and line named), matching on
 * functions, files and modules, hit counts, report.json's run.suppressions, and the
 * rules --gen-suppressions writes suppressing what they were made from. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/finding.h"
#include "report.h"
#include "suppress.h"

static struct vigil_supp *parse_ok(const char *text, size_t len)
{
	struct vigil_supp *s = vigil_supp__new();
	char err[512] = "";

	cr_assert_not_null(s);
	cr_assert_eq(vigil_supp__parse(s, "t.supp", text, len, err, sizeof(err)), 0, "%s", err);
	return s;
}

#define PARSE_OK(text) parse_ok(text, sizeof(text) - 1)

/* The buffer must fail with exactly this message, and leave no rule behind. */
static void expect_error(const char *text, size_t len, const char *msg)
{
	struct vigil_supp *s = vigil_supp__new();
	char err[512] = "";

	cr_assert_not_null(s);
	cr_expect_eq(vigil_supp__parse(s, "t.supp", text, len, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, msg);
	cr_expect_eq(vigil_supp__nrules(s), 0);
	vigil_supp__free(s);
}

#define EXPECT_ERROR(text, msg) expect_error(text, sizeof(text) - 1, msg)

static void expect_rule(const struct vigil_supp *s, size_t i, unsigned line, unsigned kind,
			const char *pattern)
{
	const struct vigil_supp_rule *r = vigil_supp__rule(s, i);

	cr_assert_not_null(r, "no rule %zu", i);
	cr_expect_str_eq(r->file, "t.supp");
	cr_expect_eq(r->line, line, "rule %zu: line %u, expected %u", i, r->line, line);
	cr_expect_eq(r->kind, kind, "rule %zu: kind %u, expected %u", i, r->kind, kind);
	cr_expect_str_eq(r->pattern, pattern);
}

Test(suppress, parses_rules_comments_blanks_and_crlf)
{
	struct vigil_supp *s = PARSE_OK("# fonts leak by design\n"
					"leak:libfontconfig.so*\n"
					"\n"
					"   \t\n"
					"  lock-order-inversion : legacy_* \r\n"
					"\t# indented comment\n"
					"*:third_party/*\r\n"
					"mt-unsafe-call:std::locale::classic()\n"
					"leak:operator new(unsigned long)");

	cr_assert_eq(vigil_supp__nrules(s), 5);
	expect_rule(s, 0, 2, VIGIL_FK_LEAK, "libfontconfig.so*");
	expect_rule(s, 1, 5, VIGIL_FK_LOCK_ORDER_INVERSION, "legacy_*");
	expect_rule(s, 2, 7, 0, "third_party/*");
	/* Only the first ':' separates: C++ names keep theirs. */
	expect_rule(s, 3, 8, VIGIL_FK_MT_UNSAFE_CALL, "std::locale::classic()");
	expect_rule(s, 4, 9, VIGIL_FK_LEAK, "operator new(unsigned long)");
	cr_expect_null(vigil_supp__rule(s, 5));
	vigil_supp__free(s);
}

Test(suppress, every_kind_name_is_accepted)
{
	for (unsigned k = 1; k < VIGIL_FK_MAX; k++) {
		char line[128];
		struct vigil_supp *s;

		snprintf(line, sizeof(line), "%s:x\n", vigil_kind_name(k));
		s = parse_ok(line, strlen(line));
		cr_expect_eq(vigil_supp__rule(s, 0)->kind, k, "%s", line);
		vigil_supp__free(s);
	}
}

Test(suppress, empty_and_comment_only_files_have_no_rules)
{
	struct vigil_supp *s = parse_ok("", 0);

	cr_expect_eq(vigil_supp__nrules(s), 0);
	vigil_supp__free(s);
	s = PARSE_OK("# nothing yet\n\n");
	cr_expect_eq(vigil_supp__nrules(s), 0);
	vigil_supp__free(s);
}

Test(suppress, malformed_lines_name_file_and_line)
{
	EXPECT_ERROR("leak:a\nleak_b\n", "suppressions 't.supp' line 2: no ':' (expected kind:pattern)");
	EXPECT_ERROR("# c\n\nleak:\n", "suppressions 't.supp' line 3: empty pattern (use '*' to "
				      "match everything)");
	EXPECT_ERROR("leak:   \t\n", "suppressions 't.supp' line 1: empty pattern (use '*' to "
				      "match everything)");
	EXPECT_ERROR(":foo\n", "suppressions 't.supp' line 1: empty kind (expected kind:pattern)");
	EXPECT_ERROR("leek:foo\n", "suppressions 't.supp' line 1: unknown kind 'leek'");
	EXPECT_ERROR("Leak:foo\n", "suppressions 't.supp' line 1: unknown kind 'Leak'");
	EXPECT_ERROR("leak*:foo\n", "suppressions 't.supp' line 1: unknown kind 'leak*'");
	EXPECT_ERROR("leak:foo\\\n", "suppressions 't.supp' line 1: the pattern ends in an "
				     "unescaped '\\'");
	EXPECT_ERROR("leak:a\x01" "b\n", "suppressions 't.supp' line 1: control character 0x01 in "
					 "the pattern");
	EXPECT_ERROR("leak:a\rb\n", "suppressions 't.supp' line 1: control character 0x0d in the "
				    "pattern");
	EXPECT_ERROR("leak:caf\xe9\n", "suppressions 't.supp' line 1: the pattern is not UTF-8 "
				       "(byte 0xe9)");
	/* An escaped backslash at the end is a literal one. */
	vigil_supp__free(PARSE_OK("leak:foo\\\\\n"));
	/* UTF-8 is fine. */
	vigil_supp__free(PARSE_OK("leak:caf\xc3\xa9\n"));
}

Test(suppress, nul_bytes_are_errors_even_in_comments)
{
	EXPECT_ERROR("leak:a\nleak:b\0c\n", "suppressions 't.supp' line 2: NUL byte");
	EXPECT_ERROR("# a\0b\n", "suppressions 't.supp' line 1: NUL byte");
}

Test(suppress, overlong_lines_are_errors)
{
	size_t n = VIGIL_SUPP_LINE_MAX + 1;
	char *buf = malloc(n + 16), msg[128];

	cr_assert_not_null(buf);
	memcpy(buf, "# ok\nleak:", 10);
	memset(buf + 10, 'x', n - 5);
	buf[5 + n] = '\n';
	snprintf(msg, sizeof(msg), "suppressions 't.supp' line 2: line too long (over %d bytes)",
		 VIGIL_SUPP_LINE_MAX);
	expect_error(buf, 6 + n, msg);
	/* Exactly the limit, CR not counted, is fine. */
	buf[4 + n] = '\r';
	buf[5 + n] = '\n';
	vigil_supp__free(parse_ok(buf, 6 + n));
	free(buf);
}

Test(suppress, a_bad_file_keeps_no_rule_of_its_own)
{
	struct vigil_supp *s = PARSE_OK("leak:a\n");
	char err[256];

	cr_expect_eq(vigil_supp__parse(s, "b.supp", "leak:b\nnope\n", 12, err, sizeof(err)),
		     -EINVAL);
	cr_expect_str_eq(err, "suppressions 'b.supp' line 2: no ':' (expected kind:pattern)");
	cr_expect_eq(vigil_supp__nrules(s), 1);
	vigil_supp__free(s);
}

static char dir[64];

static void mkdir_tmp(void)
{
	strcpy(dir, "/tmp/vigil-supp-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

Test(suppress, files_are_read_in_order_and_errors_name_them, .init = mkdir_tmp,
     .fini = rm_tmp)
{
	char a[128], b[128], bad[128], missing[128], want[512], err[512];
	const char *paths[3];
	struct vigil_supp *s;

	snprintf(a, sizeof(a), "%s/a.supp", dir);
	snprintf(b, sizeof(b), "%s/b.supp", dir);
	snprintf(bad, sizeof(bad), "%s/bad.supp", dir);
	snprintf(missing, sizeof(missing), "%s/missing.supp", dir);
	write_file(a, "leak:a\n");
	write_file(b, "\n*:b\n");
	write_file(bad, "leak:fine\nfd-leak\n");

	paths[0] = a;
	paths[1] = b;
	s = vigil_supp__from_files(paths, 2, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	cr_assert_eq(vigil_supp__nrules(s), 2);
	cr_expect_str_eq(vigil_supp__rule(s, 0)->file, a);
	cr_expect_str_eq(vigil_supp__rule(s, 1)->file, b);
	cr_expect_eq(vigil_supp__rule(s, 1)->line, 2);
	vigil_supp__free(s);

	paths[1] = bad;
	cr_expect_null(vigil_supp__from_files(paths, 2, err, sizeof(err)));
	snprintf(want, sizeof(want), "suppressions '%s' line 2: no ':' (expected kind:pattern)",
		 bad);
	cr_expect_str_eq(err, want);

	paths[1] = missing;
	cr_expect_null(vigil_supp__from_files(paths, 2, err, sizeof(err)));
	cr_expect_eq(errno, ENOENT);
	snprintf(want, sizeof(want), "suppressions '%s': %s", missing, strerror(ENOENT));
	cr_expect_str_eq(err, want);

	paths[1] = dir;
	cr_expect_null(vigil_supp__from_files(paths, 2, err, sizeof(err)));
	snprintf(want, sizeof(want), "suppressions '%s': %s", dir, strerror(EISDIR));
	cr_expect_str_eq(err, want);

	/* A pipe, as --suppressions <(...) gives. */
	paths[0] = "/dev/stdin";
	{
		int fds[2], saved = dup(0);

		cr_assert_eq(pipe(fds), 0);
		cr_assert_eq(write(fds[1], "leak:p\n", 7), 7);
		close(fds[1]);
		dup2(fds[0], 0);
		close(fds[0]);
		s = vigil_supp__from_files(paths, 1, err, sizeof(err));
		dup2(saved, 0);
		close(saved);
	}
	cr_assert_not_null(s, "%s", err);
	cr_expect_str_eq(vigil_supp__rule(s, 0)->pattern, "p");
	vigil_supp__free(s);
}

/* A finding with two stacks: the top one through libc, then the program. */
static struct vigil_frame alloc_frames[] = {
	{.pc = 0x1, .module = "/lib/x86_64-linux-gnu/libc.so.6", .function = "__GI___strdup",
	 .file = "./string/strdup.c", .line = 42},
	{.pc = 0x2, .module = "/srv/app/bin/server", .function = "conn_new",
	 .file = "src/net/conn.c", .line = 88},
	{.pc = 0x3, .module = "/srv/app/bin/server", .function = "main", .file = "src/main.c"},
};
static struct vigil_frame free_frames[] = {
	{.pc = 0x4, .module = "/usr/lib/x86_64-linux-gnu/libfontconfig.so.1.12.0",
	 .function = "FcFini"},
	{.pc = 0x5, .module = NULL, .function = NULL, .file = NULL},
};
static struct vigil_stack stacks[] = {
	{.role = VIGIL_ROLE_ALLOCATION, .frames = alloc_frames, .nframes = 3},
	{.role = VIGIL_ROLE_FREE, .frames = free_frames, .nframes = 2},
};

static struct vigil_finding finding(unsigned kind, bool with_stacks)
{
	return (struct vigil_finding){
		.kind = kind,
		.severity = VIGIL_SEV_ERROR,
		.count = 1,
		.stacks = with_stacks ? stacks : NULL,
		.nstacks = with_stacks ? 2 : 0,
	};
}

static bool matches(const char *rules, const struct vigil_finding *f)
{
	struct vigil_supp *s = parse_ok(rules, strlen(rules));
	bool m = vigil_supp__match(s, f) >= 0;

	vigil_supp__free(s);
	return m;
}

Test(suppress, patterns_match_function_file_or_module_of_any_frame)
{
	struct vigil_finding f = finding(VIGIL_FK_LEAK, true);

	cr_expect(matches("leak:conn_new", &f));
	cr_expect(matches("leak:conn_*", &f));
	cr_expect(matches("leak:__GI_*strdup", &f));
	cr_expect(matches("leak:FcFini", &f), "a frame of the second stack");
	/* Files: as recorded, and by base name. */
	cr_expect(matches("leak:src/net/conn.c", &f));
	cr_expect(matches("leak:conn.c", &f));
	cr_expect(matches("leak:src/net/*", &f));
	cr_expect(matches("leak:*/net/*", &f));
	/* Modules: full path, base name, globs. */
	cr_expect(matches("leak:/srv/app/bin/server", &f));
	cr_expect(matches("leak:server", &f));
	cr_expect(matches("leak:libfontconfig.so*", &f));
	cr_expect(matches("leak:/usr/lib/*/libfontconfig.so.1.12.0", &f));
	cr_expect(matches("leak:lib[cf]*", &f));
	cr_expect(matches("*:conn_new", &f));

	cr_expect(!matches("leak:conn", &f), "a glob matches the whole name");
	cr_expect(!matches("leak:net", &f), "a directory is not a base name");
	cr_expect(!matches("leak:libfontconfig.so", &f));
	cr_expect(!matches("fd-leak:conn_new", &f), "another kind");
	cr_expect(!matches("leak:CONN_NEW", &f), "case matters");
	cr_expect(!matches("leak:nothing*", &f));
}

Test(suppress, escapes_and_frameless_findings)
{
	struct vigil_frame fr = {.pc = 1, .module = "/a/prog",
				 .function = "std::vector<int>::operator[](unsigned long)"};
	struct vigil_stack st = {.frames = &fr, .nframes = 1};
	struct vigil_finding f = finding(VIGIL_FK_HEAP_OVERFLOW, false), g = f;

	g.stacks = &st;
	g.nstacks = 1;
	cr_expect(matches("heap-overflow:std::vector<int>::operator\\[\\](unsigned long)", &g));
	cr_expect(matches("heap-overflow:*operator\\[\\]*", &g));

	/* A bare '*' is the whole kind, a finding without frames included; any other
	 * pattern needs a frame. */
	cr_expect(matches("heap-overflow:*", &f));
	cr_expect(matches("*:*", &f));
	cr_expect(!matches("heap-overflow:**", &f));
	cr_expect(!matches("leak:*", &f));
}

Test(suppress, apply_drops_matches_and_counts_first_rule_hits)
{
	struct vigil_finding fs[] = {
		finding(VIGIL_FK_LEAK, true),
		finding(VIGIL_FK_FD_LEAK, true),
		finding(VIGIL_FK_CRASH, false),
		finding(VIGIL_FK_LEAK, false),
	};
	struct vigil_report r = {.findings = fs, .nfindings = 4};
	struct vigil_supp *s = PARSE_OK("leak:conn_new\n"
					"*:server\n"
					"crash:nothing_like_it\n");

	fs[1].count = 7;
	cr_expect_eq(vigil_supp__apply(s, &r), 2);
	cr_expect_eq(vigil_supp__suppressed(s), 2);
	cr_expect_eq(vigil_supp__rule(s, 0)->hits, 1, "the leak: its first matching rule");
	cr_expect_eq(vigil_supp__rule(s, 1)->hits, 1, "the fd-leak, not the leak again");
	cr_expect_eq(vigil_supp__rule(s, 2)->hits, 0);
	cr_assert_eq(r.nfindings, 2);
	cr_expect_eq(r.findings[0].kind, VIGIL_FK_CRASH, "order kept");
	cr_expect_eq(r.findings[1].kind, VIGIL_FK_LEAK);

	/* Counts start again at each apply (a snapshot renders again). */
	cr_expect_eq(vigil_supp__apply(s, &r), 0);
	cr_expect_eq(vigil_supp__rule(s, 0)->hits, 0);
	cr_expect_eq(vigil_supp__suppressed(s), 0);
	vigil_supp__free(s);
}

static const char doc[] =
	"{\"schema\": \"vigil-report/1\", \"run\": {\"command\": [\"./server\"]},"
	" \"processes\": [{\"pid\": 7, \"exe\": \"/srv/app/bin/server\"}],"
	" \"findings\": ["
	"  {\"id\": \"a1\", \"kind\": \"leak\", \"message\": \"leak of 96 bytes\\nin 3 blocks\","
	"   \"stacks\": [{\"role\": \"allocation\", \"frames\": ["
	"     {\"module\": \"/lib/x86_64-linux-gnu/libc.so.6\", \"function\": \"__GI___strdup\"},"
	"     {\"module\": \"/srv/app/bin/server\", \"function\": \"conn_new\","
	"      \"file\": \"src/conn.c\"},"
	"     {\"module\": \"/srv/app/bin/server\", \"function\": \"main\"}]}]},"
	"  {\"id\": \"a2\", \"kind\": \"leak\", \"message\": \"m2\","
	"   \"stacks\": [{\"role\": \"allocation\", \"frames\": ["
	"     {\"module\": \"/lib/x86_64-linux-gnu/libc.so.6\", \"function\": \"malloc\"},"
	"     {\"module\": \"/usr/lib/x86_64-linux-gnu/libfontconfig.so.1.12.0\","
	"      \"function\": \"FcStrCopy\"},"
	"     {\"module\": \"/usr/lib/x86_64-linux-gnu/libfontconfig.so.1.12.0\"}]}]},"
	"  {\"id\": \"a3\", \"kind\": \"heap-overflow\", \"message\": \"m3\","
	"   \"stacks\": [{\"role\": \"access\", \"frames\": ["
	"     {\"module\": \"/opt/app/lib/libplug.so\","
	"      \"function\": \"std::vector<int>::operator[](unsigned long)\"}]}]},"
	"  {\"id\": \"a4\", \"kind\": \"crash\", \"message\": \"m4\","
	"   \"stacks\": [{\"role\": \"crash\", \"frames\": []}]},"
	"  {\"id\": \"a5\", \"kind\": \"leak\", \"message\": \"same site as a1\","
	"   \"stacks\": [{\"role\": \"allocation\", \"frames\": ["
	"     {\"module\": \"/srv/app/bin/server\", \"function\": \"conn_new\"}]}]},"
	"  {\"id\": \"a6\", \"kind\": \"lock-order-inversion\", \"message\": \"m6\","
	"   \"stacks\": [{\"role\": \"acquire\", \"frames\": ["
	"     {\"module\": \"/lib/x86_64-linux-gnu/libc.so.6\", \"function\": \"pthread_mutex_lock\"},"
	"     {\"module\": \"[vdso]\"}]}]},"
	"  {\"id\": \"a7\", \"kind\": \"from-the-future\", \"message\": \"m7\", \"stacks\": []}"
	" ]}";

static json_t *load_doc(void)
{
	json_error_t je;
	json_t *j = json_loads(doc, 0, &je);

	cr_assert_not_null(j, "%s", je.text);
	return j;
}

static char *generate(const json_t *j)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(vigil_supp__generate(j, f), 0);
	fclose(f);
	return buf;
}

Test(suppress, generated_rules_are_specific)
{
	json_t *j = load_doc();
	char *out = generate(j);

	/* The program's own function, past libc; once for both findings of that site. */
	cr_expect_not_null(strstr(out, "# leak a1: leak of 96 bytes in 3 blocks\n"
				       "# leak a5: same site as a1\n"
				       "leak:conn_new\n"), "%s", out);
	/* A library's leak: its name, any version, past the C library. */
	cr_expect_not_null(strstr(out, "# leak a2: m2\nleak:libfontconfig.so*\n"), "%s", out);
	/* A plugin the program ships is its own code; glob characters escaped. */
	cr_expect_not_null(strstr(out, "heap-overflow:std::vector<int>::operator\\[\\](unsigned "
				       "long)\n"), "%s", out);
	cr_expect_not_null(strstr(out, "# crash a4: m4\ncrash:*\n"), "%s", out);
	cr_expect_not_null(strstr(out, "lock-order-inversion:\\[vdso\\]\n"), "%s", out);
	cr_expect_not_null(strstr(out, "# from-the-future a7: m7\n# (a kind this vigil does not "
				       "know: no rule)\n"), "%s", out);
	cr_expect_null(strstr(out, "leak:conn_new\nleak:conn_new"), "a rule is written once");
	free(out);
	json_decref(j);
}

Test(suppress, generated_rules_suppress_every_finding_they_were_made_from)
{
	json_t *j = load_doc(), *run;
	char *out = generate(j), err[256];
	struct vigil_supp *s = vigil_supp__new();

	cr_assert_eq(vigil_supp__parse(s, "gen.supp", out, strlen(out), err, sizeof(err)), 0,
		     "%s\n%s", err, out);
	cr_assert_eq(vigil_supp__apply_json(s, j), 0);
	/* Only the kind this build does not know stays. */
	cr_expect_eq(json_array_size(json_object_get(j, "findings")), 1);
	cr_expect_eq(vigil_supp__suppressed(s), 6);
	for (size_t i = 0; i < vigil_supp__nrules(s); i++)
		cr_expect_gt(vigil_supp__rule(s, i)->hits, 0, "rule %zu matched nothing", i);
	run = json_object_get(j, "run");
	cr_expect_eq(json_integer_value(json_object_get(run, "suppressed")), 6);
	cr_expect_eq(json_array_size(json_object_get(run, "suppressions")),
		     vigil_supp__nrules(s));
	vigil_supp__free(s);
	free(out);
	json_decref(j);
}

Test(suppress, specific_rules_come_before_broad_ones)
{
	static const char two[] =
		"{\"processes\": [{\"exe\": \"/a/prog\"}], \"findings\": ["
		" {\"id\": \"m\", \"kind\": \"unsafe-api\", \"stacks\": [{\"frames\": ["
		"   {\"module\": \"/a/prog\", \"function\": \"main\"}]}]},"
		" {\"id\": \"h\", \"kind\": \"unsafe-api\", \"stacks\": [{\"frames\": ["
		"   {\"module\": \"/a/prog\", \"function\": \"helper\"},"
		"   {\"module\": \"/a/prog\", \"function\": \"main\"}]}]}]}";
	json_error_t je;
	json_t *j = json_loads(two, 0, &je);
	char *out, err[256];
	struct vigil_supp *s = vigil_supp__new();

	cr_assert_not_null(j, "%s", je.text);
	out = generate(j);
	/* unsafe-api:main matches both: first, it would leave helper's rule no hit. */
	cr_expect_str_eq(out, "# unsafe-api h\nunsafe-api:helper\n# unsafe-api m\nunsafe-api:main\n");
	cr_assert_eq(vigil_supp__parse(s, "g", out, strlen(out), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vigil_supp__apply_json(s, j), 0);
	cr_expect_eq(vigil_supp__rule(s, 0)->hits, 1);
	cr_expect_eq(vigil_supp__rule(s, 1)->hits, 1);
	vigil_supp__free(s);
	free(out);
	json_decref(j);
}

Test(suppress, long_names_give_rules_that_still_parse_and_match)
{
	char name[3000], docbuf[4000], err[256], *out;
	json_error_t je;
	struct vigil_supp *s = vigil_supp__new();
	json_t *j;

	for (size_t i = 0; i < sizeof(name) - 1; i++)
		name[i] = "ab*[\xc3\xa9"[i % 6];
	name[sizeof(name) - 1] = '\0';
	/* Keep the name valid UTF-8: end on a whole character. */
	for (size_t n = strlen(name); ((unsigned char)name[n - 1] & 0xc0) == 0xc0; n--)
		name[n - 1] = '\0';
	snprintf(docbuf, sizeof(docbuf),
		 "{\"processes\": [], \"findings\": [{\"id\": \"x\", \"kind\": \"leak\","
		 " \"stacks\": [{\"frames\": [{\"module\": \"/a/p\", \"function\": \"%s\"}]}]}]}",
		 name);
	j = json_loads(docbuf, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	out = generate(j);
	cr_expect_lt(strlen(out), 1200, "%zu bytes", strlen(out));
	cr_assert_eq(vigil_supp__parse(s, "g", out, strlen(out), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vigil_supp__apply_json(s, j), 0);
	cr_expect_eq(vigil_supp__suppressed(s), 1, "%s", out);
	vigil_supp__free(s);
	free(out);
	json_decref(j);
}

Test(suppress, no_findings_generate_nothing)
{
	json_t *j = json_pack("{s:[]}", "findings");
	char *out = generate(j);

	cr_expect_str_eq(out, "");
	free(out);
	json_decref(j);
}

Test(suppress, record_lists_rules_and_adds_to_earlier_passes)
{
	json_t *j = load_doc(), *list, *r0;
	struct vigil_supp *s = PARSE_OK("leak:conn_new\nfd-leak:*\n");
	struct vigil_supp *t = PARSE_OK("crash:*\n");

	cr_assert_eq(vigil_supp__apply_json(s, j), 0);
	list = json_object_get(json_object_get(j, "run"), "suppressions");
	cr_assert_eq(json_array_size(list), 2);
	r0 = json_array_get(list, 0);
	cr_expect_str_eq(json_string_value(json_object_get(r0, "file")), "t.supp");
	cr_expect_eq(json_integer_value(json_object_get(r0, "line")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(r0, "rule")), "leak:conn_new");
	cr_expect_eq(json_integer_value(json_object_get(r0, "hits")), 2);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(list, 1), "hits")), 0);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "run"), "suppressed")),
		     2);
	cr_expect_eq(json_array_size(json_object_get(j, "findings")), 5);

	/* A second pass (vigil report on a saved report) appends and adds up. */
	cr_assert_eq(vigil_supp__apply_json(t, j), 0);
	cr_expect_eq(json_array_size(list), 3);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 2), "rule")),
			 "crash:*");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "run"), "suppressed")),
		     3);
	cr_expect_eq(json_array_size(json_object_get(j, "findings")), 4);
	vigil_supp__free(s);
	vigil_supp__free(t);
	json_decref(j);
}

Test(suppress, text_section_lists_hits_and_flags_unmatched_rules)
{
	json_t *j = load_doc();
	struct vigil_supp *s = PARSE_OK("leak:conn_new\n\n*:nowhere\n");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_eq(vigil_supp__apply_json(s, j), 0);
	vigil_supp__print_text(j, f);
	fclose(f);
	cr_expect_str_eq(buf, "\nsuppressions (2 rules): 2 findings suppressed\n"
			      "    leak:conn_new (t.supp:1): 2 hits\n"
			      "    *:nowhere (t.supp:3): matched nothing\n");
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	vigil_supp__print_summary(s, f);
	fclose(f);
	cr_expect_str_eq(buf, "vigil: 2 findings suppressed; rules that matched nothing: "
			      "t.supp:3 *:nowhere\n");
	free(buf);

	/* A report without rules has no section. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	json_object_del(json_object_get(j, "run"), "suppressions");
	vigil_supp__print_text(j, f);
	fclose(f);
	cr_expect_str_eq(buf, "");
	free(buf);
	vigil_supp__free(s);
	json_decref(j);
}

Test(suppress, leading_byte_order_mark_is_skipped)
{
	struct vigil_supp *s = PARSE_OK("\xef\xbb\xbfleak:conn_*\n");

	cr_assert_eq(vigil_supp__nrules(s), 1);
	expect_rule(s, 0, 1, VIGIL_FK_LEAK, "conn_*");
	vigil_supp__free(s);
}
