// SPDX-License-Identifier: MIT
/* Folded stacks: the metric as root frame, outermost frame first, one sorted line per
 * distinct stack with summed values, frame names the format can carry, and nothing
 * for findings that are no metric or have no stack or value. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "report_folded.h"

static char *folded(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_not_null(j, "%s", je.text);
	f = open_memstream(&buf, &len);
	cr_assert_eq(vigil_folded__render(j, f), 0);
	fclose(f);
	json_decref(j);
	return buf;
}

#define FR(fn) "{\"pc\": \"0x10\", \"module\": \"/bin/p\", \"offset\": \"0x10\", \"function\": " fn "}"

static const char doc[] =
	"{\"findings\": ["
	" {\"kind\": \"leak\", \"details\": {\"bytes\": 4096}, \"stacks\": [{\"role\": \"allocation\","
	"  \"frames\": [" FR("\"build_cache\"") ", " FR("\"main\"") "]}]},"
	" {\"kind\": \"leak\", \"details\": {\"bytes\": 96}, \"stacks\": [{\"role\": \"allocation\","
	"  \"frames\": [" FR("\"build_cache\"") ", " FR("\"main\"") "]}]},"
	" {\"kind\": \"heap-growth\", \"details\": {\"bytes\": 2000000}, \"stacks\": ["
	"  {\"role\": \"allocation\", \"frames\": [" FR("\"remember\"") ", " FR("\"main\"") "]}]},"
	" {\"kind\": \"lock-contention\", \"details\": {\"wait_ns\": 260697231}, \"stacks\": ["
	"  {\"role\": \"blocked\", \"frames\": [" FR("\"lookup\"") ", " FR("\"worker\"") "]}]},"
	" {\"kind\": \"double-free\", \"details\": {\"size\": 32}, \"stacks\": ["
	"  {\"role\": \"free\", \"frames\": [" FR("\"x\"") "]}]},"
	" {\"kind\": \"leak\", \"details\": {\"bytes\": 7}, \"stacks\": []},"
	" {\"kind\": \"leak\", \"details\": {}, \"stacks\": [{\"frames\": [" FR("\"y\"") "]}]}"
	"]}";

Test(report_folded, lines)
{
	char *out = folded(doc);

	cr_expect_str_eq(out, "heap-growth;main;remember 2000000\n"
			      "leak;main;build_cache 4192\n"
			      "lock-wait;worker;lookup 260697231\n");
	free(out);
}

/* Unknown functions by module and offset, else pc; ';' and control bytes replaced;
 * inlined frames marked as perf does; the role's stack preferred over the first. */
Test(report_folded, frame_names)
{
	char *out = folded(
		"{\"findings\": [{\"kind\": \"leak\", \"details\": {\"bytes\": 5}, \"stacks\": ["
		" {\"role\": \"free\", \"frames\": [" FR("\"wrong\"") "]},"
		" {\"role\": \"allocation\", \"frames\": ["
		"  {\"pc\": \"0x7f01\", \"module\": null, \"function\": null},"
		"  {\"pc\": \"0x7f02\", \"module\": \"/lib/libc.so.6\", \"offset\": \"0x2a\"},"
		"  " FR("\"a;b\\nc\"") ", {\"function\": \"f\", \"inlined\": true},"
		"  {\"function\": \"operator new(unsigned long)\"}]}]}]}");
	regex_t re;

	cr_expect_str_eq(out, "leak;operator new(unsigned long);f_[i];a:b?c;libc.so.6+0x2a;"
			      "0x7f01 5\n");
	/* What flamegraph.pl and speedscope parse: frames without ';', one space, a count. */
	cr_assert_eq(regcomp(&re, "^[^;\n]+(;[^;\n]+)+ [1-9][0-9]*\n$", REG_EXTENDED), 0);
	cr_expect_eq(regexec(&re, out, 0, NULL, 0), 0, "%s", out);
	regfree(&re);
	free(out);
}

Test(report_folded, nothing_to_fold)
{
	static const char *const docs[] = {
		"{}", "{\"findings\": []}", "{\"findings\": 3}",
		"{\"findings\": [1, {\"kind\": 2}, {\"kind\": \"leak\", \"details\": {\"bytes\": -4},"
		" \"stacks\": [{\"frames\": [{}]}]}]}",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char *out = folded(docs[i]);

		cr_expect_str_eq(out, "", "%s", docs[i]);
		free(out);
	}
}
