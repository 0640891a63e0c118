// SPDX-License-Identifier: MIT
/* report.json: written from a model, parsed back with jansson, every schema field
 * checked; atomic writes; the loader's errors. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "logbuf.h"
#include "rawlog_read.h"
#include "report.h"
#include "report_json.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/vigil-json-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(report_json, .init = setup, .fini = teardown);

static const char *run_argv[] = {"./prog", "-v"};

static struct vigil_report *sample(void)
{
	struct logbuf b;
	struct vigil_report *r = vigil_report__new();
	struct vigil_plog *l;
	const struct vigil_rec_kv stats[1] = {{.key = VIGIL_KEY_ALLOCS, .value = 7}};

	lb_leak_log(&b, 4242, "/nonexistent/prog", 96, 3, 0x6010);
	lb_stats(&b, stats, 1);
	l = vigil_plog__parse(b.data, b.len, "/o/raw/prog.4242.log");
	cr_assert_eq(vigil_report__add_log(r, l), 0);
	vigil_plog__free(l);
	cr_assert_eq(vigil_report__add_note(r, "raw log %s truncated at offset %d", "x.1.log", 8),
		     0);
	cr_assert_eq(vigil_report__finish(r), 0);
	r->command = run_argv;
	r->ncommand = 2;
	r->started = 1764100800; /* 2025-11-25T20:00:00Z */
	r->ended = 1764100805;
	r->exit = (struct vigil_status){VIGIL_STATUS_CODE, 0};
	return r;
}

static json_t *roundtrip(const struct vigil_report *r)
{
	char path[128], err[256];
	json_t *j = vigil_report__to_json(r), *back;

	cr_assert_not_null(j);
	snprintf(path, sizeof(path), "%s/report.json", dir);
	cr_assert_eq(vigil_json__write_atomic(j, path), 0);
	json_decref(j);
	back = vigil_json__load(path, err, sizeof(err));
	cr_assert_not_null(back, "%s", err);
	return back;
}

static const char *s(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	cr_assert(json_is_string(v), "'%s' is not a string", k);
	return json_string_value(v);
}

static json_int_t i(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	cr_assert(json_is_integer(v), "'%s' is not an integer", k);
	return json_integer_value(v);
}

static bool matches(const char *str, const char *re)
{
	regex_t rx;
	bool ok;

	cr_assert_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	ok = regexec(&rx, str, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

Test(report_json, schema_fields_round_trip)
{
	struct vigil_report *r = sample();
	json_t *j = roundtrip(r), *run, *p, *f, *st, *fr, *det;

	cr_expect_str_eq(s(j, "schema"), "vigil-report/1");
	cr_expect_str_eq(s(json_object_get(j, "tool"), "name"), "vigil");
	cr_expect_str_eq(s(json_object_get(j, "tool"), "version"), "0.1.0");

	run = json_object_get(j, "run");
	cr_assert(json_is_object(run));
	cr_expect_eq(json_array_size(json_object_get(run, "command")), 2);
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(run, "command"), 1)),
			 "-v");
	cr_expect_str_eq(s(run, "started"), "2025-11-25T20:00:00Z");
	cr_expect(matches(s(run, "ended"), "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"));
	cr_expect_str_eq(s(run, "mode"), "full");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(run, "checks"), 0)),
			 "heap");
	cr_expect(json_is_false(json_object_get(json_object_get(run, "bpf"), "ran")));
	cr_expect_eq(i(json_object_get(run, "exit"), "code"), 0);
	cr_expect_null(json_object_get(json_object_get(run, "exit"), "signal"));
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(run, "notes"), 0)),
			 "raw log x.1.log truncated at offset 8");

	p = json_array_get(json_object_get(j, "processes"), 0);
	cr_assert(json_is_object(p));
	cr_expect_eq(i(p, "pid"), 4242);
	cr_expect_eq(i(p, "ppid"), 1);
	cr_expect_str_eq(s(p, "exe"), "/usr/bin/prog");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(p, "argv"), 0)),
			 "./prog");
	cr_expect_eq(i(json_object_get(p, "exit"), "code"), 0);
	cr_expect_eq(i(json_object_get(p, "stats"), "allocs"), 7);

	cr_assert_eq(json_array_size(json_object_get(j, "findings")), 1);
	f = json_array_get(json_object_get(j, "findings"), 0);
	cr_expect(matches(s(f, "id"), "^[0-9a-f]{16}$"));
	cr_expect_str_eq(s(f, "kind"), "leak");
	cr_expect_str_eq(s(f, "severity"), "error");
	cr_expect_eq(i(f, "count"), 3);
	cr_expect_eq(json_integer_value(json_array_get(json_object_get(f, "pids"), 0)), 4242);
	cr_expect_str_eq(s(f, "message"), "leak of 96 bytes in 3 blocks (direct)");
	st = json_array_get(json_object_get(f, "stacks"), 0);
	cr_expect_str_eq(s(st, "role"), "allocation");
	cr_expect_eq(i(st, "tid"), 4242);
	cr_assert_eq(json_array_size(json_object_get(st, "frames")), 3);
	fr = json_array_get(json_object_get(st, "frames"), 0);
	cr_expect_str_eq(s(fr, "pc"), "0x6010");
	cr_expect_str_eq(s(fr, "module"), "/nonexistent/prog");
	cr_expect_str_eq(s(fr, "offset"), "0x10");
	cr_expect(json_is_null(json_object_get(fr, "function")));
	cr_expect(json_is_null(json_object_get(fr, "file")));
	cr_expect(json_is_null(json_object_get(fr, "line")));
	cr_expect_null(json_object_get(fr, "inlined"));
	det = json_object_get(f, "details");
	cr_expect_eq(i(det, "bytes"), 96);
	cr_expect_eq(i(det, "blocks"), 3);
	cr_expect_eq(i(det, "direct_bytes"), 96);
	cr_expect_eq(i(json_object_get(j, "stats"), "allocs"), 7);
	json_decref(j);
	vigil_report__free(r);
}

Test(report_json, symbolized_frames_and_special_values)
{
	struct vigil_report *r = sample();
	struct vigil_frame *fr = &r->findings[0].stacks[0].frames[0];
	json_t *j, *jf, *det, *run;

	fr->function = "conn_close";
	fr->file = "server.c";
	fr->line = 88;
	fr->inlined = true;
	r->findings[0].stacks[0].frames[1].module = NULL;
	r->findings[0].details[VIGIL_KEY_FAULT_ADDR] = 0xffffffffffffff00ull;
	r->findings[0].details_set |= VIGIL_KEYBIT(VIGIL_KEY_FAULT_ADDR);
	r->findings[0].details[VIGIL_KEY_SIZE] = ~0ull;
	r->findings[0].details_set |= VIGIL_KEYBIT(VIGIL_KEY_SIZE);
	r->findings[0].details[VIGIL_KEY_SI_CODE] = (uint64_t)-6;
	r->findings[0].details_set |= VIGIL_KEYBIT(VIGIL_KEY_SI_CODE);
	r->exit = (struct vigil_status){VIGIL_STATUS_SIGNAL, 11};
	r->procs[0].exe = "/bin/\xff\xfeodd";
	r->started = -1;
	j = roundtrip(r);
	jf = json_array_get(json_object_get(json_array_get(json_object_get(
		json_array_get(json_object_get(j, "findings"), 0), "stacks"), 0), "frames"), 0);
	cr_expect_str_eq(s(jf, "function"), "conn_close");
	cr_expect_str_eq(s(jf, "file"), "server.c");
	cr_expect_eq(i(jf, "line"), 88);
	cr_expect(json_is_true(json_object_get(jf, "inlined")));
	jf = json_array_get(json_object_get(json_array_get(json_object_get(
		json_array_get(json_object_get(j, "findings"), 0), "stacks"), 0), "frames"), 1);
	cr_expect(json_is_null(json_object_get(jf, "module")));
	cr_expect(json_is_null(json_object_get(jf, "offset")));
	det = json_object_get(json_array_get(json_object_get(j, "findings"), 0), "details");
	cr_expect_str_eq(s(det, "fault_addr"), "0xffffffffffffff00");
	/* Beyond jansson's signed integers: the exact value, as text. */
	cr_expect_str_eq(s(det, "size"), "18446744073709551615");
	cr_expect_eq(i(det, "si_code"), -6);
	run = json_object_get(j, "run");
	cr_expect_eq(i(json_object_get(run, "exit"), "signal"), 11);
	cr_expect(json_is_null(json_object_get(run, "started")));
	cr_expect_str_eq(s(json_array_get(json_object_get(j, "processes"), 0), "exe"),
			 "/bin/??odd");
	json_decref(j);
	vigil_report__free(r);
}

Test(report_json, heap_details_are_named)
{
	struct vigil_report *r = sample();
	struct vigil_finding *f = &r->findings[0];
	json_t *j, *det;

	f->kind = VIGIL_FK_MISMATCHED_FREE;
	f->details_set = 0;
#define PUT(k, v) (f->details[k] = (v), f->details_set |= VIGIL_KEYBIT(k))
	PUT(VIGIL_KEY_ALLOC_OP, VIGIL_OP_NEW_ARRAY);
	PUT(VIGIL_KEY_FREE_OP, VIGIL_OP_FREE);
	PUT(VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_GUARD_PAGE);
	PUT(VIGIL_KEY_WHERE, VIGIL_WHERE_STACK);
	PUT(VIGIL_KEY_BLOCK_ADDR, 0x7f0000001000ull);
	PUT(VIGIL_KEY_ADDR, 0x7f000000100cull);
	PUT(VIGIL_KEY_ACCESS_SIZE, 8);
	PUT(VIGIL_KEY_OFFSET, (uint64_t)-4);
	PUT(VIGIL_KEY_SIZE, 32);
	j = roundtrip(r);
	det = json_object_get(json_array_get(json_object_get(j, "findings"), 0), "details");
	cr_expect_str_eq(s(det, "alloc_op"), "operator new[]");
	cr_expect_str_eq(s(det, "free_op"), "free");
	cr_expect_str_eq(s(det, "detected_by"), "guard page");
	cr_expect_str_eq(s(det, "where"), "a stack");
	cr_expect_str_eq(s(det, "block_addr"), "0x7f0000001000");
	cr_expect_str_eq(s(det, "addr"), "0x7f000000100c");
	cr_expect_eq(i(det, "access_size"), 8);
	cr_expect_eq(i(det, "offset"), -4);
	cr_expect_eq(i(det, "size"), 32);
	cr_expect_str_eq(s(json_array_get(json_object_get(j, "findings"), 0), "message"),
			 "32-byte block allocated with operator new[] freed with free");
	json_decref(j);

	/* Values outside the enums (a newer writer) stay numbers. */
	PUT(VIGIL_KEY_FREE_OP, VIGIL_OP_MAX);
	PUT(VIGIL_KEY_WHERE, 0);
	j = roundtrip(r);
	det = json_object_get(json_array_get(json_object_get(j, "findings"), 0), "details");
	cr_expect_eq(i(det, "free_op"), VIGIL_OP_MAX);
	cr_expect_eq(i(det, "where"), 0);
#undef PUT
	json_decref(j);
	vigil_report__free(r);
}

/* api details: the text under the name its kind gives it, modes in octal, flags in
 * hex, replacement calls by name. */
Test(report_json, api_details_are_named)
{
	struct vigil_report *r = sample();
	struct vigil_finding *f = &r->findings[0];
	json_t *j, *det;

	f->kind = VIGIL_FK_INSECURE_PERMISSIONS;
	f->details_set = 0;
#define PUT(k, v) (f->details[k] = (v), f->details_set |= VIGIL_KEYBIT(k))
	PUT(VIGIL_KEY_MODE, 0666);
	PUT(VIGIL_KEY_UMASK, 0);
	PUT(VIGIL_KEY_FLAGS, 0x241);
	PUT(VIGIL_KEY_FUNC, VIGIL_FN_USLEEP);
	PUT(VIGIL_KEY_REPLACEMENT, VIGIL_FN_NANOSLEEP);
	PUT(VIGIL_KEY_TEXT_LEN, 9);
	f->text = "/tmp/x\\n!";
	j = roundtrip(r);
	det = json_object_get(json_array_get(json_object_get(j, "findings"), 0), "details");
	cr_expect_str_eq(s(det, "path"), "/tmp/x\\n!");
	cr_expect_str_eq(s(det, "mode"), "0666");
	cr_expect_str_eq(s(det, "umask"), "0000");
	cr_expect_str_eq(s(det, "flags"), "0x241");
	cr_expect_str_eq(s(det, "function"), "usleep");
	cr_expect_str_eq(s(det, "replacement"), "nanosleep");
	cr_expect_eq(i(det, "text_len"), 9);
	cr_expect_null(json_object_get(det, "text"));
	json_decref(j);

	f->kind = VIGIL_FK_SHELL_EXEC;
	j = roundtrip(r);
	det = json_object_get(json_array_get(json_object_get(j, "findings"), 0), "details");
	cr_expect_str_eq(s(det, "command"), "/tmp/x\\n!");
	json_decref(j);
#undef PUT
	vigil_report__free(r);
}

Test(report_json, run_config)
{
	struct vigil_report *r = sample();
	json_t *j, *cfg;

	/* No CONFIG record: null, not made up. */
	j = roundtrip(r);
	cr_expect(json_is_null(json_object_get(json_object_get(j, "run"), "config")));
	json_decref(j);

	r->config[VIGIL_KEY_CFG_MODE] = VIGIL_MODE_CANARY;
	r->config[VIGIL_KEY_CFG_SAMPLE_BYTES] = 1u << 20;
	r->config[VIGIL_KEY_CFG_GUARD_RATE] = 1000;
	r->config[VIGIL_KEY_CFG_QUARANTINE_BYTES] = 64u << 20;
	r->config[VIGIL_KEY_CFG_REDZONE] = 16;
	r->config[VIGIL_KEY_CFG_ON_ERROR_ABORT] = 1;
	r->config[VIGIL_KEY_CFG_GROWTH_INTERVAL_MS] = 250;
	r->config[VIGIL_KEY_CFG_DEADLOCK_MS] = 1000;
	r->config_set = VIGIL_CONFIG_KEYS;
	j = roundtrip(r);
	cfg = json_object_get(json_object_get(j, "run"), "config");
	cr_assert(json_is_object(cfg));
	cr_expect_eq(json_object_size(cfg), 8);
	cr_expect_eq(i(cfg, "growth_interval_ms"), 250);
	cr_expect_eq(i(cfg, "deadlock_ms"), 1000);
	cr_expect_str_eq(s(cfg, "mode"), "canary");
	cr_expect_eq(i(cfg, "sample_bytes"), 1 << 20);
	cr_expect_eq(i(cfg, "guard_rate"), 1000);
	cr_expect_eq(i(cfg, "quarantine_bytes"), 64 << 20);
	cr_expect_eq(i(cfg, "redzone"), 16);
	cr_expect_str_eq(s(cfg, "on_error"), "abort");
	json_decref(j);

	r->config[VIGIL_KEY_CFG_MODE] = VIGIL_MODE_FULL;
	r->config[VIGIL_KEY_CFG_ON_ERROR_ABORT] = 0;
	r->config_set = (VIGIL_KEYBIT(VIGIL_KEY_CFG_MODE)) | (VIGIL_KEYBIT(VIGIL_KEY_CFG_ON_ERROR_ABORT));
	j = roundtrip(r);
	cfg = json_object_get(json_object_get(j, "run"), "config");
	cr_expect_eq(json_object_size(cfg), 2);
	cr_expect_str_eq(s(cfg, "mode"), "full");
	cr_expect_str_eq(s(cfg, "on_error"), "continue");
	json_decref(j);
	vigil_report__free(r);
}

/* heap-growth from a raw log: the curve as [[t_ms, bytes], ...], the series keys not
 * as scalars, the message from its ends, the interval in run.config. */
Test(report_json, growth_curve)
{
	struct logbuf b;
	struct vigil_report *r = vigil_report__new();
	struct vigil_plog *l;
	json_t *j, *f, *det, *curve;

	lb_growth_log(&b, 7, 0x6010, lb_curve, 9);
	l = vigil_plog__parse(b.data, b.len, "/o/raw/grow.7.log");
	cr_assert_eq(vigil_report__add_log(r, l), 0);
	vigil_plog__free(l);
	cr_assert_eq(vigil_report__finish(r), 0);
	vigil_report__infer_run(r);
	j = roundtrip(r);
	f = json_array_get(json_object_get(j, "findings"), 0);
	cr_expect_str_eq(s(f, "kind"), "heap-growth");
	cr_expect_str_eq(s(f, "severity"), "warning");
	cr_expect_str_eq(s(f, "message"), "live heap from one allocation site grew from "
					  "64.0 KiB to 1.9 MiB over 1.6 s");
	cr_expect_str_eq(s(json_array_get(json_object_get(f, "stacks"), 0), "role"),
			 "allocation");
	det = json_object_get(f, "details");
	cr_expect_eq(json_object_size(det), 2);
	cr_expect_eq(i(det, "bytes"), 1992294);
	cr_expect_null(json_object_get(det, "series_t_ms"));
	cr_expect_null(json_object_get(det, "series_bytes"));
	curve = json_object_get(det, "curve");
	cr_assert(json_is_array(curve));
	cr_assert_eq(json_array_size(curve), 9);
	for (size_t k = 0; k < 9; k++) {
		json_t *p = json_array_get(curve, k);

		cr_assert_eq(json_array_size(p), 2);
		cr_expect_eq(json_integer_value(json_array_get(p, 0)), (json_int_t)lb_curve[k][0]);
		cr_expect_eq(json_integer_value(json_array_get(p, 1)), (json_int_t)lb_curve[k][1]);
	}
	cr_expect_eq(i(json_object_get(json_object_get(j, "run"), "config"),
		       "growth_interval_ms"), 200);
	json_decref(j);
	vigil_report__free(r);

	/* Other findings carry no curve key. */
	r = sample();
	j = roundtrip(r);
	det = json_object_get(json_array_get(json_object_get(j, "findings"), 0), "details");
	cr_expect_null(json_object_get(det, "curve"));
	json_decref(j);
	vigil_report__free(r);
}

Test(report_json, empty_report_is_valid)
{
	struct vigil_report *r = vigil_report__new();
	json_t *j;

	cr_assert_eq(vigil_report__finish(r), 0);
	j = roundtrip(r);
	cr_expect_eq(json_array_size(json_object_get(j, "findings")), 0);
	cr_expect_eq(json_array_size(json_object_get(j, "processes")), 0);
	cr_expect(json_is_object(json_object_get(j, "stats")));
	cr_expect_null(json_object_get(json_object_get(j, "stats"), "pipe_sites"));
	cr_expect(json_is_null(json_object_get(json_object_get(j, "run"), "exit")));
	json_decref(j);
	vigil_report__free(r);
}

/* stats.pipe_sites: each writing stack with its kind, count, pids and frames like a
 * finding's; absent when no write met a broken pipe. */
Test(report_json, pipe_sites)
{
	const uintptr_t pcs[2] = {0x6010, 0x6100};
	static const char argv[] = "prog";
	struct vigil_report *r = vigil_report__new();
	struct logbuf b = {.len = 0};
	const json_t *sites, *site, *fr;
	struct vigil_plog *l;
	json_t *j;

	lb_version(&b);
	lb_process(&b, 77, 1, "/nonexistent/prog", argv, sizeof(argv), 1);
	lb_module(&b, VIGIL_REC_MODULE, 0x6000, 0x6000, 0x9000, VIGIL_MODULE_MAIN,
		  "/nonexistent/prog");
	lb_stack(&b, 3, pcs, 2);
	lb_site(&b, VIGIL_KEY_EPIPE, 3, 4);
	lb_site(&b, VIGIL_KEY_SIGPIPE_DEATHS, 3, 1);
	l = vigil_plog__parse(b.data, b.len, "/o/raw/prog.77.log");
	cr_assert_eq(vigil_report__add_log(r, l), 0);
	vigil_plog__free(l);
	cr_assert_eq(vigil_report__finish(r), 0);
	j = roundtrip(r);
	sites = json_object_get(json_object_get(j, "stats"), "pipe_sites");
	cr_assert_eq(json_array_size(sites), 2);
	site = json_array_get(sites, 0);
	cr_expect_str_eq(s(site, "kind"), "epipe");
	cr_expect_eq(i(site, "count"), 4);
	cr_assert_eq(json_array_size(json_object_get(site, "pids")), 1);
	cr_expect_eq(json_integer_value(json_array_get(json_object_get(site, "pids"), 0)), 77);
	cr_assert_eq(json_array_size(json_object_get(site, "frames")), 2);
	fr = json_array_get(json_object_get(site, "frames"), 0);
	cr_expect_str_eq(s(fr, "module"), "/nonexistent/prog");
	cr_expect_str_eq(s(fr, "offset"), "0x10");
	cr_expect_str_eq(s(json_array_get(sites, 1), "kind"), "sigpipe");
	cr_expect_eq(i(json_array_get(sites, 1), "count"), 1);
	json_decref(j);
	vigil_report__free(r);
}

Test(report_json, atomic_write_leaves_no_temporary)
{
	struct vigil_report *r = sample();
	json_t *j = roundtrip(r);
	DIR *d = opendir(dir);
	struct dirent *de;
	int files = 0;
	char path[128];

	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			files++;
			cr_expect_str_eq(de->d_name, "report.json");
		}
	closedir(d);
	cr_expect_eq(files, 1);
	snprintf(path, sizeof(path), "%s/nodir/report.json", dir);
	cr_expect_lt(vigil_json__write_atomic(j, path), 0);
	json_decref(j);
	vigil_report__free(r);
}

/* The reports hold the target's argv: owner only, whatever the umask. */
Test(report_json, written_for_the_owner_only)
{
	struct vigil_report *r = sample();
	json_t *j = vigil_report__to_json(r);
	char path[128];
	struct stat st;
	mode_t old = umask(0);

	cr_assert_not_null(j);
	snprintf(path, sizeof(path), "%s/report.json", dir);
	cr_assert_eq(vigil_json__write_atomic(j, path), 0);
	umask(old);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	json_decref(j);
	vigil_report__free(r);
}

/* Each image of an exec'ing pid is a process of its own; the replaced ones say so. */
Test(report_json, exec_replaced_image)
{
	struct logbuf a = {.len = 0}, b = {.len = 0};
	static const char argv[] = "sh";
	struct vigil_report *r = vigil_report__new();
	const struct logbuf *logs[2] = {&a, &b};
	static const char *const names[2] = {"/o/raw/sh.77.log", "/o/raw/prog.77.log"};
	json_t *j, *procs;

	lb_version(&a);
	lb_process_at(&a, 77, 1, "/bin/sh", argv, sizeof(argv), 1, 1700000000);
	lb_version(&b);
	lb_process_at(&b, 77, 1, "/usr/bin/prog", argv, sizeof(argv), 1, 1700000001);
	lb_exit(&b, VIGIL_EXIT_RETURN, 0, 0);
	for (int k = 0; k < 2; k++) {
		struct vigil_plog *l = vigil_plog__parse(logs[k]->data, logs[k]->len, names[k]);

		cr_assert_eq(vigil_report__add_log(r, l), 0);
		vigil_plog__free(l);
	}
	cr_assert_eq(vigil_report__finish(r), 0);
	r->command = run_argv;
	r->ncommand = 1;
	j = roundtrip(r);
	procs = json_object_get(j, "processes");
	cr_assert_eq(json_array_size(procs), 2);
	cr_expect_str_eq(s(json_array_get(procs, 0), "log"), "sh.77.log");
	cr_expect(json_is_true(json_object_get(json_object_get(json_array_get(procs, 0), "exit"),
					       "exec")));
	cr_expect_eq(json_object_size(json_object_get(json_array_get(procs, 0), "exit")), 1);
	cr_expect_eq(i(json_object_get(json_array_get(procs, 1), "exit"), "code"), 0);
	json_decref(j);
	vigil_report__free(r);
}

Test(report_json, loader_rejects_bad_files)
{
	char path[128], err[512];
	FILE *f;

	cr_expect_null(vigil_json__load("/nonexistent/report.json", err, sizeof(err)));
	cr_expect_str_eq(err, "cannot read '/nonexistent/report.json': No such file or directory");
	snprintf(path, sizeof(path), "%s/garbage.json", dir);
	f = fopen(path, "w");
	fputs("{\"schema\": \"vigil-report/1\", ", f);
	fclose(f);
	cr_expect_null(vigil_json__load(path, err, sizeof(err)));
	cr_expect_not_null(strstr(err, "cannot parse"), "%s", err);
	cr_expect_null(strchr(err, '\n'));
	f = fopen(path, "w");
	fputs("{\"schema\": \"other/2\"}", f);
	fclose(f);
	cr_expect_null(vigil_json__load(path, err, sizeof(err)));
	cr_expect_not_null(strstr(err, "is not a vigil report"), "%s", err);
	f = fopen(path, "w");
	fputs("[1, 2]", f);
	fclose(f);
	cr_expect_null(vigil_json__load(path, err, sizeof(err)));
}

/* processes[].series: one object per sample, a value the process did not know null;
 * an empty array for a process without samples. */
Test(report_json, process_series)
{
	struct logbuf b;
	struct vigil_report *r = vigil_report__new();
	struct vigil_plog *l;
	json_t *j, *series, *pt;

	lb_leak_log(&b, 4242, "/nonexistent/prog", 96, 3, 0x6010);
	lb_sample(&b, 0, 0, 3);
	lb_sample(&b, 1200, 1ull << 20, VIGIL_SAMPLE_NONE);
	l = vigil_plog__parse(b.data, b.len, "/o/raw/prog.4242.log");
	cr_assert_eq(vigil_report__add_log(r, l), 0);
	vigil_plog__free(l);
	cr_assert_eq(vigil_report__finish(r), 0);
	j = roundtrip(r);
	series = json_object_get(json_array_get(json_object_get(j, "processes"), 0), "series");
	cr_assert_eq(json_array_size(series), 2);
	pt = json_array_get(series, 0);
	cr_expect_eq(i(pt, "t_ms"), 0);
	cr_expect_eq(i(pt, "heap_bytes"), 0);
	cr_expect_eq(i(pt, "fds"), 3);
	pt = json_array_get(series, 1);
	cr_expect_eq(i(pt, "t_ms"), 1200);
	cr_expect_eq(i(pt, "heap_bytes"), 1 << 20);
	cr_expect(json_is_null(json_object_get(pt, "fds")));
	cr_expect_eq(json_object_size(pt), 3);
	json_decref(j);
	vigil_report__free(r);

	r = sample();
	j = roundtrip(r);
	series = json_object_get(json_array_get(json_object_get(j, "processes"), 0), "series");
	cr_expect(json_is_array(series) && !json_array_size(series));
	json_decref(j);
	vigil_report__free(r);
}
