// SPDX-License-Identifier: MIT
/* Raw logs -> report model: symbolized frames, dedupe by id across processes, sort
 * order, libvigil frames hidden, notes for damaged logs, exit and run inference. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logbuf.h"
#include "rawlog_read.h"
#include "report.h"

static struct vigil_report *from_logs(struct logbuf *const *logs, const char *const *names,
				      size_t n)
{
	struct vigil_report *r = vigil_report__new();

	cr_assert_not_null(r);
	for (size_t i = 0; i < n; i++) {
		struct vigil_plog *l = vigil_plog__parse(logs[i]->data, logs[i]->len, names[i]);

		cr_assert_not_null(l);
		cr_assert_eq(vigil_report__add_log(r, l), 0);
		vigil_plog__free(l);
	}
	cr_assert_eq(vigil_report__finish(r), 0);
	return r;
}

Test(collect, equal_findings_merge_across_processes)
{
	struct logbuf a, b, c;
	struct vigil_report *r;
	const struct vigil_finding *f;

	lb_leak_log(&a, 11, "/nonexistent/prog", 96, 3, 0x6010);
	lb_leak_log(&b, 10, "/nonexistent/prog", 32, 1, 0x6010);
	lb_leak_log(&c, 12, "/nonexistent/prog", 8, 1, 0x6020); /* another site */
	r = from_logs((struct logbuf *const[]){&a, &b, &c},
		      (const char *const[]){"prog.11.log", "prog.10.log", "prog.12.log"}, 3);
	cr_assert_eq(r->nfindings, 2);
	f = &r->findings[0];
	cr_expect_eq(f->count, 4);
	cr_assert_eq(f->npids, 2);
	cr_expect_eq(f->pids[0], 10);
	cr_expect_eq(f->pids[1], 11);
	cr_expect_eq(f->details[VIGIL_KEY_BYTES], 128);
	cr_expect_eq(f->details[VIGIL_KEY_BLOCKS], 4);
	cr_expect_eq(f->details[VIGIL_KEY_DIRECT_BYTES], 128);
	cr_expect_eq(strlen(f->id), 16);
	cr_expect_str_neq(f->id, r->findings[1].id);
	/* The first log's stacks are the ones kept. */
	cr_expect_eq(f->stacks[0].tid, 11);
	/* Unsymbolized frames: module and offset only. */
	cr_assert_eq(f->stacks[0].nframes, 3);
	cr_expect_str_eq(f->stacks[0].frames[0].module, "/nonexistent/prog");
	cr_expect_eq(f->stacks[0].frames[0].offset, 0x10);
	cr_expect_null(f->stacks[0].frames[0].function);
	cr_expect_eq(r->nprocs, 3);
	vigil_report__free(r);
}

Test(collect, ids_are_stable_across_runs_and_paths)
{
	struct logbuf a, b;
	struct vigil_report *r1, *r2;

	/* Same binary name in another directory, another pid and load address. */
	lb_leak_log(&a, 10, "/build1/prog", 96, 3, 0x6010);
	lb_leak_log(&b, 99, "/build2/prog", 96, 3, 0x6010);
	r1 = from_logs((struct logbuf *const[]){&a}, (const char *const[]){"a.log"}, 1);
	r2 = from_logs((struct logbuf *const[]){&b}, (const char *const[]){"b.log"}, 1);
	cr_expect_str_eq(r1->findings[0].id, r2->findings[0].id);
	vigil_report__free(r1);
	vigil_report__free(r2);
}

/* Frames in libvigil.so are hidden, so a stack that still has them merges with one
 * that does not. */
Test(collect, libvigil_frames_are_hidden)
{
	struct logbuf a = {.len = 0}, b;
	const uintptr_t pcs[4] = {0xa0010, 0x6010, 0x7020, 0x7040};
	const struct vigil_rec_fstack st = {.stack_id = 3, .tid = 5, .role = VIGIL_ROLE_ALLOCATION};
	const struct vigil_rec_kv kv[2] = {{.key = VIGIL_KEY_BYTES, .value = 1},
					   {.key = VIGIL_KEY_BLOCKS, .value = 1}};
	struct vigil_report *r;

	lb_version(&a);
	lb_module(&a, VIGIL_REC_MODULE, 0x6000, 0x6000, 0x9000, VIGIL_MODULE_MAIN,
		  "/nonexistent/prog");
	lb_module(&a, VIGIL_REC_MODULE, 0xa0000, 0xa0000, 0xb0000, 0, "/opt/vigil/libvigil.so");
	lb_stack(&a, 3, pcs, 4);
	lb_finding(&a, VIGIL_FK_LEAK, VIGIL_SEV_ERROR, 1, &st, 1, kv, 2);
	lb_leak_log(&b, 6, "/nonexistent/prog", 1, 1, 0x6010);
	r = from_logs((struct logbuf *const[]){&a, &b}, (const char *const[]){"a.log", "b.log"}, 2);
	cr_assert_eq(r->nfindings, 1);
	cr_expect_eq(r->findings[0].stacks[0].nframes, 3);
	for (size_t i = 0; i < r->findings[0].stacks[0].nframes; i++)
		cr_expect_null(strstr(r->findings[0].stacks[0].frames[i].module, "libvigil"));
	vigil_report__free(r);
}

static struct logbuf *crash_log(struct logbuf *b, uint32_t pid, int sig, uint64_t bytes,
				unsigned sev, unsigned kind)
{
	const uintptr_t pc = 0x6100;
	const struct vigil_rec_fstack st = {.stack_id = 1, .tid = pid, .role = VIGIL_ROLE_CRASH,
					    .flags = VIGIL_STACK_EXACT_PC0};
	const struct vigil_rec_kv kv[2] = {{.key = VIGIL_KEY_SIGNAL, .value = (uint64_t)sig},
					   {.key = VIGIL_KEY_BYTES, .value = bytes}};

	b->len = 0;
	lb_version(b);
	lb_module(b, VIGIL_REC_MODULE, 0x6000, 0x6000, 0x9000, VIGIL_MODULE_MAIN, "/nx/p");
	lb_stack(b, 1, &pc, 1);
	lb_finding(b, kind, sev, 1, &st, 1, kv, 2);
	return b;
}

Test(collect, kind_fields_and_sort_order)
{
	struct logbuf a, b, c, d;
	struct vigil_report *r;

	crash_log(&a, 1, 11, 0, VIGIL_SEV_ERROR, VIGIL_FK_CRASH);
	crash_log(&b, 2, 6, 0, VIGIL_SEV_ERROR, VIGIL_FK_CRASH);
	crash_log(&c, 3, 0, 500, VIGIL_SEV_WARNING, VIGIL_FK_HEAP_GROWTH);
	crash_log(&d, 4, 0, 100, VIGIL_SEV_ERROR, VIGIL_FK_LEAK);
	r = from_logs((struct logbuf *const[]){&c, &a, &b, &d},
		      (const char *const[]){"c.3.log", "a.1.log", "b.2.log", "d.4.log"}, 4);
	/* Different signals are different crashes. */
	cr_assert_eq(r->nfindings, 4);
	/* Errors first, by bytes; the warning last despite its bytes. */
	cr_expect_eq(r->findings[0].kind, VIGIL_FK_LEAK);
	cr_expect_eq(r->findings[1].kind, VIGIL_FK_CRASH);
	cr_expect_eq(r->findings[2].kind, VIGIL_FK_CRASH);
	cr_expect_eq(r->findings[3].kind, VIGIL_FK_HEAP_GROWTH);
	/* No PROCESS record: the pid comes from the file name. */
	cr_expect_eq(r->findings[3].pids[0], 3);
	/* An exact pc is looked up as is: offset 0x100, not 0xff. */
	cr_expect_eq(r->findings[1].stacks[0].frames[0].offset, 0x100);
	vigil_report__free(r);
}

/* One heap finding at pc 0x6100 with the given details. */
static struct logbuf *heap_log(struct logbuf *b, unsigned kind, const struct vigil_rec_kv *kv,
			       unsigned nkv)
{
	const uintptr_t pc = 0x6100;
	const struct vigil_rec_fstack st = {.stack_id = 1, .tid = 1, .role = VIGIL_ROLE_FREE};

	b->len = 0;
	lb_version(b);
	lb_module(b, VIGIL_REC_MODULE, 0x6000, 0x6000, 0x9000, VIGIL_MODULE_MAIN, "/nx/p");
	lb_stack(b, 1, &pc, 1);
	lb_finding(b, kind, VIGIL_SEV_ERROR, 1, &st, 1, kv, nkv);
	return b;
}

#define KV(k, v) {.key = (k), .value = (v)}

static size_t nfindings(struct logbuf *a, struct logbuf *b)
{
	struct vigil_report *r = from_logs((struct logbuf *const[]){a, b},
					   (const char *const[]){"p.1.log", "p.2.log"}, 2);
	size_t n = r->nfindings;

	vigil_report__free(r);
	return n;
}

/* At one site, what makes two heap errors different bugs splits them; sizes and
 * addresses, which change from run to run, do not. */
Test(collect, heap_kind_fields_are_identity)
{
	struct logbuf a, b;

	heap_log(&a, VIGIL_FK_MISMATCHED_FREE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_ALLOC_OP, VIGIL_OP_NEW_ARRAY), KV(VIGIL_KEY_FREE_OP, VIGIL_OP_FREE),
		KV(VIGIL_KEY_SIZE, 32)}, 3);
	heap_log(&b, VIGIL_FK_MISMATCHED_FREE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_ALLOC_OP, VIGIL_OP_NEW), KV(VIGIL_KEY_FREE_OP, VIGIL_OP_FREE),
		KV(VIGIL_KEY_SIZE, 32)}, 3);
	cr_expect_eq(nfindings(&a, &b), 2);
	heap_log(&b, VIGIL_FK_MISMATCHED_FREE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_ALLOC_OP, VIGIL_OP_NEW_ARRAY), KV(VIGIL_KEY_FREE_OP, VIGIL_OP_FREE),
		KV(VIGIL_KEY_SIZE, 64)}, 3);
	cr_expect_eq(nfindings(&a, &b), 1);

	heap_log(&a, VIGIL_FK_INVALID_FREE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_WHERE, VIGIL_WHERE_STACK), KV(VIGIL_KEY_ADDR, 0x7ffd0000)}, 2);
	heap_log(&b, VIGIL_FK_INVALID_FREE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_WHERE, VIGIL_WHERE_GLOBAL), KV(VIGIL_KEY_ADDR, 0x7ffd0000)}, 2);
	cr_expect_eq(nfindings(&a, &b), 2);
	heap_log(&b, VIGIL_FK_INVALID_FREE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_WHERE, VIGIL_WHERE_STACK), KV(VIGIL_KEY_ADDR, 0x7ffe0000)}, 2);
	cr_expect_eq(nfindings(&a, &b), 1);

	heap_log(&a, VIGIL_FK_HEAP_OVERFLOW, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_FREE), KV(VIGIL_KEY_OFFSET, 33)}, 2);
	heap_log(&b, VIGIL_FK_HEAP_OVERFLOW, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_GUARD_PAGE), KV(VIGIL_KEY_OFFSET, 33)}, 2);
	cr_expect_eq(nfindings(&a, &b), 2);

	heap_log(&a, VIGIL_FK_USE_AFTER_FREE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_QUARANTINE)}, 1);
	heap_log(&b, VIGIL_FK_USE_AFTER_FREE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_CALL)}, 1);
	cr_expect_eq(nfindings(&a, &b), 2);

	heap_log(&a, VIGIL_FK_DOUBLE_FREE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_FREE_OP, VIGIL_OP_FREE), KV(VIGIL_KEY_SIZE, 32)}, 2);
	heap_log(&b, VIGIL_FK_DOUBLE_FREE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_FREE_OP, VIGIL_OP_REALLOC), KV(VIGIL_KEY_SIZE, 32)}, 2);
	cr_expect_eq(nfindings(&a, &b), 2);
}

/* s as VIGIL_KEY_TEXT chunks after a text_len, as the preload packs them. */
static unsigned text_kv(struct vigil_rec_kv *kv, const char *s, size_t len)
{
	unsigned n = 0;

	kv[n++] = (struct vigil_rec_kv){.key = VIGIL_KEY_TEXT_LEN, .value = len};
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = 0;

		for (size_t j = 0; j < 8 && i + j < len; j++)
			v |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
		kv[n++] = (struct vigil_rec_kv){.key = VIGIL_KEY_TEXT, .value = v};
	}
	return n;
}

/* The chunks become one printable line: control bytes as C escapes, bytes that are
 * no UTF-8 as \xNN, valid UTF-8 kept; they are not a detail of their own, text_len
 * is. What the preload cut (past VIGIL_TEXT_MAX) stays cut. */
Test(collect, text_chunks_become_the_text)
{
	static const char cmd[] = "echo \"h\xc3\xa9\" |\ttr a-z A-Z\n\xff";
	struct vigil_rec_kv kv[32];
	char big[200];
	struct vigil_report *r;
	struct logbuf b;
	unsigned n;

	n = text_kv(kv, cmd, sizeof(cmd) - 1);
	kv[n++] = (struct vigil_rec_kv){.key = VIGIL_KEY_FUNC, .value = VIGIL_FN_SYSTEM};
	heap_log(&b, VIGIL_FK_SHELL_EXEC, kv, n);
	r = from_logs((struct logbuf *const[]){&b}, (const char *const[]){"p.1.log"}, 1);
	cr_assert_eq(r->nfindings, 1);
	cr_expect_str_eq(r->findings[0].text, "echo \"h\xc3\xa9\" |\\ttr a-z A-Z\\n\\xff");
	cr_expect_eq(r->findings[0].details[VIGIL_KEY_TEXT_LEN], sizeof(cmd) - 1);
	cr_expect_eq(r->findings[0].details_set,
		     VIGIL_KEYBIT(VIGIL_KEY_TEXT_LEN) | VIGIL_KEYBIT(VIGIL_KEY_FUNC));
	vigil_report__free(r);

	memset(big, 'x', sizeof(big));
	n = text_kv(kv, big, sizeof(big));
	kv[0].value = 4000;
	heap_log(&b, VIGIL_FK_SHELL_EXEC, kv, n);
	r = from_logs((struct logbuf *const[]){&b}, (const char *const[]){"p.1.log"}, 1);
	cr_expect_eq(strlen(r->findings[0].text), VIGIL_TEXT_MAX);
	cr_expect_eq(r->findings[0].details[VIGIL_KEY_TEXT_LEN], 4000);
	vigil_report__free(r);

	/* No chunks, no text. */
	heap_log(&b, VIGIL_FK_SHELL_EXEC, kv + n - 1, 0);
	r = from_logs((struct logbuf *const[]){&b}, (const char *const[]){"p.1.log"}, 1);
	cr_expect_null(r->findings[0].text);
	vigil_report__free(r);
}

static struct vigil_report *growth_report(const uint64_t (*pts)[2], unsigned n)
{
	struct logbuf b;

	lb_growth_log(&b, 7, 0x6010, pts, n);
	return from_logs((struct logbuf *const[]){&b}, (const char *const[]){"grow.7.log"}, 1);
}

/* The repeated series pairs become the curve; they are not details of their own. */
Test(collect, growth_curve_is_kept)
{
	struct vigil_report *r = growth_report(lb_curve, 9);
	const struct vigil_finding *f;

	cr_assert_eq(r->nfindings, 1);
	f = &r->findings[0];
	cr_expect_eq(f->kind, VIGIL_FK_HEAP_GROWTH);
	cr_expect_eq(f->details[VIGIL_KEY_BYTES], 1992294);
	cr_expect_eq(f->details_set, VIGIL_KEYBIT(VIGIL_KEY_BYTES));
	cr_assert_eq(f->ncurve, 9);
	for (unsigned i = 0; i < 9; i++) {
		cr_expect_eq(f->curve[i].t_ms, lb_curve[i][0]);
		cr_expect_eq(f->curve[i].bytes, lb_curve[i][1]);
	}
	vigil_report__free(r);
}

/* Past VIGIL_CURVE_MAX points the rest are ignored; half pairs are dropped. */
Test(collect, growth_curve_is_bounded_and_paired)
{
	uint64_t pts[100][2];
	struct vigil_report *r;
	struct logbuf b;

	for (unsigned i = 0; i < 100; i++) {
		pts[i][0] = 100 * i;
		pts[i][1] = 1000 * (i + 1);
	}
	r = growth_report(pts, 100);
	cr_assert_eq(r->findings[0].ncurve, VIGIL_CURVE_MAX);
	cr_expect_eq(r->findings[0].curve[0].t_ms, 0);
	cr_expect_eq(r->findings[0].curve[VIGIL_CURVE_MAX - 1].t_ms, 100 * (VIGIL_CURVE_MAX - 1));
	cr_expect_eq(r->findings[0].curve[VIGIL_CURVE_MAX - 1].bytes, 1000 * VIGIL_CURVE_MAX);
	/* The final bytes are the writer's, not the last point kept. */
	cr_expect_eq(r->findings[0].details[VIGIL_KEY_BYTES], 100000);
	vigil_report__free(r);

	heap_log(&b, VIGIL_FK_HEAP_GROWTH, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_SERIES_T_MS, 1), KV(VIGIL_KEY_SERIES_BYTES, 10),
		KV(VIGIL_KEY_SERIES_BYTES, 20), KV(VIGIL_KEY_SERIES_T_MS, 3),
		KV(VIGIL_KEY_SERIES_T_MS, 4), KV(VIGIL_KEY_SERIES_BYTES, 40),
		KV(VIGIL_KEY_BYTES, 40), KV(VIGIL_KEY_SERIES_T_MS, 5)}, 8);
	r = from_logs((struct logbuf *const[]){&b}, (const char *const[]){"p.1.log"}, 1);
	cr_assert_eq(r->findings[0].ncurve, 2);
	cr_expect_eq(r->findings[0].curve[0].t_ms, 1);
	cr_expect_eq(r->findings[0].curve[0].bytes, 10);
	cr_expect_eq(r->findings[0].curve[1].t_ms, 4);
	cr_expect_eq(r->findings[0].curve[1].bytes, 40);
	cr_expect_eq(r->findings[0].details_set, VIGIL_KEYBIT(VIGIL_KEY_BYTES));
	vigil_report__free(r);

	/* No series at all: no curve. */
	heap_log(&b, VIGIL_FK_HEAP_GROWTH, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_BYTES, 40)}, 1);
	r = from_logs((struct logbuf *const[]){&b}, (const char *const[]){"p.1.log"}, 1);
	cr_expect_eq(r->findings[0].ncurve, 0);
	cr_expect_null(r->findings[0].curve);
	vigil_report__free(r);
}

/* The same site growing in several processes: one finding, the curve and final bytes
 * of the process where it ended largest, wherever that log sorts. */
Test(collect, growth_merge_keeps_the_largest_curve)
{
	const uint64_t small[6][2] = {{1000, 1 << 16}, {2000, 1 << 18}, {3000, 1 << 19},
				      {4000, 1 << 20}, {5000, 3 << 19}, {6000, 2 << 20}};
	const uint64_t big[7][2] = {{500, 1 << 17}, {1000, 1 << 19}, {1500, 1 << 20},
				    {2000, 2 << 20}, {2500, 3 << 20}, {3000, 4 << 20},
				    {3500, 5 << 20}};
	const uint64_t mid[6][2] = {{1000, 1 << 16}, {2000, 1 << 18}, {3000, 1 << 19},
				    {4000, 1 << 20}, {5000, 2 << 20}, {6000, 3 << 20}};
	struct logbuf a, b, c;
	struct vigil_report *r;
	const struct vigil_finding *f;

	lb_growth_log(&a, 10, 0x6010, small, 6);
	lb_growth_log(&b, 11, 0x6010, big, 7);
	lb_growth_log(&c, 12, 0x6010, mid, 6);
	r = from_logs((struct logbuf *const[]){&a, &b, &c},
		      (const char *const[]){"grow.10.log", "grow.11.log", "grow.12.log"}, 3);
	cr_assert_eq(r->nfindings, 1);
	f = &r->findings[0];
	cr_expect_eq(f->count, 3);
	cr_expect_eq(f->npids, 3);
	/* Final bytes are not a total: the largest site's, like its curve. */
	cr_expect_eq(f->details[VIGIL_KEY_BYTES], 5 << 20);
	cr_assert_eq(f->ncurve, 7);
	cr_expect_eq(f->curve[0].t_ms, 500);
	cr_expect_eq(f->curve[6].bytes, 5 << 20);
	vigil_report__free(r);

	/* Largest first: the later, smaller ones do not replace it. */
	r = from_logs((struct logbuf *const[]){&b, &a, &c},
		      (const char *const[]){"grow.11.log", "grow.10.log", "grow.12.log"}, 3);
	cr_assert_eq(r->nfindings, 1);
	cr_expect_eq(r->findings[0].details[VIGIL_KEY_BYTES], 5 << 20);
	cr_expect_eq(r->findings[0].ncurve, 7);
	vigil_report__free(r);
}

/* Only leak totals add up; the element count of a calloc overflow does not. */
Test(collect, only_leak_totals_add_up)
{
	struct logbuf a, b;
	struct vigil_report *r;

	heap_log(&a, VIGIL_FK_BAD_ALLOC_SIZE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_SIZE, 8), KV(VIGIL_KEY_BLOCKS, 1ull << 62)}, 2);
	heap_log(&b, VIGIL_FK_BAD_ALLOC_SIZE, (const struct vigil_rec_kv[]){
		KV(VIGIL_KEY_SIZE, 8), KV(VIGIL_KEY_BLOCKS, 1ull << 62)}, 2);
	r = from_logs((struct logbuf *const[]){&a, &b},
		      (const char *const[]){"p.1.log", "p.2.log"}, 2);
	cr_assert_eq(r->nfindings, 1);
	cr_expect_eq(r->findings[0].count, 2);
	cr_expect_eq(r->findings[0].details[VIGIL_KEY_BLOCKS], 1ull << 62);
	cr_expect_eq(r->findings[0].details[VIGIL_KEY_SIZE], 8);
	vigil_report__free(r);
}

/* The run's config is the root process's, from its first image. */
Test(collect, run_config_comes_from_the_root)
{
	struct logbuf root = {.len = 0}, child = {.len = 0}, later = {.len = 0};
	static const char argv[] = "./srv";
	const struct vigil_rec_kv rc[3] = {KV(VIGIL_KEY_CFG_MODE, VIGIL_MODE_CANARY),
					   KV(VIGIL_KEY_CFG_SAMPLE_BYTES, 4096),
					   KV(VIGIL_KEY_CFG_ON_ERROR_ABORT, 1)};
	const struct vigil_rec_kv cc[1] = {KV(VIGIL_KEY_CFG_SAMPLE_BYTES, 1)};
	struct vigil_report *r;

	lb_version(&root);
	lb_process(&root, 100, 50, "/srv", argv, sizeof(argv), 1);
	lb_config(&root, rc, 3);
	lb_version(&child);
	lb_process(&child, 101, 100, "/srv", argv, sizeof(argv), 1);
	lb_config(&child, cc, 1);
	r = from_logs((struct logbuf *const[]){&child, &root},
		      (const char *const[]){"srv.101.log", "srv.100.log"}, 2);
	cr_expect_eq(r->config_set, 0);
	cr_expect_eq(r->mode, VIGIL_MODE_FULL);
	vigil_report__infer_run(r);
	cr_expect_eq(r->config_set, (VIGIL_KEYBIT(VIGIL_KEY_CFG_MODE)) |
				    (VIGIL_KEYBIT(VIGIL_KEY_CFG_SAMPLE_BYTES)) |
				    (VIGIL_KEYBIT(VIGIL_KEY_CFG_ON_ERROR_ABORT)));
	cr_expect_eq(r->config[VIGIL_KEY_CFG_SAMPLE_BYTES], 4096);
	cr_expect_eq(r->mode, VIGIL_MODE_CANARY);
	vigil_report__free(r);

	/* An image with no CONFIG (its preload never started) is skipped. */
	lb_version(&later);
	lb_process(&later, 101, 100, "/srv", argv, sizeof(argv), 1);
	r = from_logs((struct logbuf *const[]){&later, &child},
		      (const char *const[]){"srv.101.1.log", "srv.101.log"}, 2);
	vigil_report__set_root(r, 101);
	cr_expect_eq(r->config[VIGIL_KEY_CFG_SAMPLE_BYTES], 1);
	vigil_report__set_root(r, 999);
	cr_expect_eq(r->config[VIGIL_KEY_CFG_SAMPLE_BYTES], 1);
	vigil_report__free(r);
}

Test(collect, pid_from_log_names)
{
	static const struct {
		const char *name;
		uint32_t pid;
	} cases[] = {
		{"prog.4242.log", 4242},
		{"prog.4242.2.log", 4242},
		{"python3.12.7707.log", 7707},
		{"python3.12.77.3.log", 77},
		{"weird.log", 0},
		{"x.99999999999.log", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct logbuf b = {.len = 0};
		struct vigil_report *r;

		crash_log(&b, 1, 11, 0, VIGIL_SEV_ERROR, VIGIL_FK_CRASH);
		r = from_logs((struct logbuf *const[]){&b}, &cases[i].name, 1);
		cr_expect_eq(r->procs[0].pid, cases[i].pid, "%s", cases[i].name);
		vigil_report__free(r);
	}
}

__attribute__((noinline)) int collect_fixture_func(int x)
{
	return x * 7 + 1;
}

Test(collect, frames_are_symbolized)
{
	struct logbuf b = {.len = 0};
	Dl_info info;
	struct vigil_report *r;
	const struct vigil_frame *fr;
	const struct vigil_rec_fstack st = {.stack_id = 1, .tid = 1, .role = VIGIL_ROLE_ALLOCATION};
	uintptr_t pc = (uintptr_t)&collect_fixture_func + 1; /* as a return address */
	char exe[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	cr_assert_gt(n, 0);
	exe[n] = '\0';
	cr_assert(dladdr((void *)&collect_fixture_func, &info));
	lb_version(&b);
	lb_module(&b, VIGIL_REC_MODULE, (uintptr_t)info.dli_fbase, (uintptr_t)info.dli_fbase,
		  (uintptr_t)info.dli_fbase + (64u << 20), VIGIL_MODULE_MAIN, exe);
	lb_stack(&b, 1, &pc, 1);
	lb_finding(&b, VIGIL_FK_LEAK, VIGIL_SEV_ERROR, 1, &st, 1, &(struct vigil_rec_kv){0}, 0);
	r = from_logs((struct logbuf *const[]){&b}, (const char *const[]){"t.1.log"}, 1);
	cr_assert_eq(r->findings[0].stacks[0].nframes, 1);
	fr = &r->findings[0].stacks[0].frames[0];
	cr_expect_str_eq(fr->function, "collect_fixture_func");
	cr_assert_not_null(fr->file);
	cr_expect_not_null(strstr(fr->file, "test_collect.c"), "%s", fr->file);
	cr_expect_gt(fr->line, 0);
	cr_expect_eq(fr->pc, pc);
	cr_expect_eq(fr->offset, pc - (uintptr_t)info.dli_fbase);
	vigil_report__free(r);
}

Test(collect, directory_with_damaged_logs)
{
	char dir[] = "/tmp/vigil-collect-XXXXXX", path[128];
	struct logbuf b;
	struct vigil_report *r;

	cr_assert_not_null(mkdtemp(dir));
	lb_leak_log(&b, 20, "/nx/prog", 64, 2, 0x6010);
	snprintf(path, sizeof(path), "%s/prog.20.log", dir);
	lb_write(&b, path);
	lb_leak_log(&b, 21, "/nx/prog", 64, 2, 0x6010);
	b.len -= 20; /* the EXIT record is cut */
	snprintf(path, sizeof(path), "%s/prog.21.log", dir);
	lb_write(&b, path);
	snprintf(path, sizeof(path), "%s/notalog.txt", dir);
	lb_write(&b, path);
	r = vigil_report__from_dir(dir);
	cr_assert_not_null(r);
	cr_assert_eq(r->nnotes, 1);
	cr_expect_not_null(strstr(r->notes[0], "raw log prog.21.log truncated at offset"),
			   "%s", r->notes[0]);
	cr_expect_eq(r->nprocs, 2);
	cr_assert_eq(r->nfindings, 1);
	cr_expect_eq(r->findings[0].npids, 2);
	cr_expect_eq(r->findings[0].details[VIGIL_KEY_BYTES], 128);
	vigil_report__free(r);
	cr_expect_null(vigil_report__from_dir("/nonexistent/raw"));
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_expect_eq(system(path), 0);
}

Test(collect, exit_status_and_run_inference)
{
	struct logbuf parent = {.len = 0}, child = {.len = 0};
	static const char pargv[] = "./server\0-p\0" "8080";
	static const char cargv[] = "worker";
	const struct vigil_rec_kv s1[2] = {{.key = VIGIL_KEY_ALLOCS, .value = 10},
					   {.key = VIGIL_KEY_PEAK_BYTES, .value = 500}};
	const struct vigil_rec_kv s2[2] = {{.key = VIGIL_KEY_ALLOCS, .value = 5},
					   {.key = VIGIL_KEY_PEAK_BYTES, .value = 700}};
	struct vigil_report *r;

	lb_version(&parent);
	lb_process(&parent, 100, 50, "/srv/server", pargv, sizeof(pargv), 3);
	lb_stats(&parent, s1, 2);
	lb_exit(&parent, VIGIL_EXIT_RETURN, 3, 0);
	lb_version(&child);
	lb_process(&child, 101, 100, "/srv/server", cargv, sizeof(cargv), 1);
	lb_stats(&child, s2, 2);
	r = from_logs((struct logbuf *const[]){&child, &parent},
		      (const char *const[]){"server.101.log", "server.100.log"}, 2);
	cr_expect_eq(r->stats[VIGIL_KEY_ALLOCS], 15);
	cr_expect_eq(r->stats[VIGIL_KEY_PEAK_BYTES], 700);
	vigil_report__set_exit(r, 101, (struct vigil_status){VIGIL_STATUS_SIGNAL, 9});
	vigil_report__set_exit(r, 100, (struct vigil_status){VIGIL_STATUS_SIGNAL, 9});
	vigil_report__infer_run(r);
	cr_assert_eq(r->ncommand, 3);
	cr_expect_str_eq(r->command[0], "./server");
	cr_expect_str_eq(r->command[2], "8080");
	/* The log's own EXIT record wins over what the launcher saw. */
	cr_expect_eq(r->exit.kind, VIGIL_STATUS_CODE);
	cr_expect_eq(r->exit.value, 3);
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == 101)
			cr_expect_eq(r->procs[i].exit.kind, VIGIL_STATUS_SIGNAL);
	cr_expect_eq(r->started, 1700000000);
	vigil_report__free(r);
}

static const struct vigil_process *image(const struct vigil_report *r, const char *log)
{
	for (size_t i = 0; i < r->nprocs; i++)
		if (!strcmp(r->procs[i].log, log))
			return &r->procs[i];
	cr_assert_fail("no process with log %s", log);
	return NULL;
}

/* exec leaves no EXIT record behind: an image followed by a later one of the same pid
 * was replaced, one with no successor just has no known end. */
Test(collect, images_replaced_by_exec)
{
	struct logbuf sh = {.len = 0}, again = {.len = 0}, prog = {.len = 0};
	struct logbuf lost = {.len = 0}, other = {.len = 0};
	static const char argv[] = "sh";
	struct vigil_report *r;

	lb_version(&sh);
	lb_process_at(&sh, 200, 50, "/bin/sh", argv, sizeof(argv), 1, 1700000000);
	lb_version(&again);
	lb_process_at(&again, 200, 50, "/bin/sh", argv, sizeof(argv), 1, 1700000001);
	lb_version(&prog);
	lb_process_at(&prog, 200, 50, "/usr/bin/prog", argv, sizeof(argv), 1, 1700000002);
	lb_exit(&prog, VIGIL_EXIT_RETURN, 4, 0);
	/* Damaged before its PROCESS record: no start to order it by. */
	lb_version(&lost);
	lb_version(&other);
	lb_process_at(&other, 201, 200, "/usr/bin/prog", argv, sizeof(argv), 1, 1700000003);
	r = from_logs((struct logbuf *const[]){&prog, &other, &lost, &again, &sh},
		      (const char *const[]){"prog.200.log", "prog.201.log", "x.200.2.log",
					    "sh.200.1.log", "sh.200.log"}, 5);
	cr_expect_eq(image(r, "sh.200.log")->exit.kind, VIGIL_STATUS_EXEC);
	cr_expect_eq(image(r, "sh.200.1.log")->exit.kind, VIGIL_STATUS_EXEC);
	cr_expect_eq(image(r, "prog.200.log")->exit.kind, VIGIL_STATUS_CODE);
	cr_expect_eq(image(r, "prog.200.log")->exit.value, 4);
	cr_expect_eq(image(r, "x.200.2.log")->exit.kind, VIGIL_STATUS_UNKNOWN);
	cr_expect_eq(image(r, "prog.201.log")->exit.kind, VIGIL_STATUS_UNKNOWN);
	/* Images in the order they ran. */
	cr_expect_str_eq(r->procs[1].log, "sh.200.log");
	cr_expect_str_eq(r->procs[2].log, "sh.200.1.log");
	cr_expect_str_eq(r->procs[3].log, "prog.200.log");
	vigil_report__infer_run(r);
	cr_expect_eq(r->exit.kind, VIGIL_STATUS_CODE);
	cr_expect_eq(r->exit.value, 4);
	cr_expect_str_eq(r->command[0], "sh");
	vigil_report__free(r);

	/* The launcher's status goes to the last image only; the run's exit is never an
	 * exec. */
	r = from_logs((struct logbuf *const[]){&sh, &again},
		      (const char *const[]){"sh.200.log", "sh.200.1.log"}, 2);
	vigil_report__infer_run(r);
	cr_expect_eq(r->exit.kind, VIGIL_STATUS_UNKNOWN);
	vigil_report__set_exit(r, 200, (struct vigil_status){VIGIL_STATUS_SIGNAL, 9});
	cr_expect_eq(image(r, "sh.200.log")->exit.kind, VIGIL_STATUS_EXEC);
	cr_expect_eq(image(r, "sh.200.1.log")->exit.kind, VIGIL_STATUS_SIGNAL);
	vigil_report__free(r);
}

Test(collect, hit_limits_become_notes)
{
	struct logbuf a = {.len = 0}, b = {.len = 0};
	static const char argv[] = "prog";
	const struct vigil_rec_kv sa[2] = {{.key = VIGIL_KEY_HEAP_OVERFLOW, .value = 7},
					   {.key = VIGIL_KEY_FINDINGS_DROPPED, .value = 0}};
	const struct vigil_rec_kv sb[1] = {{.key = VIGIL_KEY_HEAP_OVERFLOW, .value = 5}};
	struct vigil_report *r;
	int heap = 0, dropped = 0;

	lb_version(&a);
	lb_process(&a, 200, 1, "/bin/prog", argv, sizeof(argv), 1);
	lb_stats(&a, sa, 2);
	lb_version(&b);
	lb_process(&b, 201, 200, "/bin/prog", argv, sizeof(argv), 1);
	lb_stats(&b, sb, 1);
	r = from_logs((struct logbuf *const[]){&a, &b},
		      (const char *const[]){"prog.200.log", "prog.201.log"}, 2);
	for (size_t i = 0; i < r->nnotes; i++) {
		heap += !!strstr(r->notes[i], "12 allocations were not tracked");
		dropped += !!strstr(r->notes[i], "dropped");
	}
	cr_expect_eq(heap, 1, "the summed overflow is noted once");
	cr_expect_eq(dropped, 0, "a zero counter is no note");
	vigil_report__free(r);
}

/* A process with EPIPE writes at two stacks and a SIGPIPE death, in one module. */
static void pipe_log(struct logbuf *b, uint32_t pid, uint64_t epipes, bool dies)
{
	const uintptr_t here[2] = {0x6010, 0x6100}, there[2] = {0x6020, 0x6100};
	static const char argv[] = "prog";

	b->len = 0;
	lb_version(b);
	lb_process(b, pid, 1, "/nonexistent/prog", argv, sizeof(argv), 1);
	lb_module(b, VIGIL_REC_MODULE, 0x6000, 0x6000, 0x9000, VIGIL_MODULE_MAIN,
		  "/nonexistent/prog");
	lb_stack(b, 3, here, 2);
	lb_stack(b, 4, there, 2);
	lb_site(b, VIGIL_KEY_EPIPE, 3, 1);
	lb_site(b, VIGIL_KEY_EPIPE, 4, 1);
	lb_site(b, VIGIL_KEY_EPIPE, 3, epipes);
	if (dies)
		lb_site(b, VIGIL_KEY_SIGPIPE_DEATHS, 4, 1);
}

/* The same stack in two processes is one site: counts add up, pids unite. EPIPE
 * sites come before deaths, each by count. */
Test(collect, pipe_sites_merge_across_processes)
{
	struct logbuf a, b;
	struct vigil_report *r;

	pipe_log(&a, 21, 5, false);
	pipe_log(&b, 20, 2, true);
	r = from_logs((struct logbuf *const[]){&a, &b},
		      (const char *const[]){"prog.21.log", "prog.20.log"}, 2);
	cr_assert_eq(r->nsites, 3);
	cr_expect_eq(r->sites[0].key, VIGIL_KEY_EPIPE);
	cr_expect_eq(r->sites[0].count, 7);
	cr_assert_eq(r->sites[0].npids, 2);
	cr_expect_eq(r->sites[0].pids[0], 20);
	cr_expect_eq(r->sites[0].pids[1], 21);
	cr_assert_eq(r->sites[0].stack.nframes, 2);
	cr_expect_eq(r->sites[0].stack.frames[0].offset, 0x10);
	cr_expect_eq(r->sites[1].key, VIGIL_KEY_EPIPE);
	cr_expect_eq(r->sites[1].count, 2);
	cr_expect_eq(r->sites[1].stack.frames[0].offset, 0x20);
	cr_expect_eq(r->sites[2].key, VIGIL_KEY_SIGPIPE_DEATHS);
	cr_expect_eq(r->sites[2].count, 1);
	cr_assert_eq(r->sites[2].npids, 1);
	cr_expect_eq(r->sites[2].pids[0], 20);
	vigil_report__free(r);
}


/* A process's samples become its series; a long run is thinned to VIGIL_SERIES_MAX
 * points over equal spans of time, the first and the last kept. */
Test(collect, series_is_thinned_over_time)
{
	static struct logbuf b;
	struct vigil_report *r;
	const struct vigil_process *p;
	uint64_t t = 0;

	b.len = 0;
	lb_version(&b);
	lb_process(&b, 5, 1, "/usr/bin/svc", "svc", 4, 1);
	lb_sample(&b, 0, 10, 3);
	lb_sample(&b, 500, 20, VIGIL_SAMPLE_NONE);
	r = from_logs((struct logbuf *const[]){&b}, (const char *const[]){"svc.5.log"}, 1);
	p = &r->procs[0];
	cr_assert_eq(p->nseries, 2);
	cr_expect_eq(p->series[1].t_ms, 500);
	cr_expect_eq(p->series[1].heap_bytes, 20);
	cr_expect_eq(p->series[1].fds, VIGIL_SAMPLE_NONE);
	vigil_report__free(r);

	/* 1000 samples, the period doubling every 256 as the preload does. */
	b.len = 0;
	lb_version(&b);
	lb_process(&b, 5, 1, "/usr/bin/svc", "svc", 4, 1);
	for (unsigned i = 0; i < 1000; i++) {
		lb_sample(&b, t, i, 4);
		t += 100u << (i / 256);
	}
	lb_sample(&b, t, 999999, 4);
	r = from_logs((struct logbuf *const[]){&b}, (const char *const[]){"svc.5.log"}, 1);
	p = &r->procs[0];
	cr_assert_leq(p->nseries, VIGIL_SERIES_MAX);
	cr_assert_geq(p->nseries, VIGIL_SERIES_MAX / 2);
	cr_expect_eq(p->series[0].t_ms, 0);
	cr_expect_eq(p->series[0].heap_bytes, 0);
	cr_expect_eq(p->series[p->nseries - 1].t_ms, t);
	cr_expect_eq(p->series[p->nseries - 1].heap_bytes, 999999);
	for (size_t i = 1; i < p->nseries; i++) {
		cr_expect_gt(p->series[i].t_ms, p->series[i - 1].t_ms);
		/* Every span of time holds samples here (they are at most 800 ms apart),
		 * so one in each is kept: no two points are more than two spans apart,
		 * where thinning by count would leave the sparse end bare. */
		cr_expect_leq(p->series[i].t_ms - p->series[i - 1].t_ms,
			      2 * (t + 1) / (VIGIL_SERIES_MAX - 1) + 1);
	}
	vigil_report__free(r);
}
