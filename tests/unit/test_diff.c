// SPDX-License-Identifier: MIT
/* `vigil diff` on two constructed reports: new, gone and changed findings (counts,
 * severity, grown bytes), unchanged ones left out, the error gate, the text, bad input. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define FRAME(fn, line)                                                                   \
	"{\"pc\": \"0x401136\", \"module\": \"/abs/server\", \"offset\": \"0x1136\","      \
	" \"function\": \"" fn "\", \"file\": \"server.c\", \"line\": " #line "}"
#define LIBC_FRAME                                                                        \
	"{\"pc\": \"0x7f0001\", \"module\": \"/lib/x86_64-linux-gnu/libc.so.6\","          \
	" \"offset\": \"0x1\", \"function\": \"connect\", \"file\": null, \"line\": null}"
#define FINDING(id, kind, sev, count, msg, details, frames)                              \
	"{\"id\": \"" id "\", \"kind\": \"" kind "\", \"severity\": \"" sev "\","          \
	" \"count\": " #count ", \"pids\": [42], \"message\": \"" msg "\", \"stacks\": "     \
	"[{\"role\": \"allocation\", \"tid\": 42, \"frames\": [" frames "]}],"             \
	" \"details\": " details "}"
#define REPORT(findings)                                                                  \
	"{\"schema\": \"vigil-report/1\", \"run\": {\"command\": [\"./server\", \"-p\"]},"  \
	" \"findings\": [" findings "], \"stats\": {}}"

/* a1 and e5 unchanged (e5's bytes shrank: not news), b2 grew in count and bytes, c3's
 * curve ends higher, f6 became an error, d4 is gone; h8 and g7 are new, g7 an error. */
static const char base_doc[] = REPORT(
	FINDING("a1", "leak", "error", 3, "leak of 96 bytes in 3 blocks", "{\"bytes\": 96}",
		FRAME("conn_open", 10)) ","
	FINDING("b2", "leak", "error", 2, "leak of 64 bytes in 2 blocks", "{\"bytes\": 64}",
		FRAME("parse", 20)) ","
	FINDING("c3", "heap-growth", "warning", 1, "live heap grew",
		"{\"bytes\": 1000, \"curve\": [[10, 500], [20, 1000]]}", FRAME("remember", 30)) ","
	FINDING("d4", "fd-leak", "warning", 2, "2 descriptors leaked", "{}",
		FRAME("open_log", 40)) ","
	FINDING("e5", "leak", "error", 1, "leak of 500 bytes in 1 block", "{\"bytes\": 500}",
		FRAME("cache_put", 50)) ","
	FINDING("f6", "lock-order-inversion", "warning", 1, "lock order a b", "{}",
		FRAME("take_ab", 60)));

static const char canary_doc[] = REPORT(
	FINDING("a1", "leak", "error", 3, "leak of 96 bytes in 3 blocks", "{\"bytes\": 96}",
		FRAME("conn_open", 10)) ","
	FINDING("b2", "leak", "error", 4, "leak of 128 bytes in 4 blocks", "{\"bytes\": 128}",
		FRAME("parse", 20)) ","
	FINDING("c3", "heap-growth", "warning", 1, "live heap grew",
		"{\"bytes\": 1000, \"curve\": [[10, 500], [20, 3000]]}", FRAME("remember", 30)) ","
	FINDING("e5", "leak", "error", 1, "leak of 200 bytes in 1 block", "{\"bytes\": 200}",
		FRAME("cache_put", 50)) ","
	FINDING("f6", "lock-order-inversion", "error", 1, "lock order a b", "{}",
		FRAME("take_ab", 60)) ","
	FINDING("h8", "syscall-errors", "warning", 900, "connect failed 900 times", "{}",
		LIBC_FRAME "," FRAME("retry", 70)) ","
	FINDING("g7", "double-free", "error", 1, "double free of a 32-byte block", "{}",
		FRAME("conn_close", 80)));

static json_t *parse(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	cr_assert_not_null(j, "%s (line %d)", je.text, je.line);
	return j;
}

static json_t *compare(const char *base, const char *canary)
{
	json_t *b = parse(base), *c = parse(canary), *d;
	char err[256] = "";

	d = vigil_diff__compare(b, "base/", c, "canary/report.json", err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	json_decref(b);
	json_decref(c);
	return d;
}

/* The ids of a group, comma-separated, in its order. */
static void ids(const json_t *d, const char *group, char *buf, size_t len)
{
	const json_t *e;
	size_t i, n = 0;

	buf[0] = 0;
	json_array_foreach(json_object_get(d, group), i, e)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "",
				      json_string_value(json_object_get(e, "id")));
}

static json_int_t summary(const json_t *d, const char *k)
{
	return json_integer_value(json_object_get(json_object_get(d, "summary"), k));
}

static const json_t *entry(const json_t *d, const char *group, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(d, group), i, e)
		if (!strcmp(json_string_value(json_object_get(e, "id")), id))
			return e;
	cr_assert_fail("no %s in %s", id, group);
	return NULL;
}

static json_int_t side_int(const json_t *e, const char *side, const char *k)
{
	const json_t *v = json_object_get(json_object_get(e, side), k);

	cr_assert(json_is_integer(v), "%s.%s missing", side, k);
	return json_integer_value(v);
}

static char *changes(const json_t *e)
{
	return json_dumps(json_object_get(e, "changes"), JSON_COMPACT);
}

Test(diff, groups_in_severity_order)
{
	json_t *d = compare(base_doc, canary_doc);
	char buf[128];

	cr_expect_str_eq(json_string_value(json_object_get(d, "schema")), "vigil-diff/1");
	ids(d, "new", buf, sizeof(buf));
	cr_expect_str_eq(buf, "g7,h8");
	ids(d, "gone", buf, sizeof(buf));
	cr_expect_str_eq(buf, "d4");
	/* Errors first, then the canary's order; a1 and e5 are left out. */
	ids(d, "changed", buf, sizeof(buf));
	cr_expect_str_eq(buf, "b2,f6,c3");
	cr_expect_eq(summary(d, "new"), 2);
	cr_expect_eq(summary(d, "new_errors"), 1);
	cr_expect_eq(summary(d, "gone"), 1);
	cr_expect_eq(summary(d, "changed"), 3);
	cr_expect_eq(summary(d, "unchanged"), 2);
	json_decref(d);
}

Test(diff, sides_named)
{
	json_t *d = compare(base_doc, canary_doc);
	const json_t *b = json_object_get(d, "base"), *c = json_object_get(d, "canary");

	cr_expect_str_eq(json_string_value(json_object_get(b, "path")), "base/");
	cr_expect_str_eq(json_string_value(json_object_get(c, "path")), "canary/report.json");
	cr_expect_eq(json_integer_value(json_object_get(b, "findings")), 6);
	cr_expect_eq(json_integer_value(json_object_get(c, "findings")), 7);
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(b, "command"), 1)), "-p");
	json_decref(d);
}

/* New and gone findings are whole, as their report has them: stacks and details. */
Test(diff, new_and_gone_whole)
{
	json_t *d = compare(base_doc, canary_doc);
	const json_t *g7 = entry(d, "new", "g7"), *d4 = entry(d, "gone", "d4");

	cr_expect_str_eq(json_string_value(json_object_get(g7, "kind")), "double-free");
	cr_expect_str_eq(json_string_value(json_object_get(g7, "severity")), "error");
	cr_expect_eq(json_array_size(json_object_get(g7, "stacks")), 1);
	cr_expect_eq(json_integer_value(json_object_get(d4, "count")), 2);
	cr_expect(json_is_object(json_object_get(d4, "details")));
	json_decref(d);
}

Test(diff, changed_count_and_bytes)
{
	json_t *d = compare(base_doc, canary_doc);
	const json_t *b2 = entry(d, "changed", "b2");
	char *ch = changes(b2);

	cr_expect_str_eq(ch, "[\"count\",\"bytes\"]");
	cr_expect_str_eq(json_string_value(json_object_get(b2, "kind")), "leak");
	cr_expect_eq(side_int(b2, "base", "count"), 2);
	cr_expect_eq(side_int(b2, "canary", "count"), 4);
	cr_expect_eq(side_int(b2, "base", "bytes"), 64);
	cr_expect_eq(side_int(b2, "canary", "bytes"), 128);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(b2, "top"), "function")),
			 "parse");
	free(ch);
	json_decref(d);
}

/* heap-growth: the curve's last point grew though details.bytes did not. */
Test(diff, changed_curve_end)
{
	json_t *d = compare(base_doc, canary_doc);
	const json_t *c3 = entry(d, "changed", "c3");
	char *ch = changes(c3);

	cr_expect_str_eq(ch, "[\"last_bytes\"]");
	cr_expect_eq(side_int(c3, "base", "last_bytes"), 1000);
	cr_expect_eq(side_int(c3, "canary", "last_bytes"), 3000);
	free(ch);
	json_decref(d);
}

Test(diff, changed_severity)
{
	json_t *d = compare(base_doc, canary_doc);
	const json_t *f6 = entry(d, "changed", "f6");
	char *ch = changes(f6);

	cr_expect_str_eq(ch, "[\"severity\"]");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(f6, "base"),
							   "severity")), "warning");
	cr_expect_str_eq(json_string_value(json_object_get(f6, "severity")), "error");
	free(ch);
	json_decref(d);
}

/* Only new errors gate: reversed, the double free is gone and the new fd-leak is a
 * warning; a report against itself has no differences at all. */
Test(diff, error_gate)
{
	json_t *d = compare(base_doc, canary_doc);

	cr_expect_eq(vigil_diff__new_errors(d), 1);
	json_decref(d);

	d = compare(canary_doc, base_doc);
	cr_expect_eq(vigil_diff__new_errors(d), 0);
	cr_expect_eq(summary(d, "new_errors"), 0);
	entry(d, "gone", "g7");
	entry(d, "new", "d4");
	json_decref(d);

	d = compare(canary_doc, canary_doc);
	cr_expect_eq(vigil_diff__new_errors(d), 0);
	cr_expect_eq(summary(d, "new") + summary(d, "gone") + summary(d, "changed"), 0);
	cr_expect_eq(summary(d, "unchanged"), 7);
	json_decref(d);
}

static char *render(const json_t *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(vigil_diff__render_text(d, f), 0);
	fclose(f);
	return buf;
}

#define EXPECT_LINE(out, line) \
	cr_expect_not_null(strstr(out, line "\n"), "missing line '%s' in:\n%s", line, out)

Test(diff, text)
{
	json_t *d = compare(base_doc, canary_doc);
	char *out = render(d);

	EXPECT_LINE(out, "vigil diff: base base/ (6 findings), canary canary/report.json "
			 "(7 findings)");
	EXPECT_LINE(out, "new in canary (2):");
	EXPECT_LINE(out, "  error    double-free: double free of a 32-byte block");
	EXPECT_LINE(out, "           at conn_close server.c:80 (id g7)");
	/* The top frame outside libc. */
	EXPECT_LINE(out, "           at retry server.c:70 (id h8)");
	EXPECT_LINE(out, "gone from canary (1):");
	EXPECT_LINE(out, "  warning  fd-leak: 2 descriptors leaked");
	EXPECT_LINE(out, "changed (3):");
	EXPECT_LINE(out, "           count 2 -> 4");
	EXPECT_LINE(out, "           bytes 64 bytes -> 128 bytes (+64 bytes)");
	EXPECT_LINE(out, "           live at last sample 1000 bytes -> 2.9 KiB (+2.0 KiB)");
	EXPECT_LINE(out, "           severity warning -> error");
	EXPECT_LINE(out, "2 new (1 error), 1 gone, 3 changed, 2 unchanged");
	cr_expect_null(strstr(out, "id a1"), "unchanged a1 shown:\n%s", out);
	cr_expect_null(strstr(out, "id e5"), "unchanged e5 shown:\n%s", out);
	free(out);
	json_decref(d);
}

static void expect_bad(const char *canary, const char *why)
{
	json_t *b = parse(base_doc), *c = parse(canary), *d;
	char err[256] = "";

	errno = 0;
	d = vigil_diff__compare(b, "base/", c, "canary/", err, sizeof(err));
	cr_expect_null(d, "accepted %s", canary);
	cr_expect_eq(errno, EINVAL);
	cr_expect_not_null(strstr(err, "'canary/'"), "%s", err);
	cr_expect_not_null(strstr(err, why), "%s", err);
	cr_expect_null(strchr(err, '\n'));
	json_decref(d);
	json_decref(b);
	json_decref(c);
}

Test(diff, bad_input)
{
	expect_bad("{\"schema\": \"vigil-report/1\"}", "findings is not a list");
	expect_bad("{\"findings\": {}}", "findings is not a list");
	expect_bad(REPORT("{\"kind\": \"leak\", \"severity\": \"error\"}"), "findings[0]");
	expect_bad(REPORT("{\"id\": \"\", \"kind\": \"leak\", \"severity\": \"error\"}"),
		   "findings[0]");
	expect_bad(REPORT("{\"id\": \"x\", \"kind\": \"leak\", \"severity\": \"error\"}, 7"),
		   "findings[1]");
	expect_bad(REPORT("{\"id\": \"x\", \"kind\": \"leak\", \"severity\": \"error\","
			  " \"count\": 0}"), "findings[0]");
	expect_bad(REPORT("{\"id\": \"x\", \"kind\": \"leak\", \"severity\": \"error\"},"
			  "{\"id\": \"x\", \"kind\": \"leak\", \"severity\": \"error\"}"),
		   "id x twice");
}

/* Fields a finding may lack (message, details, stacks) do not stop the comparison. */
Test(diff, sparse_findings)
{
	json_t *d = compare(REPORT("{\"id\": \"x\", \"kind\": \"leak\", \"severity\": \"error\"}"),
			    REPORT("{\"id\": \"x\", \"kind\": \"leak\", \"severity\": \"error\","
				   " \"count\": 2}, {\"id\": \"y\", \"kind\": \"crash\","
				   " \"severity\": \"error\"}"));
	char *out = render(d);

	cr_expect_eq(summary(d, "changed"), 1);
	cr_expect_eq(vigil_diff__new_errors(d), 1);
	EXPECT_LINE(out, "           at <no stack> (id y)");
	EXPECT_LINE(out, "           count 1 -> 2");
	free(out);
	json_decref(d);
}

/* A bug whose line moved (edits above it): another id, the same fingerprint. It is
 * the same finding, unless the fingerprint is shared by several on a side. */
Test(diff, moved_line_pairs_by_fingerprint)
{
	static const char base[] = REPORT(
		"{\"id\": \"m1\", \"fingerprint\": \"fp1\", \"kind\": \"double-free\","
		" \"severity\": \"error\", \"count\": 1, \"message\": \"double free\"}");
	static const char moved[] = REPORT(
		"{\"id\": \"m2\", \"fingerprint\": \"fp1\", \"kind\": \"double-free\","
		" \"severity\": \"error\", \"count\": 3, \"message\": \"double free\"}");
	static const char twice[] = REPORT(
		"{\"id\": \"m2\", \"fingerprint\": \"fp1\", \"kind\": \"double-free\","
		" \"severity\": \"error\", \"count\": 1, \"message\": \"double free\"},"
		"{\"id\": \"m3\", \"fingerprint\": \"fp1\", \"kind\": \"double-free\","
		" \"severity\": \"error\", \"count\": 1, \"message\": \"double free\"}");
	json_t *d = compare(base, moved), *s = json_object_get(d, "summary");

	cr_expect_eq(json_integer_value(json_object_get(s, "new")), 0);
	cr_expect_eq(json_integer_value(json_object_get(s, "gone")), 0);
	cr_expect_eq(json_integer_value(json_object_get(s, "changed")), 1);
	cr_expect_eq(vigil_diff__new_errors(d), 0);
	json_decref(d);
	d = compare(base, twice);
	s = json_object_get(d, "summary");
	cr_expect_eq(json_integer_value(json_object_get(s, "new")), 2);
	cr_expect_eq(json_integer_value(json_object_get(s, "gone")), 1);
	json_decref(d);
}
