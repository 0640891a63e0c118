// SPDX-License-Identifier: MIT
/* SARIF from report.json: rules per kind present, results, the primary location in
 * the program's own code, paths relative to the source root (or absolute file: URIs,
 * or none), stacks as code flows outermost first, the invocation, and documents with
 * missing fields. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_sarif.h"
#include "vigil/finding.h"

static char root[PATH_MAX];

/* A source root holding src/a.c, as a checkout would. */
static void make_root(void)
{
	char tmpl[] = "/tmp/vigil-sarif-XXXXXX", path[PATH_MAX + 16];
	FILE *f;

	cr_assert_not_null(mkdtemp(tmpl));
	cr_assert_not_null(realpath(tmpl, root));
	snprintf(path, sizeof(path), "%s/src", root);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/src/a.c", root);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fclose(f);
}

static void remove_root(void)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/src/a.c", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/src", root);
	rmdir(path);
	rmdir(root);
}

TestSuite(report_sarif, .init = make_root, .fini = remove_root);

/* Frames as report.json has them; ROOT is replaced by the test's source root. */
static const char doc[] =
	"{\"schema\": \"vigil-report/1\", \"tool\": {\"name\": \"vigil\", \"version\": \"0.1.0\"},"
	" \"run\": {\"command\": [\"./server\", \"-p\", \"it's 8080\"],"
	"   \"started\": \"2026-11-25T19:00:00Z\", \"ended\": \"2026-11-25T19:00:05Z\","
	"   \"mode\": \"full\", \"checks\": [\"heap\"], \"bpf\": {\"ran\": false},"
	"   \"exit\": {\"signal\": 11}, \"notes\": [\"raw log s.1.log truncated\"]},"
	" \"findings\": ["
	"  {\"id\": \"00000000000000a1\", \"kind\": \"deprecated-api\", \"severity\": \"info\","
	"   \"count\": 2, \"pids\": [7], \"message\": \"gethostbyname is obsolete\","
	"   \"stacks\": [{\"role\": \"call\", \"tid\": 8, \"frames\": ["
	"     {\"pc\": \"0x1\", \"module\": \"/lib/libc.so.6\", \"offset\": \"0x10\","
	"      \"function\": \"gethostbyname\", \"file\": \"/usr/src/glibc/a b.c\", \"line\": 5},"
	"     {\"pc\": \"0x2\", \"module\": \"/abs/server\", \"offset\": \"0x20\","
	"      \"function\": \"lookup\", \"file\": \"src/a.c\", \"line\": 10, \"inlined\": true},"
	"     {\"pc\": \"0x3\", \"module\": \"/abs/server\", \"offset\": \"0x30\","
	"      \"function\": \"main\", \"file\": \"ROOT/src/./x/../a.c\", \"line\": 20},"
	"     {\"pc\": \"0x4\", \"module\": \"/lib/libc.so.6\", \"offset\": \"0x40\","
	"      \"function\": \"__libc_start_main\", \"file\": \"../csu/libc-start.c\","
	"      \"line\": 360},"
	"     {\"pc\": \"0x5\", \"module\": \"/abs/server\", \"offset\": \"0x50\","
	"      \"function\": \"_start\", \"file\": null, \"line\": null}]},"
	"    {\"role\": \"other-call\", \"tid\": 0, \"frames\": []}],"
	"   \"details\": {\"function\": \"gethostbyname\"}},"
	"  {\"id\": \"00000000000000a2\", \"kind\": \"leak\", \"severity\": \"warning\", \"count\": 3,"
	"   \"pids\": [7], \"message\": \"leak of 96 bytes in 3 blocks\","
	"   \"stacks\": [{\"role\": \"allocation\", \"tid\": 7, \"frames\": ["
	"     {\"pc\": \"0x6\", \"module\": \"/lib/libc.so.6\", \"offset\": \"0x60\","
	"      \"function\": \"strdup\", \"file\": \"string/strdup.c\", \"line\": 4}]}],"
	"   \"details\": {\"bytes\": 96}},"
	"  {\"id\": \"00000000000000a3\", \"kind\": \"frobnicate\", \"severity\": \"error\","
	"   \"count\": 1, \"pids\": [7], \"message\": \"m\", \"stacks\": [], \"details\": {}},"
	"  {\"id\": \"00000000000000a4\", \"kind\": \"leak\", \"severity\": \"error\", \"count\": 1,"
	"   \"pids\": [7], \"message\": \"n\", \"stacks\": [], \"details\": {}}],"
	" \"stats\": {\"allocs\": 12, \"pipe_sites\": []}}";

static json_t *build(const char *text)
{
	char *expanded = NULL;
	const char *at;
	json_error_t je;
	json_t *in, *out;

	/* One ROOT at most in the documents here. */
	at = strstr(text, "ROOT");
	if (at)
		cr_assert(asprintf(&expanded, "%.*s%s%s", (int)(at - text), text, root, at + 4) > 0);
	in = json_loads(expanded ? expanded : text, 0, &je);
	cr_assert_not_null(in, "%s", je.text);
	out = vigil_sarif__build(in, root);
	cr_assert_not_null(out);
	json_decref(in);
	free(expanded);
	return out;
}

/* The value at a path of keys and indexes: "runs/0/results/1/level". */
static const json_t *at(const json_t *j, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "/", &save); k && j; k = strtok_r(NULL, "/", &save))
		j = json_is_array(j) ? json_array_get(j, strtoul(k, NULL, 10)) : json_object_get(j, k);
	return j;
}

static const char *str_at(const json_t *j, const char *path)
{
	const json_t *v = at(j, path);

	return json_is_string(v) ? json_string_value(v) : "<none>";
}

static long long int_at(const json_t *j, const char *path)
{
	const json_t *v = at(j, path);

	cr_assert(json_is_integer(v), "no integer at %s", path);
	return json_integer_value(v);
}

Test(report_sarif, log_and_driver)
{
	json_t *s = build(doc);

	cr_expect_str_eq(str_at(s, "version"), "2.1.0");
	cr_expect_str_eq(str_at(s, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
	cr_expect_eq(json_array_size(at(s, "runs")), 1);
	cr_expect_str_eq(str_at(s, "runs/0/tool/driver/name"), "vigil");
	cr_expect_str_eq(str_at(s, "runs/0/tool/driver/version"), "0.1.0");
	json_decref(s);
}

/* One rule per kind present: vigil's in kind-table order, unknown ones after. */
Test(report_sarif, rules_per_kind_present)
{
	json_t *s = build(doc);
	const json_t *rules = at(s, "runs/0/tool/driver/rules");

	cr_assert_eq(json_array_size(rules), 3);
	cr_expect_str_eq(str_at(rules, "0/id"), "leak");
	cr_expect_str_eq(str_at(rules, "0/name"), "MemoryLeak");
	cr_expect_str_eq(str_at(rules, "0/defaultConfiguration/level"), "error");
	cr_expect_str_eq(str_at(rules, "1/id"), "deprecated-api");
	cr_expect_str_eq(str_at(rules, "1/name"), "DeprecatedApi");
	cr_expect_str_eq(str_at(rules, "1/defaultConfiguration/level"), "note");
	cr_expect_str_eq(str_at(rules, "2/id"), "frobnicate");
	cr_expect_str_eq(str_at(rules, "2/defaultConfiguration/level"), "warning");
	cr_expect_null(at(rules, "2/name"));
	for (int i = 0; i < 3; i++) {
		char p[64];

		snprintf(p, sizeof(p), "%d/shortDescription/text", i);
		cr_expect_neq(strlen(str_at(rules, p)), 0);
		snprintf(p, sizeof(p), "%d/fullDescription/text", i);
		cr_expect_neq(strlen(str_at(rules, p)), 0);
	}
	cr_expect_not_null(strstr(str_at(rules, "0/help/text"), "Usual fix: "),
			   "%s", str_at(rules, "0/help/text"));
	cr_expect_not_null(strstr(str_at(rules, "0/help/text"), "Free the block"));
	json_decref(s);
}

Test(report_sarif, results)
{
	json_t *s = build(doc);
	const json_t *res = at(s, "runs/0/results");

	cr_assert_eq(json_array_size(res), 4);
	cr_expect_str_eq(str_at(res, "0/ruleId"), "deprecated-api");
	cr_expect_eq(int_at(res, "0/ruleIndex"), 1);
	cr_expect_str_eq(str_at(res, "0/level"), "note");
	cr_expect_str_eq(str_at(res, "0/message/text"), "gethostbyname is obsolete");
	cr_expect_str_eq(json_string_value(json_object_get(at(res, "0/partialFingerprints"),
							   "vigil/v2")),
			 "00000000000000a1");
	cr_expect_eq(int_at(res, "0/occurrenceCount"), 2);
	cr_expect_eq(int_at(res, "0/properties/pids/0"), 7);
	cr_expect_str_eq(str_at(res, "0/properties/details/function"), "gethostbyname");
	/* The finding's severity, not the kind's default. */
	cr_expect_str_eq(str_at(res, "1/ruleId"), "leak");
	cr_expect_eq(int_at(res, "1/ruleIndex"), 0);
	cr_expect_str_eq(str_at(res, "1/level"), "warning");
	cr_expect_eq(int_at(res, "2/ruleIndex"), 2);
	cr_expect_str_eq(str_at(res, "2/level"), "error");
	/* No stack: no location and no code flow, still a result. */
	cr_expect_null(at(res, "3/locations"));
	cr_expect_null(at(res, "3/codeFlows"));
	json_decref(s);
}

/* The top frame is libc's (an absolute file outside the root); the first frame in
 * the program's own code is the location. */
Test(report_sarif, primary_location_in_own_code)
{
	json_t *s = build(doc);
	const json_t *loc = at(s, "runs/0/results/0/locations/0");

	cr_expect_str_eq(str_at(loc, "physicalLocation/artifactLocation/uri"), "src/a.c");
	cr_expect_str_eq(str_at(loc, "physicalLocation/artifactLocation/uriBaseId"), "SRCROOT");
	cr_expect_eq(int_at(loc, "physicalLocation/region/startLine"), 10);
	cr_expect_str_eq(str_at(loc, "logicalLocations/0/name"), "lookup");
	cr_expect_str_eq(str_at(loc, "logicalLocations/0/kind"), "function");
	json_decref(s);
}

/* No frame in own code (a relative path that names no file under the root): the top
 * frame, without a physical location. */
Test(report_sarif, primary_location_falls_back_to_top_frame)
{
	json_t *s = build(doc);
	const json_t *loc = at(s, "runs/0/results/1/locations/0");

	cr_expect_null(at(loc, "physicalLocation"));
	cr_expect_str_eq(str_at(loc, "logicalLocations/0/name"), "strdup");
	json_decref(s);
}

/* Outermost frame first, nesting levels from 0, the function as each message; the
 * file for frames that have no physical location. An empty stack has no flow. */
Test(report_sarif, stacks_as_code_flows)
{
	json_t *s = build(doc);
	const json_t *flows = at(s, "runs/0/results/0/codeFlows");
	const json_t *locs = at(flows, "0/threadFlows/0/locations");
	char uri[PATH_MAX + 64];

	cr_assert_eq(json_array_size(flows), 1);
	cr_expect_str_eq(str_at(flows, "0/message/text"), "called here (thread 8)");
	cr_expect_str_eq(str_at(flows, "0/threadFlows/0/message/text"), "call");
	cr_expect_str_eq(str_at(flows, "0/threadFlows/0/properties/role"), "call");
	cr_expect_eq(int_at(flows, "0/threadFlows/0/properties/tid"), 8);
	cr_assert_eq(json_array_size(locs), 5);
	for (int i = 0; i < 5; i++) {
		char p[64];

		snprintf(p, sizeof(p), "%d/nestingLevel", i);
		cr_expect_eq(int_at(locs, p), i);
	}
	cr_expect_str_eq(str_at(locs, "0/location/message/text"), "_start (server+0x50)");
	cr_expect_null(at(locs, "0/location/physicalLocation"));
	cr_expect_str_eq(str_at(locs, "0/module"), "/abs/server");
	cr_expect_str_eq(str_at(locs, "1/location/message/text"),
			 "__libc_start_main (../csu/libc-start.c:360)");
	cr_expect_null(at(locs, "1/location/physicalLocation"));
	/* An absolute path below the root, normalized, is relative to it. */
	cr_expect_str_eq(str_at(locs, "2/location/message/text"), "main");
	cr_expect_str_eq(str_at(locs, "2/location/physicalLocation/artifactLocation/uri"),
			 "src/a.c");
	cr_expect_eq(int_at(locs, "2/location/physicalLocation/region/startLine"), 20);
	cr_expect(json_is_true(at(locs, "3/properties/inlined")));
	/* Outside the root: an absolute, percent-encoded file URI with no base. */
	snprintf(uri, sizeof(uri), "file:///usr/src/glibc/a%%20b.c");
	cr_expect_str_eq(str_at(locs, "4/location/physicalLocation/artifactLocation/uri"), uri);
	cr_expect_null(at(locs, "4/location/physicalLocation/artifactLocation/uriBaseId"));
	cr_expect_str_eq(str_at(locs, "4/location/message/text"), "gethostbyname");
	json_decref(s);
}

/* The file system's root as the source root: every absolute path is below it. */
Test(report_sarif, root_of_file_system)
{
	json_error_t je;
	json_t *in = json_loads(doc, 0, &je), *s;
	const json_t *locs;

	cr_assert_not_null(in);
	s = vigil_sarif__build(in, "/");
	cr_assert_not_null(s);
	cr_expect_str_eq(str_at(s, "runs/0/originalUriBaseIds/SRCROOT/uri"), "file:///");
	locs = at(s, "runs/0/results/0/codeFlows/0/threadFlows/0/locations");
	cr_expect_str_eq(str_at(locs, "4/location/physicalLocation/artifactLocation/uri"),
			 "usr/src/glibc/a%20b.c");
	cr_expect_str_eq(str_at(locs, "4/location/physicalLocation/artifactLocation/uriBaseId"),
			 "SRCROOT");
	json_decref(s);
	json_decref(in);
}

Test(report_sarif, source_root_base)
{
	json_t *s = build(doc);
	char want[PATH_MAX + 16];

	snprintf(want, sizeof(want), "file://%s/", root);
	cr_expect_str_eq(str_at(s, "runs/0/originalUriBaseIds/SRCROOT/uri"), want);
	json_decref(s);
}

/* Death by signal 11: vigil's status 139 and the signal; the command line quoted for
 * a shell; notes as warnings. */
Test(report_sarif, invocation)
{
	json_t *s = build(doc);
	const json_t *inv = at(s, "runs/0/invocations/0");

	cr_expect(json_is_true(at(inv, "executionSuccessful")));
	cr_expect_str_eq(str_at(inv, "commandLine"), "./server -p 'it'\\''s 8080'");
	cr_expect_str_eq(str_at(inv, "arguments/2"), "it's 8080");
	cr_expect_eq(int_at(inv, "exitCode"), 139);
	cr_expect_eq(int_at(inv, "exitSignalNumber"), 11);
	cr_expect_str_eq(str_at(inv, "exitSignalName"), "SIGSEGV");
	cr_expect_str_eq(str_at(inv, "startTimeUtc"), "2026-11-25T19:00:00Z");
	cr_expect_str_eq(str_at(inv, "toolExecutionNotifications/0/message/text"),
			 "raw log s.1.log truncated");
	cr_expect_str_eq(str_at(inv, "toolExecutionNotifications/0/level"), "warning");
	cr_expect_eq(int_at(s, "runs/0/properties/stats/allocs"), 12);
	cr_expect_null(at(s, "runs/0/properties/stats/pipe_sites"));
	json_decref(s);
}

/* A document with nothing in it, or fields of the wrong type, still converts. */
Test(report_sarif, missing_fields)
{
	static const char *const docs[] = {
		"{}",
		"{\"findings\": {}, \"run\": [], \"stats\": 3}",
		"{\"findings\": [{}, {\"kind\": 5, \"stacks\": {}, \"details\": []},"
		" {\"kind\": \"leak\", \"stacks\": [{\"frames\": [{\"line\": \"x\"}, 7]}]}]}",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_t *s = build(docs[i]);

		cr_expect(json_is_array(at(s, "runs/0/results")), "doc %zu", i);
		cr_expect(json_is_array(at(s, "runs/0/tool/driver/rules")), "doc %zu", i);
		json_decref(s);
	}
}

Test(report_sarif, rendered_once_per_document)
{
	json_error_t je;
	json_t *in = json_loads(doc, 0, &je);
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	FILE *f;

	cr_assert_not_null(in);
	f = open_memstream(&a, &alen);
	cr_assert_eq(vigil_sarif__render(in, root, f), 0);
	fclose(f);
	f = open_memstream(&b, &blen);
	cr_assert_eq(vigil_sarif__render(in, root, f), 0);
	fclose(f);
	cr_expect_eq(alen, blen);
	cr_expect_str_eq(a, b);
	cr_expect_eq(a[alen - 1], '\n');
	free(a);
	free(b);
	json_decref(in);
}

Test(report_sarif, source_root_resolution)
{
	char out[PATH_MAX], cwd[PATH_MAX], path[PATH_MAX + 16], small[4];

	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_expect_eq(vigil_sarif__source_root(NULL, out, sizeof(out)), 0);
	cr_expect_str_eq(out, cwd);
	snprintf(path, sizeof(path), "%s/src/../src", root);
	cr_expect_eq(vigil_sarif__source_root(path, out, sizeof(out)), 0);
	snprintf(path, sizeof(path), "%s/src", root);
	cr_expect_str_eq(out, path);
	snprintf(path, sizeof(path), "%s/src/a.c", root);
	cr_expect_eq(vigil_sarif__source_root(path, out, sizeof(out)), -ENOTDIR);
	snprintf(path, sizeof(path), "%s/nope", root);
	cr_expect_eq(vigil_sarif__source_root(path, out, sizeof(out)), -ENOENT);
	cr_expect_eq(vigil_sarif__source_root(root, small, sizeof(small)), -ENAMETOOLONG);
}

/* Every kind vigil knows has a rule with a name of its own, a summary, why and fix. */
Test(report_sarif, every_kind_described)
{
	json_t *in = json_pack("{s:s,s:[]}", "schema", "vigil-report/1", "findings"), *s;
	const json_t *rules, *r;
	size_t i;

	cr_assert_not_null(in);
	for (unsigned k = 1; k < VIGIL_FK_MAX; k++)
		cr_assert_eq(json_array_append_new(json_object_get(in, "findings"),
						   json_pack("{s:s}", "kind", vigil_kind_name(k))),
			     0);
	s = vigil_sarif__build(in, root);
	cr_assert_not_null(s);
	rules = at(s, "runs/0/tool/driver/rules");
	cr_assert_eq(json_array_size(rules), VIGIL_FK_MAX - 1);
	json_array_foreach(rules, i, r) {
		const char *id = str_at(r, "id"), *name = str_at(r, "name");

		cr_expect_str_eq(id, vigil_kind_name((unsigned)i + 1));
		cr_expect_neq(strcmp(name, "<none>"), 0, "%s has no name", id);
		cr_expect_neq(strcasecmp(name, id), 0, "%s: name same as id", id);
		cr_expect_gt(strlen(str_at(r, "shortDescription/text")), 10, "%s", id);
		cr_expect_not_null(strstr(str_at(r, "help/text"), "Usual fix: "), "%s", id);
	}
	json_decref(s);
	json_decref(in);
}

/* A relative path not under the source root is looked for in the current directory:
 * built and run from the checkout, reported relative to a subdirectory of it. */
Test(report_sarif, relative_path_from_current_directory)
{
	char sub[PATH_MAX + 16];
	json_error_t je;
	json_t *in, *s;

	snprintf(sub, sizeof(sub), "%s/src", root);
	cr_assert_eq(chdir(root), 0);
	in = json_loads(doc, 0, &je);
	cr_assert_not_null(in);
	s = vigil_sarif__build(in, sub);
	cr_assert_not_null(s);
	cr_expect_str_eq(str_at(s, "runs/0/results/0/locations/0/physicalLocation/"
				   "artifactLocation/uri"),
			 "a.c");
	json_decref(s);
	/* Outside the source root, the file found: an absolute URI. */
	s = vigil_sarif__build(in, "/usr");
	cr_assert_not_null(s);
	snprintf(sub, sizeof(sub), "file://%s/src/a.c", root);
	cr_expect_str_eq(str_at(s, "runs/0/results/0/codeFlows/0/threadFlows/0/locations/3/"
				   "location/physicalLocation/artifactLocation/uri"),
			 sub);
	json_decref(s);
	json_decref(in);
}

/* A C++ name of any length stays whole (and valid UTF-8) in the flow's messages. */
Test(report_sarif, long_names_whole)
{
	size_t n = 3 * PATH_MAX;
	char *name = malloc(n + 1);
	json_t *in, *s;

	cr_assert_not_null(name);
	for (size_t i = 0; i < n; i += 2)
		memcpy(name + i, "\xc3\xa9", 2);
	name[n] = '\0';
	in = json_pack("{s:[{s:s,s:[{s:s,s:[{s:s,s:s}]}]}]}", "findings", "kind", "leak",
		       "stacks", "role", "allocation", "frames", "function", name, "module",
		       "/lib/x.so");
	cr_assert_not_null(in);
	s = vigil_sarif__build(in, root);
	cr_assert_not_null(s);
	cr_expect_eq(strlen(str_at(s, "runs/0/results/0/codeFlows/0/threadFlows/0/locations/0/"
				      "location/message/text")),
		     n + strlen(" (x.so+?)"));
	json_decref(s);
	json_decref(in);
	free(name);
}
