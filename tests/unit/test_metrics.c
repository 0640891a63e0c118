// SPDX-License-Identifier: MIT
/* --metrics: the exposition of a report, family by family: findings by kind and
 * severity, the gauges from the running processes' last samples, syscall errors and
 * ring-buffer drops from the report or from the kernel live, label escapes, the
 * format's line grammar, the file written atomically and readable by others. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"

static const char report_text[] =
	"{\"schema\": \"vigil-report/1\","
	" \"run\": {\"bpf\": {\"ran\": true, \"ringbuf_drops\": 4}},"
	" \"processes\": ["
	"  {\"pid\": 10, \"exit\": null, \"series\": [{\"t_ms\": 0, \"heap_bytes\": 5, \"fds\": 3},"
	"    {\"t_ms\": 9, \"heap_bytes\": 100, \"fds\": null}],"
	"   \"stats\": {\"syscalls\": [{\"syscall\": \"openat\", \"calls\": 9,"
	"     \"errors\": {\"ENOENT\": 2, \"EACCES\": 1}}]}},"
	"  {\"pid\": 11, \"exit\": null, \"series\": [{\"t_ms\": 0, \"heap_bytes\": 20, \"fds\": 7}],"
	"   \"stats\": {\"syscalls\": [{\"syscall\": \"openat\", \"calls\": 1,"
	"     \"errors\": {\"ENOENT\": 1}}]}},"
	"  {\"pid\": 12, \"exit\": {\"code\": 0}, \"series\": [{\"t_ms\": 0, \"heap_bytes\": 1000,"
	"     \"fds\": 1000}], \"stats\": {}},"
	"  {\"pid\": 10, \"exit\": {\"exec\": true}, \"series\": [{\"t_ms\": 0,"
	"     \"heap_bytes\": 50000, \"fds\": 50000}], \"stats\": {}}],"
	" \"findings\": ["
	"  {\"id\": \"1\", \"kind\": \"leak\", \"severity\": \"error\", \"count\": 3},"
	"  {\"id\": \"2\", \"kind\": \"leak\", \"severity\": \"error\", \"count\": 4},"
	"  {\"id\": \"3\", \"kind\": \"fd-leak\", \"severity\": \"warning\", \"count\": 1},"
	"  {\"id\": \"4\", \"kind\": \"unsafe-api\", \"severity\": \"info\","
	"   \"count\": \"18446744073709551615\"}]}";

static json_t *report(void)
{
	json_error_t e;
	json_t *j = json_loads(report_text, 0, &e);

	cr_assert_not_null(j, "%s", e.text);
	return j;
}

/* The exposition of report as text (the caller frees). */
static char *render(const json_t *j, const struct vigil_metrics_live *live)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	cr_assert_eq(vigil_metrics__render(f, j, live), 0);
	fclose(f);
	return buf;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static bool dead_11(uint32_t pid)
{
	return pid != 11;
}

/* Every line is a HELP, a TYPE or a sample; a family's HELP and TYPE come once and
 * before its samples, which are together. */
static void check_grammar(const char *text)
{
	regex_t sample, comment;
	char *copy = strdup(text), *save, *line;
	char families[32][64];
	size_t nfam = 0;

	cr_assert_eq(regcomp(&sample, "^([a-z_]+)(\\{[a-z_]+=\"([^\"\\\\]|\\\\.)*\""
				      "(,[a-z_]+=\"([^\"\\\\]|\\\\.)*\")*\\})? [0-9]+$",
			     REG_EXTENDED), 0);
	cr_assert_eq(regcomp(&comment, "^# (HELP|TYPE) ([a-z_]+) [^\n]+$", REG_EXTENDED), 0);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		regmatch_t m[3];
		char name[64];

		if (!regexec(&comment, line, 3, m, 0)) {
			snprintf(name, sizeof(name), "%.*s", (int)(m[2].rm_eo - m[2].rm_so),
				 line + m[2].rm_so);
			if (line[2] == 'H') {
				for (size_t i = 0; i < nfam; i++)
					cr_assert_str_neq(families[i], name, "%s twice", name);
				cr_assert_lt(nfam, 32);
				strcpy(families[nfam++], name);
			} else {
				cr_assert_str_eq(families[nfam - 1], name);
			}
			continue;
		}
		cr_assert_eq(regexec(&sample, line, 2, m, 0), 0, "bad line: '%s'", line);
		snprintf(name, sizeof(name), "%.*s", (int)(m[1].rm_eo - m[1].rm_so), line);
		cr_assert(nfam && !strcmp(families[nfam - 1], name), "'%s' outside its family",
			  line);
	}
	regfree(&sample);
	regfree(&comment);
	free(copy);
}

Test(metrics, every_family_from_the_start)
{
	struct vigil_metrics_live live = {.running = true};
	static const char *const fams[] = {
		"vigil_running gauge", "vigil_findings_total counter",
		"vigil_finding_occurrences_total counter", "vigil_live_heap_bytes gauge",
		"vigil_open_fds gauge", "vigil_processes gauge",
		"vigil_processes_started_total counter", "vigil_syscall_errors_total counter",
		"vigil_bpf_ringbuf_drops_total counter",
	};
	char *t = render(NULL, &live), want[128];

	check_grammar(t);
	for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		snprintf(want, sizeof(want), "# TYPE %s", fams[i]);
		cr_expect(has_line(t, want), "no '%s' in:\n%s", want, t);
	}
	cr_expect(has_line(t, "vigil_running 1"));
	cr_expect(has_line(t, "vigil_processes 0"));
	cr_expect(has_line(t, "vigil_processes_started_total 0"));
	/* Nothing known yet: no sample rather than a false zero. */
	cr_expect_null(strstr(t, "\nvigil_live_heap_bytes "));
	cr_expect_null(strstr(t, "\nvigil_bpf_ringbuf_drops_total "));
	free(t);
}

Test(metrics, snapshot_of_a_running_tree)
{
	json_t *j = report();
	struct vigil_metrics_live live = {.running = true};
	char *t = render(j, &live);

	check_grammar(t);
	cr_expect(has_line(t, "vigil_running 1"));
	cr_expect(has_line(t, "vigil_findings_total{kind=\"fd-leak\",severity=\"warning\"} 1"));
	cr_expect(has_line(t, "vigil_findings_total{kind=\"leak\",severity=\"error\"} 2"));
	cr_expect(has_line(t, "vigil_finding_occurrences_total{kind=\"leak\",severity=\"error\"} 7"));
	cr_expect(has_line(t, "vigil_finding_occurrences_total{kind=\"unsafe-api\","
			      "severity=\"info\"} 18446744073709551615"));
	/* Sorted by labels: fd-leak before leak. */
	cr_expect_lt(strstr(t, "kind=\"fd-leak\""), strstr(t, "kind=\"leak\""));
	/* Running: pids 10 and 11. The last known fds of 10 is its first sample's. */
	cr_expect(has_line(t, "vigil_live_heap_bytes 120"), "%s", t);
	cr_expect(has_line(t, "vigil_open_fds 10"), "%s", t);
	cr_expect(has_line(t, "vigil_processes 2"));
	cr_expect(has_line(t, "vigil_processes_started_total 4"));
	cr_expect(has_line(t, "vigil_syscall_errors_total{syscall=\"openat\",errno=\"EACCES\"} 1"));
	cr_expect(has_line(t, "vigil_syscall_errors_total{syscall=\"openat\",errno=\"ENOENT\"} 3"));
	cr_expect(has_line(t, "vigil_bpf_ringbuf_drops_total 4"));
	free(t);

	/* A process gone without an exit record (SIGKILL) is not running. */
	live.alive = dead_11;
	t = render(j, &live);
	cr_expect(has_line(t, "vigil_processes 1"));
	cr_expect(has_line(t, "vigil_live_heap_bytes 100"), "%s", t);
	cr_expect(has_line(t, "vigil_open_fds 3"), "%s", t);
	free(t);
	json_decref(j);
}

/* At the end nothing runs: the gauges are the images' values at exit, the ones exec
 * replaced left out. */
Test(metrics, final_file)
{
	json_t *j = report();
	struct vigil_metrics_live live = {.running = false, .alive = dead_11};
	char *t;

	json_object_set_new(json_array_get(json_object_get(j, "processes"), 0), "exit",
			    json_pack("{s:i}", "signal", 9));
	json_object_set_new(json_array_get(json_object_get(j, "processes"), 1), "exit",
			    json_pack("{s:i}", "code", 0));
	t = render(j, &live);
	check_grammar(t);
	cr_expect(has_line(t, "vigil_running 0"));
	cr_expect(has_line(t, "vigil_processes 0"));
	cr_expect(has_line(t, "vigil_live_heap_bytes 1120"), "%s", t);
	cr_expect(has_line(t, "vigil_open_fds 1010"), "%s", t);
	free(t);
	json_decref(j);
}

/* While the tree runs, the kernel's own counts win over the report's (which has them
 * only after the run). */
Test(metrics, live_bpf_counts_win)
{
	json_t *j = report();
	const struct vigil_metrics_errcount errs[] = {{2, 2, 40}, {999, 4000, 1}};
	struct vigil_metrics_live live = {.running = true, .bpf = true, .errs = errs,
					  .nerrs = 2, .ringbuf_drops = 17};
	char *t = render(j, &live);

	check_grammar(t);
	cr_expect(has_line(t, "vigil_syscall_errors_total{syscall=\"open\",errno=\"ENOENT\"} 40"),
		  "%s", t);
	cr_expect(has_line(t, "vigil_syscall_errors_total{syscall=\"syscall_999\","
			      "errno=\"4000\"} 1"), "%s", t);
	cr_expect_null(strstr(t, "openat"));
	cr_expect(has_line(t, "vigil_bpf_ringbuf_drops_total 17"));
	free(t);
	json_decref(j);
}

Test(metrics, label_values_are_escaped)
{
	json_t *j = json_pack("{s:[{s:s,s:s,s:i}]}", "findings", "kind", "a\"b\\c\nd",
			      "severity", "error", "count", 1);
	char *t = render(j, NULL);

	check_grammar(t);
	cr_expect(has_line(t, "vigil_findings_total{kind=\"a\\\"b\\\\c\\nd\",severity=\"error\"} 1"),
		  "%s", t);
	free(t);
	json_decref(j);
}

Test(metrics, written_atomically_and_readable_by_the_collector)
{
	char dir[] = "/tmp/vigil-metrics-XXXXXX", path[128], cmd[160];
	json_t *j = report();
	struct stat st;
	FILE *f;
	char buf[4096];
	size_t n;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vigil.prom", dir);
	cr_assert_eq(vigil_metrics__write(path, j, NULL), 0);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0644);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	cr_expect(has_line(buf, "vigil_running 0"));
	snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 1", dir);
	cr_expect_eq(system(cmd), 0, "a temporary file was left");
	snprintf(path, sizeof(path), "%s/no/such/dir/vigil.prom", dir);
	cr_expect_lt(vigil_metrics__write(path, j, NULL), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
	json_decref(j);
}
