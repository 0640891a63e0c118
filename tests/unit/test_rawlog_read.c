// SPDX-License-Identifier: MIT
/* Raw-log decoder: every record kind, module resolution, and damage of every kind
 * (truncation at each offset, bad sizes and counts, random bytes) never crashes and
 * keeps what came before the damage. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logbuf.h"
#include "rawlog_read.h"

static const char argv2[] = "./prog\0-v";

/* A log with one of everything; offsets of each record start in starts[]. */
static size_t full_log(struct logbuf *b, size_t *starts)
{
	const uintptr_t pcs[3] = {0x401136, 0x7f0000001234, 0x401200};
	const struct vigil_rec_fstack st[2] = {
		{.stack_id = 5, .tid = 42, .role = VIGIL_ROLE_FREE},
		{.stack_id = 6, .tid = 43, .role = VIGIL_ROLE_ALLOCATION},
	};
	const struct vigil_rec_kv kv[2] = {
		{.key = VIGIL_KEY_SIZE, .value = 32},
		{.key = VIGIL_KEY_ADDR, .value = 0xdead},
	};
	const struct vigil_rec_kv stats[2] = {
		{.key = VIGIL_KEY_ALLOCS, .value = 100},
		{.key = VIGIL_KEY_FREES, .value = 99},
	};
	const struct vigil_rec_kv config[3] = {
		{.key = VIGIL_KEY_CFG_MODE, .value = VIGIL_MODE_CANARY},
		{.key = VIGIL_KEY_CFG_SAMPLE_BYTES, .value = 1u << 20},
		{.key = VIGIL_KEY_CFG_ON_ERROR_ABORT, .value = 1},
	};
	size_t n = 0;

	b->len = 0;
	starts[n++] = b->len;
	lb_version(b);
	starts[n++] = b->len;
	lb_process(b, 42, 1, "/usr/bin/prog", argv2, sizeof(argv2), 2);
	starts[n++] = b->len;
	lb_module(b, VIGIL_REC_MODULE, 0, 0x400000, 0x402000, VIGIL_MODULE_MAIN, "/usr/bin/prog");
	starts[n++] = b->len;
	lb_module(b, VIGIL_REC_MODULE, 0x7f0000000000, 0x7f0000000000, 0x7f0000010000, 0,
		  "/lib/libc.so.6");
	starts[n++] = b->len;
	lb_stack(b, 5, pcs, 3);
	starts[n++] = b->len;
	lb_stack(b, 6, pcs + 1, 2);
	starts[n++] = b->len;
	lb_finding(b, VIGIL_FK_DOUBLE_FREE, VIGIL_SEV_ERROR, 2, st, 2, kv, 2);
	starts[n++] = b->len;
	lb_stats(b, stats, 2);
	starts[n++] = b->len;
	lb_exit(b, VIGIL_EXIT_SIGNAL, 0, 11);
	starts[n++] = b->len;
	lb_config(b, config, 3);
	starts[n++] = b->len;
	lb_site(b, VIGIL_KEY_EPIPE, 5, 3);
	starts[n] = b->len;
	return n;
}

Test(rawlog_read, decodes_every_record)
{
	struct logbuf b;
	size_t starts[16];
	struct vigil_plog *l;
	const struct vigil_plog_stack *s;

	full_log(&b, starts);
	l = vigil_plog__parse(b.data, b.len, "/x/prog.42.log");
	cr_assert_not_null(l);
	cr_expect_null(l->note, "unexpected note: %s", l->note);
	cr_expect(l->has_process);
	cr_expect_eq(l->pid, 42);
	cr_expect_eq(l->ppid, 1);
	cr_expect_str_eq(l->exe, "/usr/bin/prog");
	cr_assert_eq(l->argc, 2);
	cr_expect_str_eq(l->argv[0], "./prog");
	cr_expect_str_eq(l->argv[1], "-v");
	cr_expect_null(l->argv[2]);
	cr_assert_eq(l->nmodules, 2);
	cr_expect_str_eq(l->modules[1].path, "/lib/libc.so.6");
	cr_expect_eq(l->modules[0].flags, VIGIL_MODULE_MAIN);
	cr_expect_eq(l->modules[0].build_id_len, 4);
	cr_assert_eq(l->nstacks, 2);
	s = vigil_plog__stack(l, 5);
	cr_assert_not_null(s);
	cr_assert_eq(s->depth, 3);
	cr_expect_eq(s->pcs[1], 0x7f0000001234);
	cr_expect_eq(s->mods[0], 0);
	cr_expect_eq(s->mods[1], 1);
	cr_expect_eq(s->mods[2], 0);
	cr_expect_null(vigil_plog__stack(l, 99));
	cr_assert_eq(l->nfindings, 1);
	cr_expect_eq(l->findings[0].kind, VIGIL_FK_DOUBLE_FREE);
	cr_expect_eq(l->findings[0].count, 2);
	cr_assert_eq(l->findings[0].nstacks, 2);
	cr_expect_eq(l->findings[0].stacks[1].role, VIGIL_ROLE_ALLOCATION);
	cr_expect_eq(l->findings[0].stacks[1].tid, 43);
	cr_assert_eq(l->findings[0].ndetails, 2);
	cr_expect_eq(l->findings[0].details[1].value, 0xdead);
	cr_expect_eq(l->stats[VIGIL_KEY_ALLOCS], 100);
	cr_expect(l->stats_set & (VIGIL_KEYBIT(VIGIL_KEY_FREES)));
	cr_expect(l->has_exit);
	cr_expect_eq(l->exit_how, VIGIL_EXIT_SIGNAL);
	cr_expect_eq(l->exit_signal, 11);
	cr_expect_eq(l->config[VIGIL_KEY_CFG_MODE], VIGIL_MODE_CANARY);
	cr_expect_eq(l->config[VIGIL_KEY_CFG_SAMPLE_BYTES], 1u << 20);
	cr_expect_eq(l->config[VIGIL_KEY_CFG_ON_ERROR_ABORT], 1);
	cr_expect_eq(l->config_set, (VIGIL_KEYBIT(VIGIL_KEY_CFG_MODE)) |
				    (VIGIL_KEYBIT(VIGIL_KEY_CFG_SAMPLE_BYTES)) |
				    (VIGIL_KEYBIT(VIGIL_KEY_CFG_ON_ERROR_ABORT)));
	cr_assert_eq(l->nsites, 1);
	cr_expect_eq(l->sites[0].key, VIGIL_KEY_EPIPE);
	cr_expect_eq(l->sites[0].stack_id, 5);
	cr_expect_eq(l->sites[0].count, 3);
	cr_expect_eq(l->good_bytes, b.len);
	vigil_plog__free(l);
}

Test(rawlog_read, truncation_at_every_offset_keeps_the_prefix)
{
	struct logbuf b;
	size_t starts[16], nrec = full_log(&b, starts);

	for (size_t cut = 0; cut < b.len; cut++) {
		struct vigil_plog *l = vigil_plog__parse(b.data, cut, "t.log");
		size_t whole = 0;
		char want[64];

		cr_assert_not_null(l);
		while (whole < nrec && starts[whole + 1] <= cut)
			whole++;
		/* A cut on a record boundary looks like a complete, shorter log. */
		if (cut && cut == starts[whole]) {
			cr_expect_null(l->note, "cut %zu: %s", cut, l->note);
		} else {
			snprintf(want, sizeof(want), "raw log t.log truncated at offset %zu",
				 starts[whole]);
			cr_assert_not_null(l->note, "cut %zu", cut);
			cr_expect_str_eq(l->note, want);
		}
		cr_expect_eq(l->good_bytes, starts[whole]);
		cr_expect_eq(l->nfindings, whole > 6 ? 1 : 0, "cut %zu", cut);
		cr_expect_eq(l->has_exit, whole > 8, "cut %zu", cut);
		cr_expect_eq(l->config_set != 0, whole > 9, "cut %zu", cut);
		cr_expect_eq(l->nsites, whole > 10 ? 1 : 0, "cut %zu", cut);
		vigil_plog__free(l);
	}
}

/* Overwrites the header size of the record at off and decodes. */
static struct vigil_plog *with_size(struct logbuf *b, size_t off, uint32_t size)
{
	struct vigil_rec_hdr h;

	memcpy(&h, b->data + off, sizeof(h));
	h.size = size;
	memcpy(b->data + off, &h, sizeof(h));
	return vigil_plog__parse(b->data, b->len, "t.log");
}

Test(rawlog_read, corrupt_sizes_stop_at_the_record)
{
	static const uint32_t bad[] = {0, 3, 23, 33, VIGIL_REC_MAX + 8, 0xfffffff8u};
	struct logbuf b;
	size_t starts[16];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vigil_plog *l;
		char want[64];

		full_log(&b, starts);
		l = with_size(&b, starts[4], bad[i]); /* the first stack */
		cr_assert_not_null(l);
		cr_assert_not_null(l->note, "size %u", bad[i]);
		snprintf(want, sizeof(want), "raw log t.log corrupt at offset %zu", starts[4]);
		cr_expect_str_eq(l->note, want, "size %u", bad[i]);
		cr_expect_eq(l->nmodules, 2);
		cr_expect_eq(l->nstacks, 0);
		cr_expect_eq(l->nfindings, 0);
		vigil_plog__free(l);
	}
	/* Aligned and in bounds, but not what the record's counts say. */
	full_log(&b, starts);
	struct vigil_plog *l = with_size(&b, starts[6], (uint32_t)(starts[7] - starts[6] - 16));
	cr_assert_not_null(l->note);
	cr_expect_eq(l->nstacks, 2);
	cr_expect_eq(l->nfindings, 0);
	vigil_plog__free(l);
	/* Larger than what is left of the file: truncated, not corrupt. */
	full_log(&b, starts);
	l = with_size(&b, starts[8], 4096);
	char want[64];
	snprintf(want, sizeof(want), "raw log t.log truncated at offset %zu", starts[8]);
	cr_expect_str_eq(l->note, want);
	cr_expect_eq(l->nfindings, 1);
	vigil_plog__free(l);
}

Test(rawlog_read, bad_counts_and_values_are_corruption)
{
	struct logbuf b;
	size_t starts[16];
	struct vigil_plog *l;
	struct vigil_rec_finding f;
	struct vigil_rec_process p;
	struct vigil_rec_version v;
	struct vigil_rec_hdr h;

	/* nstacks claims more than the record holds. */
	full_log(&b, starts);
	memcpy(&f, b.data + starts[6], sizeof(f));
	f.nstacks = 5;
	memcpy(b.data + starts[6], &f, sizeof(f));
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_expect_not_null(l->note);
	cr_expect_eq(l->nfindings, 0);
	vigil_plog__free(l);

	/* Unknown finding kind. */
	full_log(&b, starts);
	memcpy(&f, b.data + starts[6], sizeof(f));
	f.fkind = VIGIL_FK_MAX;
	memcpy(b.data + starts[6], &f, sizeof(f));
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_expect_not_null(l->note);
	vigil_plog__free(l);

	/* argc does not match the strings. */
	full_log(&b, starts);
	memcpy(&p, b.data + starts[1], sizeof(p));
	p.argc = 3;
	memcpy(b.data + starts[1], &p, sizeof(p));
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_expect_str_eq(l->note, "raw log t.log corrupt at offset 40");
	cr_expect(!l->has_process);
	vigil_plog__free(l);

	/* Unknown record kind. */
	full_log(&b, starts);
	memcpy(&h, b.data + starts[7], sizeof(h));
	h.kind = VIGIL_REC_KIND_MAX;
	memcpy(b.data + starts[7], &h, sizeof(h));
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_expect_not_null(l->note);
	cr_expect_eq(l->nfindings, 1);
	vigil_plog__free(l);

	/* Bad magic: nothing is trusted. */
	full_log(&b, starts);
	memcpy(&v, b.data, sizeof(v));
	v.magic ^= 1;
	memcpy(b.data, &v, sizeof(v));
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_expect_str_eq(l->note, "raw log t.log corrupt at offset 0");
	cr_expect(!l->has_process);
	vigil_plog__free(l);

	/* A log that does not start with VERSION. */
	full_log(&b, starts);
	l = vigil_plog__parse(b.data + starts[1], b.len - starts[1], "t.log");
	cr_expect_str_eq(l->note, "raw log t.log corrupt at offset 0");
	vigil_plog__free(l);
}

/* CONFIG and STATS share a layout but not their keys: a key that belongs to the other
 * record is dropped like an unknown one; a count that does not match the size is
 * damage. */
Test(rawlog_read, config_and_stats_keep_their_own_keys)
{
	const struct vigil_rec_kv kv[4] = {
		{.key = VIGIL_KEY_CFG_GUARD_RATE, .value = 1000},
		{.key = VIGIL_KEY_ALLOCS, .value = 5},
		{.key = VIGIL_KEY_MAX, .value = 9},
		{.key = VIGIL_KEY_CFG_REDZONE, .value = 16},
	};
	struct logbuf b = {.len = 0};
	struct vigil_plog *l;
	struct vigil_rec_stats rec;
	size_t at;

	lb_version(&b);
	lb_config(&b, kv, 4);
	lb_stats(&b, kv, 4);
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_assert_null(l->note, "%s", l->note);
	cr_expect_eq(l->config_set, (VIGIL_KEYBIT(VIGIL_KEY_CFG_GUARD_RATE)) |
				    (VIGIL_KEYBIT(VIGIL_KEY_CFG_REDZONE)));
	cr_expect_eq(l->config[VIGIL_KEY_CFG_GUARD_RATE], 1000);
	cr_expect_eq(l->config[VIGIL_KEY_CFG_REDZONE], 16);
	cr_expect_eq(l->stats_set, VIGIL_KEYBIT(VIGIL_KEY_ALLOCS));
	vigil_plog__free(l);

	b.len = 0;
	lb_version(&b);
	at = b.len;
	lb_config(&b, kv, 4);
	memcpy(&rec, b.data + at, sizeof(rec));
	rec.n = 3;
	memcpy(b.data + at, &rec, sizeof(rec));
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_expect_str_eq(l->note, "raw log t.log corrupt at offset 40");
	cr_expect_eq(l->config_set, 0);
	vigil_plog__free(l);
}

/* A site is written again as its count grows, and once more at exit: one per (key,
 * stack) remains, with its largest count, whatever the order the records came in. A
 * key without a name is dropped; a record of the wrong size is damage. */
Test(rawlog_read, stat_sites_keep_the_largest_count)
{
	struct logbuf b = {.len = 0};
	struct vigil_plog *l;
	struct vigil_rec_hdr h;
	size_t at;

	lb_version(&b);
	lb_site(&b, VIGIL_KEY_EPIPE, 9, 1);
	lb_site(&b, VIGIL_KEY_EPIPE, 4, 1);
	lb_site(&b, VIGIL_KEY_EPIPE, 9, 8);
	lb_site(&b, VIGIL_KEY_EPIPE, 9, 4); /* a slower thread's record, written later */
	lb_site(&b, VIGIL_KEY_SIGPIPE_DEATHS, 9, 1);
	lb_site(&b, VIGIL_KEY_MAX + 3, 9, 5);
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_assert_null(l->note, "%s", l->note);
	cr_assert_eq(l->nsites, 3);
	cr_expect_eq(l->sites[0].key, VIGIL_KEY_EPIPE);
	cr_expect_eq(l->sites[0].stack_id, 4);
	cr_expect_eq(l->sites[0].count, 1);
	cr_expect_eq(l->sites[1].key, VIGIL_KEY_EPIPE);
	cr_expect_eq(l->sites[1].stack_id, 9);
	cr_expect_eq(l->sites[1].count, 8);
	cr_expect_eq(l->sites[2].key, VIGIL_KEY_SIGPIPE_DEATHS);
	cr_expect_eq(l->sites[2].count, 1);
	vigil_plog__free(l);

	b.len = 0;
	lb_version(&b);
	lb_site(&b, VIGIL_KEY_EPIPE, 9, 1);
	at = b.len;
	lb_site(&b, VIGIL_KEY_EPIPE, 9, 2);
	memcpy(&h, b.data + at, sizeof(h));
	h.size = 48;
	memcpy(b.data + at, &h, sizeof(h));
	b.len += 8;
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_expect_str_eq(l->note, "raw log t.log corrupt at offset 80");
	cr_assert_eq(l->nsites, 1);
	cr_expect_eq(l->sites[0].count, 1);
	vigil_plog__free(l);
}

Test(rawlog_read, module_resolution_follows_log_order)
{
	struct logbuf b = {.len = 0};
	const uintptr_t pcs[2] = {0x10100, 0x20100};
	struct vigil_plog *l;
	const struct vigil_plog_stack *s;

	lb_version(&b);
	lb_module(&b, VIGIL_REC_MODULE, 0x10000, 0x10000, 0x11000, 0, "/old.so");
	lb_module(&b, VIGIL_REC_MODULE_GONE, 0x10000, 0x10000, 0x11000, 0, "/old.so");
	lb_module(&b, VIGIL_REC_MODULE, 0x20000, 0x20000, 0x21000, 0, "/a.so");
	lb_module(&b, VIGIL_REC_MODULE, 0x1f000, 0x20000, 0x21000, 0, "/b.so");
	lb_stack(&b, 1, pcs, 2);
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_assert_null(l->note);
	cr_expect(l->modules[0].gone);
	s = vigil_plog__stack(l, 1);
	/* An unloaded module still names pcs nothing newer holds. */
	cr_expect_eq(s->mods[0], 0);
	/* Overlap: the most recent module wins. */
	cr_expect_eq(s->mods[1], 2);
	vigil_plog__free(l);
}

Test(rawlog_read, duplicate_stack_id_resolves_to_the_last)
{
	struct logbuf b = {.len = 0};
	const uintptr_t a = 0x1111, c = 0x2222;
	struct vigil_plog *l;

	lb_version(&b);
	for (uint32_t id = 1; id <= 50; id++)
		lb_stack(&b, id * 3, &a, 1);
	lb_stack(&b, 9, &c, 1);
	l = vigil_plog__parse(b.data, b.len, "t.log");
	cr_expect_eq(vigil_plog__stack(l, 9)->pcs[0], 0x2222);
	cr_expect_eq(vigil_plog__stack(l, 150)->pcs[0], 0x1111);
	cr_expect_null(vigil_plog__stack(l, 10));
	cr_expect_null(vigil_plog__stack(l, 0));
	vigil_plog__free(l);
}

Test(rawlog_read, random_bytes_and_bit_flips_never_crash)
{
	struct logbuf b;
	size_t starts[16];
	unsigned char buf[2048];
	unsigned seed = 12345;

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = (size_t)rand_r(&seed) % sizeof(buf);
		struct vigil_plog *l;

		for (size_t i = 0; i < len; i++)
			buf[i] = (unsigned char)rand_r(&seed);
		/* Half the time start with a valid VERSION so the fuzz goes deeper. */
		if (iter & 1 && len >= 40) {
			full_log(&b, starts);
			memcpy(buf, b.data, 40);
		}
		l = vigil_plog__parse(buf, len, "f.log");
		cr_assert_not_null(l);
		vigil_plog__free(l);
	}
	for (int iter = 0; iter < 20000; iter++) {
		struct vigil_plog *l;

		full_log(&b, starts);
		for (int k = 0; k < 1 + iter % 4; k++) {
			size_t at = (size_t)rand_r(&seed) % b.len;

			b.data[at] ^= (unsigned char)(1u << (rand_r(&seed) % 8));
		}
		l = vigil_plog__parse(b.data, b.len, "f.log");
		cr_assert_not_null(l);
		/* Whatever was kept is self-consistent. */
		for (size_t i = 0; i < l->nstacks; i++)
			for (uint32_t j = 0; j < l->stacks[i].depth; j++)
				cr_assert(l->stacks[i].mods[j] < (int32_t)l->nmodules);
		for (size_t i = 0; i < l->nfindings; i++)
			cr_assert_not_null(vigil_kind_name(l->findings[i].kind));
		vigil_plog__free(l);
	}
}

Test(rawlog_read, read_file_errors_and_empty_files)
{
	char dir[] = "/tmp/vigil-rawlog-XXXXXX", path[64];
	struct vigil_plog *l;
	struct logbuf b = {.len = 0};

	errno = 0;
	cr_expect_null(vigil_plog__read_file("/nonexistent/x.log"));
	cr_expect_eq(errno, ENOENT);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/e.1.log", dir);
	lb_write(&b, path);
	l = vigil_plog__read_file(path);
	cr_assert_not_null(l);
	cr_expect_str_eq(l->note, "raw log e.1.log truncated at offset 0");
	vigil_plog__free(l);
	lb_leak_log(&b, 9, "/x", 10, 1, 0x6010);
	lb_write(&b, path);
	l = vigil_plog__read_file(path);
	cr_expect_null(l->note);
	cr_expect_eq(l->nfindings, 1);
	vigil_plog__free(l);
	unlink(path);
	rmdir(dir);
}

/* heap-growth: every repeated series pair reaches the finding, in order, and the
 * sampling interval is a CONFIG key, not a counter. */
Test(rawlog_read, growth_series_and_interval)
{
	struct logbuf b;
	struct vigil_plog *l;
	const struct vigil_plog_finding *f;

	lb_growth_log(&b, 7, 0x6010, lb_curve, 9);
	l = vigil_plog__parse(b.data, b.len, "grow.7.log");
	cr_assert_null(l->note, "%s", l->note);
	cr_expect_eq(l->config[VIGIL_KEY_CFG_GROWTH_INTERVAL_MS], 200);
	cr_expect(l->config_set & (VIGIL_KEYBIT(VIGIL_KEY_CFG_GROWTH_INTERVAL_MS)));
	cr_expect_eq(l->stats_set & (VIGIL_KEYBIT(VIGIL_KEY_CFG_GROWTH_INTERVAL_MS)), 0);
	cr_assert_eq(l->nfindings, 1);
	f = &l->findings[0];
	cr_expect_eq(f->kind, VIGIL_FK_HEAP_GROWTH);
	cr_assert_eq(f->ndetails, 1 + 2 * 9);
	cr_expect_eq(f->details[0].key, VIGIL_KEY_BYTES);
	for (unsigned i = 0; i < 9; i++) {
		cr_expect_eq(f->details[1 + 2 * i].key, VIGIL_KEY_SERIES_T_MS);
		cr_expect_eq(f->details[1 + 2 * i].value, lb_curve[i][0]);
		cr_expect_eq(f->details[2 + 2 * i].key, VIGIL_KEY_SERIES_BYTES);
		cr_expect_eq(f->details[2 + 2 * i].value, lb_curve[i][1]);
	}
	vigil_plog__free(l);
}

/* SAMPLE records come back in order, unknown values as written; a cut one is damage
 * that keeps the ones before it. */
Test(rawlog_read, load_samples_in_order)
{
	struct logbuf b;
	struct vigil_plog *l;
	size_t cut;

	b.len = 0;
	lb_version(&b);
	lb_process(&b, 9, 1, "/usr/bin/svc", argv2, sizeof(argv2), 2);
	lb_sample(&b, 0, 100, 3);
	lb_sample(&b, 1000, 4096, VIGIL_SAMPLE_NONE);
	cut = b.len;
	lb_sample(&b, 2000, VIGIL_SAMPLE_NONE, 7);
	l = vigil_plog__parse(b.data, b.len, "svc.9.log");
	cr_assert_not_null(l);
	cr_expect_null(l->note, "%s", l->note);
	cr_assert_eq(l->nsamples, 3);
	cr_expect_eq(l->samples[0].t_ms, 0);
	cr_expect_eq(l->samples[0].heap_bytes, 100);
	cr_expect_eq(l->samples[0].fds, 3);
	cr_expect_eq(l->samples[1].t_ms, 1000);
	cr_expect_eq(l->samples[1].fds, VIGIL_SAMPLE_NONE);
	cr_expect_eq(l->samples[2].heap_bytes, VIGIL_SAMPLE_NONE);
	cr_expect_eq(l->samples[2].fds, 7);
	vigil_plog__free(l);

	l = vigil_plog__parse(b.data, cut + 40, "svc.9.log");
	cr_assert_not_null(l);
	cr_expect_not_null(l->note);
	cr_expect_eq(l->nsamples, 2);
	vigil_plog__free(l);

	/* A SAMPLE of the wrong size is corruption. */
	((struct vigil_rec_hdr *)(b.data + cut))->size = 56;
	l = vigil_plog__parse(b.data, b.len, "svc.9.log");
	cr_assert_not_null(l);
	cr_expect_not_null(l->note);
	cr_expect_eq(l->nsamples, 2);
	vigil_plog__free(l);
}
