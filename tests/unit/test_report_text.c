// SPDX-License-Identifier: MIT
/* report.txt rendering from report.json: ASan-like lines, role headers, the config
 * line, severity groups with why/fix lines, colors only when asked, the summary,
 * notes, and no crash on documents with missing or mistyped fields. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explain.h"
#include "logbuf.h"
#include "rawlog_read.h"
#include "report.h"
#include "report_json.h"
#include "report_text.h"

static const char doc[] =
	"{\"schema\": \"vigil-report/1\", \"tool\": {\"name\": \"vigil\", \"version\": \"0.1.0\"},"
	" \"run\": {\"command\": [\"./server\", \"-p\", \"8080\"], \"started\": \"2026-11-25T19:00:00Z\","
	"   \"ended\": \"2026-11-25T19:00:05Z\", \"mode\": \"full\", \"checks\": [\"heap\"], \"bpf\": false,"
	"   \"exit\": {\"signal\": 11}, \"notes\": [\"raw log s.1.log truncated at offset 64\"]},"
	" \"processes\": [{\"pid\": 4242, \"ppid\": 4241, \"exe\": \"/abs/server\", \"argv\": [\"./server\"],"
	"   \"exit\": {\"signal\": 11}}],"
	" \"findings\": ["
	"  {\"id\": \"9f2c000000000001\", \"kind\": \"leak\", \"severity\": \"error\", \"count\": 3,"
	"   \"pids\": [4242, 4250], \"message\": \"leak of 96 bytes in 3 blocks\","
	"   \"stacks\": [{\"role\": \"allocation\", \"tid\": 4243, \"frames\": ["
	"     {\"pc\": \"0x401136\", \"module\": \"/abs/server\", \"offset\": \"0x1136\","
	"      \"function\": \"conn_close\", \"file\": \"server.c\", \"line\": 88, \"inlined\": true},"
	"     {\"pc\": \"0x401136\", \"module\": \"/abs/server\", \"offset\": \"0x1136\","
	"      \"function\": \"handle\", \"file\": \"server.c\", \"line\": 120},"
	"     {\"pc\": \"0x7f0012\", \"module\": null, \"offset\": null, \"function\": null,"
	"      \"file\": null, \"line\": null}]}],"
	"   \"details\": {\"bytes\": 96}},"
	"  {\"id\": \"9f2c000000000002\", \"kind\": \"crash\", \"severity\": \"error\", \"count\": 1,"
	"   \"pids\": [4242], \"message\": \"process 4242 killed by SIGSEGV (address 0x0)\","
	"   \"stacks\": [{\"role\": \"crash\", \"tid\": 4242, \"frames\": []}], \"details\": {}},"
	"  {\"id\": \"9f2c000000000003\", \"kind\": \"leak\", \"severity\": \"warning\", \"count\": 1,"
	"   \"pids\": [4242], \"message\": \"w\", \"stacks\": [], \"details\": {}}],"
	" \"stats\": {}}";

static char *render_styled(const char *text, bool color)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_not_null(j, "%s", je.text);
	f = open_memstream(&buf, &len);
	if (color)
		cr_assert_eq(vigil_text__render_styled(j, f, true), 0);
	else
		cr_assert_eq(vigil_text__render(j, f), 0);
	fclose(f);
	json_decref(j);
	return buf;
}

static char *render(const char *text)
{
	return render_styled(text, false);
}

#define EXPECT_LINE(out, line) \
	cr_expect_not_null(strstr(out, line "\n"), "missing line '%s' in:\n%s", line, out)

Test(report_text, asan_like_lines)
{
	char *out = render(doc);

	EXPECT_LINE(out, "vigil 0.1.0 report: ./server -p 8080");
	EXPECT_LINE(out, "==4242== ERROR: vigil: leak of 96 bytes in 3 blocks");
	EXPECT_LINE(out, "allocated by thread 4243 here:");
	EXPECT_LINE(out, "    #0 0x401136 in conn_close server.c:88 (/abs/server+0x1136) [inlined]");
	EXPECT_LINE(out, "    #1 0x401136 in handle server.c:120 (/abs/server+0x1136)");
	EXPECT_LINE(out, "    #2 0x7f0012 (<unknown module>)");
	EXPECT_LINE(out, "seen in processes 4242, 4250");
	EXPECT_LINE(out, "==4242== ERROR: vigil: process 4242 killed by SIGSEGV (address 0x0)");
	EXPECT_LINE(out, "crashed in thread 4242 (main) here:");
	EXPECT_LINE(out, "    <no stack>");
	EXPECT_LINE(out, "==4242== WARNING: vigil: w");
	EXPECT_LINE(out, "SUMMARY: vigil: 3 findings (leak: 2, crash: 1)");
	EXPECT_LINE(out, "note: raw log s.1.log truncated at offset 64");
	free(out);
}

static char *render_config(const char *config)
{
	char doc2[1024];

	snprintf(doc2, sizeof(doc2),
		 "{\"run\": {\"mode\": \"x\", \"checks\": [\"heap\"], \"config\": %s}}", config);
	return render(doc2);
}

/* The header says what ran, so that "no findings" can be read for what it is. */
Test(report_text, config_line)
{
	char *out;

	out = render_config("{\"mode\": \"canary\", \"sample_bytes\": 1048576, \"guard_rate\": 1000,"
			    " \"quarantine_bytes\": 67108864, \"redzone\": 16, \"on_error\": \"continue\"}");
	EXPECT_LINE(out, "mode canary: 1 allocation per 1 MiB sampled for stacks/16-byte redzones, "
			 "1 in 1000 on guard pages; quarantine 64 MiB; on error continue");
	free(out);
	out = render_config("{\"mode\": \"full\", \"sample_bytes\": 1048576, \"guard_rate\": 0,"
			    " \"quarantine_bytes\": 0, \"redzone\": 32, \"on_error\": \"abort\"}");
	EXPECT_LINE(out, "mode full: every allocation tracked with a stack and a 32-byte redzone, "
			 "no guard pages; quarantine off; on error abort");
	free(out);
	/* Sampling forced to 100%, odd sizes in bytes. */
	out = render_config("{\"mode\": \"canary\", \"sample_bytes\": 1, \"guard_rate\": 1,"
			    " \"quarantine_bytes\": 1000}");
	EXPECT_LINE(out, "mode canary: every allocation sampled for stacks/redzones, every "
			 "allocation on a guard page; quarantine 1000 bytes");
	free(out);
	out = render_config("{\"mode\": \"full\", \"growth_interval_ms\": 1000, "
			    "\"on_error\": \"continue\"}");
	EXPECT_LINE(out, "mode full: every allocation tracked with a stack; heap-growth "
			 "sampled every 1000 ms; on error continue");
	free(out);
	out = render_config("{\"mode\": \"canary\", \"sample_bytes\": 3145728, "
			    "\"quarantine_bytes\": 2147483648}");
	EXPECT_LINE(out, "mode canary: 1 allocation per 3 MiB sampled for stacks/redzones; "
			 "quarantine 2 GiB");
	free(out);
	/* Without a config (no process said), no line; a mistyped one is not trusted. */
	out = render_config("null");
	cr_expect_null(strstr(out, "\nmode"), "%s", out);
	free(out);
	out = render_config("{\"mode\": 7, \"guard_rate\": \"x\"}");
	EXPECT_LINE(out, "mode ?");
	free(out);
}

/* Heap errors: ASan-like headers for each role. */
Test(report_text, heap_roles)
{
	char *out = render(
		"{\"findings\": [{\"kind\": \"double-free\", \"severity\": \"error\", \"pids\": [7],"
		" \"message\": \"double free of a 32-byte block\", \"stacks\": ["
		"  {\"role\": \"free\", \"tid\": 8, \"frames\": []},"
		"  {\"role\": \"first-free\", \"tid\": 7, \"frames\": []},"
		"  {\"role\": \"allocation\", \"tid\": 9, \"frames\": []},"
		"  {\"role\": \"access\", \"tid\": 0, \"frames\": []},"
		"  {\"role\": \"access\", \"tid\": 8, \"frames\": []},"
		"  {\"role\": \"free\", \"frames\": []},"
		"  {\"role\": \"weird\", \"tid\": 8, \"frames\": []}]}]}");

	EXPECT_LINE(out, "==7== ERROR: vigil: double free of a 32-byte block");
	EXPECT_LINE(out, "freed by thread 8 here:");
	EXPECT_LINE(out, "previously freed by thread 7 (main) here:");
	EXPECT_LINE(out, "allocated by thread 9 here:");
	EXPECT_LINE(out, "accessed here:");
	EXPECT_LINE(out, "accessed by thread 8 here:");
	EXPECT_LINE(out, "freed here:");
	EXPECT_LINE(out, "stack of thread 8:");
	free(out);
}

/* Raw log -> report.json -> text: after the allocation stack, one line of the curve
 * (nine points: eight shown, the first and the last among them). */
Test(report_text, growth_line)
{
	struct logbuf b;
	struct vigil_report *r = vigil_report__new();
	struct vigil_plog *l;
	json_t *j;
	char *out = NULL, *stack, *line;
	size_t len = 0;
	FILE *f;

	lb_growth_log(&b, 7, 0x6010, lb_curve, 9);
	l = vigil_plog__parse(b.data, b.len, "/o/raw/grow.7.log");
	cr_assert_eq(vigil_report__add_log(r, l), 0);
	vigil_plog__free(l);
	cr_assert_eq(vigil_report__finish(r), 0);
	vigil_report__infer_run(r);
	j = vigil_report__to_json(r);
	cr_assert_not_null(j);
	f = open_memstream(&out, &len);
	cr_assert_eq(vigil_text__render(j, f), 0);
	fclose(f);
	json_decref(j);
	vigil_report__free(r);

	EXPECT_LINE(out, "==7== WARNING: vigil: live heap from one allocation site grew from "
			 "64.0 KiB to 1.9 MiB over 1.6 s");
	EXPECT_LINE(out, "growth: 1.0s 64 KiB, 1.2s 260 KiB, 1.4s 500 KiB, 1.6s 760 KiB, "
			 "2.0s 1.2 MiB, 2.2s 1.5 MiB, 2.4s 1.7 MiB, 2.6s 1.9 MiB");
	EXPECT_LINE(out, "mode full: every allocation tracked with a stack; heap-growth sampled "
			 "every 200 ms");
	stack = strstr(out, "allocated here:\n    #0 ");
	line = strstr(out, "\ngrowth: ");
	cr_expect(stack && line && stack < line, "growth line not after the stack:\n%s", out);
	cr_expect(line && strstr(line, "\nkind: heap-growth, id: "), "%s", out);
	free(out);
}

/* Curves of every length: all points up to eight, else eight evenly spaced; a curve
 * with a malformed point is not shown. */
Test(report_text, growth_line_points)
{
	static const char *const bad[] = {
		"[]", "5", "[[1, 2], [3]]", "[[1, 2], [\"x\", 4]]", "[[1, -2]]", "[[1, 2, 3]]",
	};
	char doc2[2048], curve[1024];
	size_t n = 0;
	char *out;

	out = render("{\"findings\": [{\"kind\": \"heap-growth\", \"details\": "
		     "{\"curve\": [[0, 512]]}}]}");
	EXPECT_LINE(out, "growth: 0.0s 512 B");
	free(out);
	for (int k = 0; k < 22; k++)
		n += (size_t)snprintf(curve + n, sizeof(curve) - n, "%s[%d, %d]", k ? ", " : "",
				      k * 1000, (k + 1) << 20);
	snprintf(doc2, sizeof(doc2), "{\"findings\": [{\"kind\": \"heap-growth\", "
		 "\"details\": {\"curve\": [%s]}}]}", curve);
	out = render(doc2);
	EXPECT_LINE(out, "growth: 0.0s 1.0 MiB, 3.0s 4.0 MiB, 6.0s 7.0 MiB, 9.0s 10 MiB, "
			 "12.0s 13 MiB, 15.0s 16 MiB, 18.0s 19 MiB, 21.0s 22 MiB");
	free(out);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		snprintf(doc2, sizeof(doc2), "{\"findings\": [{\"kind\": \"heap-growth\", "
			 "\"details\": {\"curve\": %s}}]}", bad[k]);
		out = render(doc2);
		cr_expect_null(strstr(out, "\ngrowth:"), "%s: %s", bad[k], out);
		free(out);
	}
}

Test(report_text, counts_line)
{
	json_t *j = json_loads(doc, 0, NULL);
	char buf[128];

	vigil_text__counts(j, buf, sizeof(buf));
	cr_expect_str_eq(buf, "3 findings (leak: 2, crash: 1)");
	json_decref(j);
	j = json_loads("{\"findings\": []}", 0, NULL);
	vigil_text__counts(j, buf, sizeof(buf));
	cr_expect_str_eq(buf, "no findings");
	json_decref(j);
	j = json_loads("{\"findings\": [{\"kind\": \"crash\"}]}", 0, NULL);
	vigil_text__counts(j, buf, sizeof(buf));
	cr_expect_str_eq(buf, "1 finding (crash: 1)");
	json_decref(j);
}

Test(report_text, odd_documents_do_not_crash)
{
	static const char *const docs[] = {
		"{}",
		"[]",
		"{\"findings\": 3, \"run\": []}",
		"{\"findings\": [1, \"x\", {\"stacks\": 5}, {\"stacks\": [{\"frames\": [1, {}]}]}]}",
		"{\"run\": {\"command\": [1], \"checks\": {}, \"exit\": 7, \"notes\": [null]}}",
		"{\"processes\": [{\"pid\": \"x\"}, 5]}",
		"{\"stats\": {\"pipe_sites\": [1, {\"frames\": 3}, {\"kind\": 5, \"frames\": [7],"
		" \"pids\": [\"x\"]}]}}",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		free(render(docs[i]));
}

/* "broken pipes:" lists each site with its count and its first frame outside the C
 * library; nothing of it without sites. */
Test(report_text, broken_pipes)
{
	static const char sites[] =
		"{\"stats\": {\"epipe_writes\": 3, \"pipe_sites\": ["
		" {\"kind\": \"epipe\", \"count\": 3, \"pids\": [4242], \"frames\": ["
		"  {\"pc\": \"0x7f0010\", \"module\": \"/lib/libc.so.6\", \"offset\": \"0x10\","
		"   \"function\": \"write\", \"file\": \"write.c\", \"line\": 26},"
		"  {\"pc\": \"0x401136\", \"module\": \"/abs/server\", \"offset\": \"0x1136\","
		"   \"function\": \"send_reply\", \"file\": \"server.c\", \"line\": 40}]},"
		" {\"kind\": \"sigpipe\", \"count\": 2, \"pids\": [1, 2], \"frames\": ["
		"  {\"pc\": \"0x7f0010\", \"module\": \"/lib/libc.so.6\", \"offset\": \"0x10\","
		"   \"function\": \"write\", \"file\": null, \"line\": null}]},"
		" {\"kind\": \"sigpipe\", \"count\": 1, \"pids\": [3], \"frames\": []}]}}";
	char *out = render(sites);

	EXPECT_LINE(out, "broken pipes:");
	EXPECT_LINE(out, "    3 writes failed with EPIPE in send_reply server.c:40 (process 4242)");
	EXPECT_LINE(out, "    2 processes died of SIGPIPE in write (/lib/libc.so.6+0x10) "
			 "(processes 1, 2)");
	EXPECT_LINE(out, "    1 process died of SIGPIPE (process 3)");
	free(out);
	out = render(doc);
	cr_expect_null(strstr(out, "broken pipes"), "%s", out);
	free(out);
}

/* Every image of a pid is listed; one that exec replaced says so rather than
 * "exit status unknown". */
Test(report_text, exec_replaced_image)
{
	char *out = render(
		"{\"processes\": ["
		" {\"pid\": 7, \"ppid\": 1, \"exe\": \"/bin/sh\", \"exit\": {\"exec\": true}},"
		" {\"pid\": 7, \"ppid\": 1, \"exe\": \"/usr/bin/prog\", \"exit\": {\"code\": 0}},"
		" {\"pid\": 8, \"ppid\": 7, \"exe\": \"/usr/bin/prog\", \"exit\": null}]}");

	EXPECT_LINE(out, "process 7 (parent 1) /bin/sh: replaced by exec");
	EXPECT_LINE(out, "process 7 (parent 1) /usr/bin/prog: exit code 0");
	EXPECT_LINE(out, "process 8 (parent 7) /usr/bin/prog: exit status unknown");
	free(out);
}

Test(report_text, written_for_the_owner_only)
{
	char dir[] = "/tmp/vigil-text-XXXXXX", path[64];
	json_t *j = json_loads(doc, 0, NULL);
	struct stat st;
	mode_t old = umask(0);

	cr_assert_not_null(j);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/report.txt", dir);
	cr_assert_eq(vigil_text__write_atomic(j, path), 0);
	umask(old);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	cr_expect_eq(unlink(path), 0);
	cr_expect_eq(rmdir(dir), 0);
	json_decref(j);
}

static const char mixed[] =
	"{\"findings\": ["
	" {\"kind\": \"deprecated-api\", \"severity\": \"info\", \"pids\": [1], \"message\": \"i1\"},"
	" {\"kind\": \"fd-leak\", \"severity\": \"warning\", \"pids\": [1], \"message\": \"w1\"},"
	" {\"kind\": \"leak\", \"severity\": \"error\", \"pids\": [1], \"message\": \"e1\"},"
	" {\"kind\": \"no-such-kind\", \"severity\": \"warning\", \"pids\": [1], \"message\": \"w2\"},"
	" {\"kind\": \"crash\", \"pids\": [1], \"message\": \"e2\"}]}";

/* Errors, then warnings, then notes, each group under its count, findings in report
 * order within a group; a finding without a severity counts as an error. */
Test(report_text, grouped_by_severity)
{
	char *out = render(mixed);
	const char *order[] = {
		"\n======== 2 errors ========\n", "ERROR: vigil: e1\n", "ERROR: vigil: e2\n",
		"\n======== 2 warnings ========\n", "WARNING: vigil: w1\n", "WARNING: vigil: w2\n",
		"\n======== 1 note ========\n", "INFO: vigil: i1\n", "\nSUMMARY: vigil: ",
	};
	const char *at = out;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *p = strstr(at, order[i]);

		cr_expect_not_null(p, "'%s' missing or out of order in:\n%s", order[i], out);
		if (p)
			at = p;
	}
	free(out);
	/* No findings, no group header. */
	out = render("{\"findings\": []}");
	cr_expect_null(strstr(out, "========"), "%s", out);
	free(out);
}

/* A known kind gets its why/fix right under its header line; an unknown one none. */
Test(report_text, why_and_fix)
{
	char *out = render(mixed);
	const char *why, *fix;
	char want[512];

	cr_assert_eq(vigil_explain__kind("leak", &why, &fix), 0);
	snprintf(want, sizeof(want), "ERROR: vigil: e1\nwhy: %s\nfix: %s\n", why, fix);
	cr_expect_not_null(strstr(out, want), "missing '%s' in:\n%s", want, out);
	cr_expect_not_null(strstr(out, "WARNING: vigil: w2\nkind: no-such-kind"), "%s", out);
	free(out);
}

/* Colors only when asked: severity labels, group headers, function names. */
Test(report_text, colors)
{
	char *plain = render(doc), *color = render_styled(doc, true);

	cr_expect_null(strchr(plain, '\033'), "escape in the plain report:\n%s", plain);
	cr_expect_not_null(strstr(color, "==4242== \033[1;31mERROR\033[0m: vigil: "), "%s", color);
	cr_expect_not_null(strstr(color, "\033[1;33mWARNING\033[0m"), "%s", color);
	cr_expect_not_null(strstr(color, " in \033[1mconn_close\033[0m server.c:88"), "%s", color);
	cr_expect_not_null(strstr(color, "\033[1;31m======== 2 errors ========\033[0m"), "%s",
			   color);
	free(plain);
	free(color);
}

static char *summary(const char *text, bool color)
{
	json_t *j = json_loads(text, 0, NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(j);
	vigil_text__summary(j, "out/report.txt", f, color);
	fclose(f);
	json_decref(j);
	return buf;
}

/* The stderr line: plain, or its counts colored by the worst severity. */
Test(report_text, summary_line)
{
	char *s = summary(doc, false);

	cr_expect_str_eq(s, "vigil: 3 findings (leak: 2, crash: 1) - report: out/report.txt\n");
	free(s);
	s = summary(doc, true);
	cr_expect_str_eq(s, "vigil: \033[1;31m3 findings (leak: 2, crash: 1)\033[0m - report: "
			    "out/report.txt\n");
	free(s);
	s = summary("{\"findings\": [{\"kind\": \"fd-leak\", \"severity\": \"warning\"}]}", true);
	cr_expect_not_null(strstr(s, "\033[1;33m1 finding (fd-leak: 1)\033[0m"), "%s", s);
	free(s);
	s = summary("{\"findings\": []}", true);
	cr_expect_not_null(strstr(s, "\033[32mno findings\033[0m"), "%s", s);
	free(s);
}

/* Colors need a terminal and no NO_COLOR, whatever its value (even empty). */
Test(report_text, want_color)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	FILE *tty, *mem;
	char *buf = NULL;
	size_t len = 0;

	cr_assert_geq(master, 0);
	cr_assert_eq(grantpt(master), 0);
	cr_assert_eq(unlockpt(master), 0);
	tty = fopen(ptsname(master), "w");
	cr_assert_not_null(tty);
	mem = open_memstream(&buf, &len);
	unsetenv("NO_COLOR");
	cr_expect(vigil_text__want_color(tty));
	cr_expect_not(vigil_text__want_color(mem));
	setenv("NO_COLOR", "", 1);
	cr_expect_not(vigil_text__want_color(tty));
	setenv("NO_COLOR", "1", 1);
	cr_expect_not(vigil_text__want_color(tty));
	unsetenv("NO_COLOR");
	fclose(tty);
	fclose(mem);
	free(buf);
	close(master);
}
