// SPDX-License-Identifier: MIT
/* --events: one JSON line per finding, once per id, with the frame outside libc, the
 * process's exe, a UTC time; appended, never truncating what was there. */
#include <criterion/criterion.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"

static char dir[64], path[128];

static void setup(void)
{
	strcpy(dir, "/tmp/vigil-events-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(events, .init = setup, .fini = teardown);

static json_t *finding(const char *id, const char *kind)
{
	return json_pack("{s:s,s:s,s:s,s:i,s:[i],s:s,s:[{s:s,s:[{s:s,s:s,s:s,s:i},"
			 "{s:s,s:s,s:s,s:i}]}]}",
			 "id", id, "kind", kind, "severity", "error", "count", 2, "pids", 77,
			 "message", "a message",
			 "stacks", "role", "free", "frames",
			 "module", "/lib/x86_64-linux-gnu/libc.so.6", "function", "close",
			 "file", "close.c", "line", 1,
			 "module", "/srv/app", "function", "conn_close", "file", "conn.c",
			 "line", 88);
}

static json_t *report_of(json_t *findings)
{
	return json_pack("{s:s,s:[{s:i,s:s},{s:i,s:n}],s:o}", "schema", "vigil-report/1",
			 "processes", "pid", 77, "exe", "/srv/app", "pid", 78, "exe",
			 "findings", findings);
}

/* The lines of the file, parsed. */
static json_t *lines(void)
{
	FILE *f = fopen(path, "r");
	json_t *a = json_array();
	char buf[8192];

	cr_assert_not_null(f);
	while (fgets(buf, sizeof(buf), f)) {
		json_error_t e;
		json_t *o;

		cr_assert_eq(buf[strlen(buf) - 1], '\n', "a line without its newline");
		o = json_loads(buf, 0, &e);
		cr_assert(json_is_object(o), "not a JSON object: %s (%s)", buf, e.text);
		json_array_append_new(a, o);
	}
	fclose(f);
	return a;
}

Test(events, one_line_per_new_finding)
{
	struct vigil_events *e;
	json_t *r, *got, *o;
	regex_t iso;
	FILE *f = fopen(path, "w");

	fputs("{\"earlier\": true}\n", f);
	fclose(f);
	e = vigil_events__open(path);
	cr_assert_not_null(e);
	r = report_of(json_pack("[o]", finding("00000000000000a1", "double-close")));
	cr_assert_eq(vigil_events__emit(e, r), 0);
	/* The same finding again (its count may grow): no new line. */
	cr_assert_eq(vigil_events__emit(e, r), 0);
	json_decref(r);
	r = report_of(json_pack("[o,o]", finding("00000000000000b2", "leak"),
				finding("00000000000000a1", "double-close")));
	cr_assert_eq(vigil_events__emit(e, r), 0);
	json_decref(r);
	vigil_events__close(e);

	got = lines();
	cr_assert_eq(json_array_size(got), 3);
	cr_expect(json_is_true(json_object_get(json_array_get(got, 0), "earlier")));
	o = json_array_get(got, 1);
	cr_expect_str_eq(json_string_value(json_object_get(o, "event")), "finding");
	cr_expect_str_eq(json_string_value(json_object_get(o, "id")), "00000000000000a1");
	cr_expect_str_eq(json_string_value(json_object_get(o, "kind")), "double-close");
	cr_expect_str_eq(json_string_value(json_object_get(o, "severity")), "error");
	cr_expect_str_eq(json_string_value(json_object_get(o, "message")), "a message");
	cr_expect_eq(json_integer_value(json_object_get(o, "count")), 2);
	cr_expect_eq(json_integer_value(json_object_get(o, "pid")), 77);
	cr_expect_str_eq(json_string_value(json_object_get(o, "exe")), "/srv/app");
	/* The first frame outside the C library. */
	cr_expect_str_eq(json_string_value(json_object_get(o, "function")), "conn_close");
	cr_expect_str_eq(json_string_value(json_object_get(o, "file")), "conn.c");
	cr_expect_eq(json_integer_value(json_object_get(o, "line")), 88);
	cr_expect_str_eq(json_string_value(json_object_get(o, "module")), "/srv/app");
	cr_assert_eq(regcomp(&iso, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\."
				   "[0-9]{3}Z$", REG_EXTENDED | REG_NOSUB), 0);
	cr_expect_eq(regexec(&iso, json_string_value(json_object_get(o, "time")), 0, NULL, 0), 0);
	regfree(&iso);
	o = json_array_get(got, 2);
	cr_expect_str_eq(json_string_value(json_object_get(o, "kind")), "leak");
	json_decref(got);
}

/* A finding without stacks or a known process still makes a line, its unknowns null. */
Test(events, unknowns_are_null)
{
	struct vigil_events *e = vigil_events__open(path);
	json_t *r = json_pack("{s:[{s:s,s:s,s:s,s:i,s:[i],s:s,s:[]}]}", "findings", "id",
			      "00000000000000c3", "kind", "syscall-errors", "severity", "warning",
			      "count", 5, "pids", 9, "message", "m", "stacks"), *got, *o;

	cr_assert_eq(vigil_events__emit(e, r), 0);
	vigil_events__close(e);
	got = lines();
	cr_assert_eq(json_array_size(got), 1);
	o = json_array_get(got, 0);
	cr_expect(json_is_null(json_object_get(o, "exe")));
	cr_expect(json_is_null(json_object_get(o, "function")));
	cr_expect(json_is_null(json_object_get(o, "line")));
	cr_expect_eq(json_integer_value(json_object_get(o, "pid")), 9);
	json_decref(got);
	json_decref(r);
}

Test(events, open_errors)
{
	char bad[160];

	snprintf(bad, sizeof(bad), "%s/no/such/dir/e.jsonl", dir);
	cr_expect_null(vigil_events__open(bad));
	cr_expect_eq(errno, ENOENT);
}
