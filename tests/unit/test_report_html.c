// SPDX-License-Identifier: MIT
/* The HTML page: every report string escaped (no markup or script can come from a
 * program's path, argv or symbols), the document embedded so that it parses back to
 * itself, findings grouped by severity, charts only when there is a series, no URL. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"

static char *page(const json_t *j)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(vigil_html__render(j, f), 0);
	fclose(f);
	return buf;
}

static json_t *load(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	cr_assert_not_null(j, "%s", je.text);
	return j;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

#define EVIL "</script><script>alert(1)</script><!--<img src=x onerror=alert(2)>'\\\"&amp;"

static const char hostile[] =
	"{\"run\": {\"command\": [\"./prog\", \"" EVIL "\"], \"notes\": [\"" EVIL "\"],"
	"  \"config\": {\"" EVIL "\": \"" EVIL "\"}},"
	" \"processes\": [{\"pid\": 4, \"ppid\": 1, \"exe\": \"/t/" EVIL "\", \"argv\": [\"" EVIL "\"],"
	"  \"exit\": {\"code\": 0}, \"series\": [{\"t_ms\": 0, \"heap_bytes\": 10, \"fds\": 3}]}],"
	" \"findings\": [{\"kind\": \"" EVIL "\", \"severity\": \"" EVIL "\", \"id\": \"" EVIL "\","
	"  \"message\": \"" EVIL "\", \"pids\": [4], \"details\": {\"" EVIL "\": \"" EVIL "\"},"
	"  \"stacks\": [{\"role\": \"" EVIL "\", \"tid\": 4, \"frames\": [{\"pc\": \"" EVIL "\","
	"   \"module\": \"" EVIL "\", \"offset\": \"" EVIL "\", \"function\": \"" EVIL "\","
	"   \"file\": \"" EVIL "\", \"line\": 3}]}]}],"
	" \"stats\": {\"pipe_sites\": [{\"kind\": \"" EVIL "\", \"count\": 1, \"pids\": [\"" EVIL "\"],"
	"  \"frames\": [{\"function\": \"" EVIL "\"}]}]}}";

Test(report_html, escapes_everything)
{
	json_t *j = load(hostile);
	char *out = page(j);

	/* The page's own two scripts and nothing else. */
	cr_expect_eq(count(out, "<script"), 2, "%s", out);
	cr_expect_eq(count(out, "</script"), 2, "%s", out);
	cr_expect_null(strstr(out, "<img"), "%s", out);
	cr_expect_null(strstr(out, "<!--"), "%s", out);
	cr_expect_not_null(strstr(out, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
				       "&lt;!--&lt;img src=x onerror=alert(2)&gt;&#39;&quot;&amp;amp;"),
			   "%s", out);
	free(out);
	json_decref(j);
}

/* The embedded document is the report itself, whatever its strings hold. */
Test(report_html, embedded_json_round_trips)
{
	static const char open[] = "<script type=\"application/json\" id=\"vigil-report\">";
	json_t *j = load(hostile), *back;
	char *out = page(j), *start = strstr(out, open), *end;
	json_error_t je;

	cr_assert_not_null(start);
	start += strlen(open);
	end = strstr(start, "</script>");
	cr_assert_not_null(end);
	*end = 0;
	cr_expect_null(strchr(start, '<'));
	back = json_loads(start, 0, &je);
	cr_assert_not_null(back, "%s", je.text);
	cr_expect(json_equal(j, back));
	json_decref(back);
	free(out);
	json_decref(j);
}

static const char doc[] =
	"{\"run\": {\"command\": [\"./server\"], \"exit\": {\"code\": 0}},"
	" \"processes\": [{\"pid\": 7, \"ppid\": 1, \"exe\": \"/abs/server\", \"exit\": {\"code\": 0}}],"
	" \"findings\": ["
	"  {\"id\": \"b\", \"kind\": \"deprecated-api\", \"severity\": \"info\", \"pids\": [7],"
	"   \"message\": \"i1\", \"stacks\": [], \"details\": {}},"
	"  {\"id\": \"a\", \"kind\": \"heap-growth\", \"severity\": \"warning\", \"pids\": [7],"
	"   \"message\": \"grew\", \"details\": {\"bytes\": 300, \"curve\": [[0, 100], [50, 200],"
	"   [100, 300]]}, \"stacks\": [{\"role\": \"allocation\", \"tid\": 7, \"frames\": ["
	"    {\"pc\": \"0x401136\", \"module\": \"/abs/server\", \"offset\": \"0x1136\","
	"     \"function\": \"remember\", \"file\": \"server.c\", \"line\": 25}]}]},"
	"  {\"id\": \"c\", \"kind\": \"leak\", \"severity\": \"error\", \"pids\": [7],"
	"   \"message\": \"e1\", \"stacks\": [], \"details\": {}}],"
	" \"stats\": {}}";

Test(report_html, grouped_by_severity)
{
	json_t *j = load(doc);
	char *out = page(j);
	char *e = strstr(out, "data-severity=\"error\"><h3"), *w, *i;

	w = strstr(out, "data-severity=\"warning\"><h3");
	i = strstr(out, "data-severity=\"info\"><h3");
	cr_assert(e && w && i, "%s", out);
	cr_expect(e < w && w < i, "groups out of order");
	cr_expect_not_null(strstr(out, "<span class=\"fn\">remember</span>"), "%s", out);
	cr_expect_not_null(strstr(out, "<p class=\"why\"><b>Why it matters:</b> "), "%s", out);
	/* The growth curve is a chart of its own; the page has no series chart. */
	cr_expect_eq(count(out, "<svg class=\"chart\""), 1, "%s", out);
	cr_expect_not_null(strstr(out, "id=\"no-series\""), "%s", out);
	/* Self-contained: no URL anywhere (the CSP forbids fetching one anyway). */
	cr_expect_null(strstr(out, "://"), "%s", out);
	cr_expect_null(strstr(out, "//"), "%s", out);
	free(out);
	json_decref(j);
}

/* Two processes with series: two charts (heap, descriptors), a line for each. */
Test(report_html, series_charts)
{
	json_t *j = load(doc), *procs = json_object_get(j, "processes");
	char *out, *charts;

	cr_assert_eq(json_array_append_new(procs, json_pack(
		"{s:i, s:i, s:s, s:{s:i}}", "pid", 8, "ppid", 7, "exe", "/abs/worker", "exit", "code",
		0)), 0);
	for (size_t p = 0; p < 2; p++) {
		json_t *s = json_array();

		for (int t = 0; t < 5; t++)
			json_array_append_new(s, json_pack("{s:i, s:i, s:i}", "t_ms", t * 1000,
							   "heap_bytes", (t + 1) << 20, "fds", 3 + t));
		json_object_set_new(json_array_get(procs, p), "series", s);
	}
	out = page(j);
	charts = strstr(out, "<section id=\"charts\">");
	cr_assert_not_null(charts);
	*strstr(charts, "</section>") = 0;
	cr_expect_eq(count(charts, "<svg class=\"chart\""), 2, "%s", charts);
	cr_expect_eq(count(charts, "<polyline"), 4, "%s", charts);
	cr_expect_not_null(strstr(charts, "Live heap"), "%s", charts);
	cr_expect_not_null(strstr(charts, "Open descriptors"), "%s", charts);
	cr_expect_not_null(strstr(charts, "8 worker"), "%s", charts);
	cr_expect_not_null(strstr(charts, ">4.0 MiB<"), "%s", charts);
	cr_expect_null(strstr(charts, "no-series"), "%s", charts);
	free(out);
	json_decref(j);
}

Test(report_html, odd_documents_do_not_crash)
{
	static const char *const docs[] = {
		"{}", "[]", "{\"findings\": 3, \"run\": []}",
		"{\"findings\": [1, \"x\", {\"stacks\": 5}, {\"stacks\": [{\"frames\": [1, {}]}]}]}",
		"{\"processes\": [{\"series\": [1, {\"t_ms\": \"x\"}, {\"t_ms\": -1, \"fds\": 2}]}]}",
		"{\"processes\": [{\"series\": [{\"t_ms\": 5, \"heap_bytes\": 0, \"fds\": 0}]}]}",
		"{\"findings\": [{\"kind\": \"heap-growth\", \"details\": {\"curve\": [[1], 2]}}]}",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_t *j = load(docs[i]);

		free(page(j));
		json_decref(j);
	}
}
