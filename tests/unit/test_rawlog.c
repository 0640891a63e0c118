// SPDX-License-Identifier: MIT
/* Unit tests for preload/rawlog.c: every encoder against the layout event.h promises,
 * and the log file itself (naming, numbering, whole-record appends) in a temp dir. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rawlog.h"
#include "vigil/finding.h"

#define POISON 0xaa

/* 8-byte aligned scratch, poisoned so writes past the record's size show up. */
static union {
	uint64_t align;
	unsigned char b[4096];
} scratch;

static void poison(void)
{
	memset(scratch.b, POISON, sizeof(scratch.b));
}

static void check_hdr(const void *buf, uint16_t kind, size_t size, uint32_t tid, uint64_t ts)
{
	const struct vigil_rec_hdr *h = buf;

	cr_assert_eq(size % VIGIL_REC_ALIGN, 0, "size %zu is not 8-aligned", size);
	cr_assert_eq(h->kind, kind);
	cr_assert_eq(h->flags, 0);
	cr_assert_eq(h->size, size);
	cr_assert_eq(h->tid, tid);
	cr_assert_eq(h->pad, 0);
	cr_assert_eq(h->ts_ns, ts);
}

/* Bytes [from, size) are zero padding and nothing past size was written. */
static void check_tail(size_t from, size_t size)
{
	for (size_t i = from; i < size; i++)
		cr_assert_eq(scratch.b[i], 0, "padding byte %zu is %#x", i, scratch.b[i]);
	for (size_t i = size; i < size + 64 && i < sizeof(scratch.b); i++)
		cr_assert_eq(scratch.b[i], POISON, "byte %zu past the record was written", i);
}

Test(rawlog, enc_version)
{
	const struct vigil_rec_version *r = (const void *)scratch.b;
	size_t n;

	poison();
	cr_assert_eq(vigil_rawlog__enc_version(scratch.b, 39, 1, 2), 0);
	cr_assert_eq(scratch.b[0], POISON, "a record that does not fit writes nothing");
	n = vigil_rawlog__enc_version(scratch.b, 40, 4242, 123456789012ull);
	cr_assert_eq(n, 40);
	check_hdr(r, VIGIL_REC_VERSION, 40, 4242, 123456789012ull);
	cr_assert_eq(r->magic, VIGIL_RAW_MAGIC);
	cr_assert_eq(r->version, VIGIL_RAW_VERSION);
	cr_assert_eq(r->pad, 0);
	cr_assert_eq(memcmp(&r->magic, "VIGLLOG1", 8), 0, "magic bytes on disk");
	check_tail(40, 40);
}

Test(rawlog, enc_process_layout)
{
	const struct vigil_rec_process *r = (const void *)scratch.b;
	static const char argv[] = "true\0-x\0--long arg"; /* 3 strings, 19 bytes */
	const char *exe = "/usr/bin/true";                 /* 14 bytes with NUL */
	const char *p = (const char *)(r + 1);
	size_t n;

	poison();
	n = vigil_rawlog__enc_process(scratch.b, sizeof(scratch.b), 7, 99, 1234, 1, 555ull,
				      exe, argv, sizeof(argv), 3, 0x1, VIGIL_MODE_FULL);
	/* 64 + 14 + 19 = 97, padded to 104. */
	cr_assert_eq(n, 104);
	check_hdr(r, VIGIL_REC_PROCESS, 104, 7, 99);
	cr_assert_eq(r->pid, 1234);
	cr_assert_eq(r->ppid, 1);
	cr_assert_eq(r->start_realtime_ns, 555);
	cr_assert_eq(r->exe_len, 14);
	cr_assert_eq(r->argc, 3);
	cr_assert_eq(r->argv_len, 19);
	cr_assert_eq(r->checks, 0x1);
	cr_assert_eq(r->mode, VIGIL_MODE_FULL);
	cr_assert_eq(r->pad, 0);
	cr_assert_str_eq(p, "/usr/bin/true");
	cr_assert_str_eq(p + 14, "true");
	cr_assert_str_eq(p + 19, "-x");
	cr_assert_str_eq(p + 22, "--long arg");
	check_tail(64 + 14 + 19, 104);
}

Test(rawlog, enc_process_too_small)
{
	static const char argv[] = "a\0b";
	size_t need;

	/* 64 + 2 + 4 = 70 -> 72 */
	need = vigil_rawlog__enc_process(scratch.b, sizeof(scratch.b), 1, 1, 1, 1, 1, "x",
					 argv, sizeof(argv), 2, 0, 0);
	cr_assert_eq(need, 72);
	poison();
	cr_assert_eq(vigil_rawlog__enc_process(scratch.b, 71, 1, 1, 1, 1, 1, "x", argv,
					       sizeof(argv), 2, 0, 0), 0);
	cr_assert_eq(scratch.b[0], POISON);
	cr_assert_eq(vigil_rawlog__enc_process(scratch.b, 72, 1, 1, 1, 1, 1, "x", argv,
					       sizeof(argv), 2, 0, 0), 72);
}

Test(rawlog, enc_process_over_record_max)
{
	size_t cap = VIGIL_REC_MAX + 4096;
	char *buf = malloc(cap);
	char *argv = calloc(VIGIL_REC_MAX, 1);

	cr_assert(buf && argv);
	/* Fits the buffer but not the format's record limit. */
	cr_assert_eq(vigil_rawlog__enc_process(buf, cap, 1, 1, 1, 1, 1, "x", argv,
					       VIGIL_REC_MAX - 64, 1, 0, 0), 0);
	cr_assert_eq(vigil_rawlog__enc_process(buf, cap, 1, 1, 1, 1, 1, "x", argv,
					       VIGIL_REC_MAX - 64 - 8, 1, 0, 0),
		     VIGIL_REC_MAX);
	free(buf);
	free(argv);
}

Test(rawlog, enc_module_layout)
{
	const struct vigil_rec_module *r = (const void *)scratch.b;
	uint8_t id[20];
	size_t n;

	for (unsigned i = 0; i < 20; i++)
		id[i] = (uint8_t)(0xf0 + i);
	poison();
	/* "/lib/x86_64-linux-gnu/libc.so.6" is 31 bytes + NUL: 80 + 32 = 112. */
	n = vigil_rawlog__enc_module(scratch.b, sizeof(scratch.b), 3, 4, VIGIL_REC_MODULE,
				     0x7f0000000000ull, 0x7f0000028000ull, 0x7f00001f0000ull,
				     VIGIL_MODULE_MAIN, id, 20, "/lib/x86_64-linux-gnu/libc.so.6");
	cr_assert_eq(n, 112);
	check_hdr(r, VIGIL_REC_MODULE, 112, 3, 4);
	cr_assert_eq(r->base, 0x7f0000000000ull);
	cr_assert_eq(r->start, 0x7f0000028000ull);
	cr_assert_eq(r->end, 0x7f00001f0000ull);
	cr_assert_eq(r->path_len, 32);
	cr_assert_eq(r->flags, VIGIL_MODULE_MAIN);
	cr_assert_eq(r->build_id_len, 20);
	cr_assert_arr_eq(r->build_id, id, 20);
	cr_assert_eq(r->pad[0] | r->pad[1] | r->pad[2], 0);
	cr_assert_str_eq((const char *)(r + 1), "/lib/x86_64-linux-gnu/libc.so.6");
	check_tail(112, 112);
}

Test(rawlog, enc_module_gone_short_build_id)
{
	const struct vigil_rec_module *r = (const void *)scratch.b;
	const uint8_t id[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	size_t n;

	poison();
	/* "[vdso]" + NUL = 7: 80 + 7 = 87 -> 88 */
	n = vigil_rawlog__enc_module(scratch.b, sizeof(scratch.b), 1, 2, VIGIL_REC_MODULE_GONE,
				     0, 0x1000, 0x3000, VIGIL_MODULE_VDSO, id, 8, "[vdso]");
	cr_assert_eq(n, 88);
	check_hdr(r, VIGIL_REC_MODULE_GONE, 88, 1, 2);
	cr_assert_eq(r->build_id_len, 8);
	cr_assert_arr_eq(r->build_id, id, 8);
	for (unsigned i = 8; i < 20; i++)
		cr_assert_eq(r->build_id[i], 0, "build-id byte %u not zeroed", i);
	cr_assert_eq(r->path_len, 7);
	cr_assert_str_eq((const char *)(r + 1), "[vdso]");
	check_tail(87, 88);
	/* No build id at all. */
	n = vigil_rawlog__enc_module(scratch.b, sizeof(scratch.b), 1, 2, VIGIL_REC_MODULE, 0,
				     0x1000, 0x3000, 0, NULL, 0, "/a");
	cr_assert_eq(n, 88); /* 80 + 3 -> 88 */
	cr_assert_eq(r->build_id_len, 0);
}

Test(rawlog, enc_module_long_build_id_truncated)
{
	const struct vigil_rec_module *r = (const void *)scratch.b;
	uint8_t id[32];

	for (unsigned i = 0; i < 32; i++)
		id[i] = (uint8_t)(i + 1);
	poison();
	cr_assert_eq(vigil_rawlog__enc_module(scratch.b, sizeof(scratch.b), 1, 2,
					      VIGIL_REC_MODULE, 0, 0, 1, 0, id, 32, "/b"), 88);
	cr_assert_eq(r->build_id_len, 20);
	cr_assert_arr_eq(r->build_id, id, 20);
	/* The path still follows the fixed part, not the long id. */
	cr_assert_str_eq((const char *)(r + 1), "/b");
}

Test(rawlog, enc_module_too_small)
{
	poison();
	cr_assert_eq(vigil_rawlog__enc_module(scratch.b, 87, 1, 2, VIGIL_REC_MODULE, 0, 0, 1,
					      0, NULL, 0, "[vdso]"), 0);
	cr_assert_eq(scratch.b[0], POISON);
	cr_assert_eq(vigil_rawlog__enc_module(scratch.b, 88, 1, 2, VIGIL_REC_MODULE, 0, 0, 1,
					      0, NULL, 0, "[vdso]"), 88);
}

Test(rawlog, enc_stack_layout)
{
	const struct vigil_rec_stack *r = (const void *)scratch.b;
	const uintptr_t pcs[5] = {0x401136, 0x7f1234567890, 0x401200, 0x1, UINTPTR_MAX};
	const uint64_t *out = (const uint64_t *)(r + 1);
	size_t n;

	poison();
	n = vigil_rawlog__enc_stack(scratch.b, sizeof(scratch.b), 11, 22, 77, pcs, 5);
	cr_assert_eq(n, 32 + 5 * 8);
	check_hdr(r, VIGIL_REC_STACK, 72, 11, 22);
	cr_assert_eq(r->id, 77);
	cr_assert_eq(r->depth, 5);
	for (unsigned i = 0; i < 5; i++)
		cr_assert_eq(out[i], (uint64_t)pcs[i], "pc %u", i);
	check_tail(72, 72);

	poison();
	cr_assert_eq(vigil_rawlog__enc_stack(scratch.b, 71, 11, 22, 77, pcs, 5), 0);
	cr_assert_eq(scratch.b[0], POISON);
	cr_assert_eq(vigil_rawlog__enc_stack(scratch.b, 32, 1, 2, 3, pcs, 0), 32);
	cr_assert_eq(r->depth, 0);
}

Test(rawlog, enc_finding_layout)
{
	const struct vigil_rec_finding *r = (const void *)scratch.b;
	const struct vigil_rec_fstack st[2] = {
		{.stack_id = 5, .tid = 100, .role = VIGIL_ROLE_FREE},
		{.stack_id = 9, .tid = 101, .role = VIGIL_ROLE_CRASH,
		 .flags = VIGIL_STACK_EXACT_PC0},
	};
	const struct vigil_rec_kv kv[3] = {
		{.key = VIGIL_KEY_SIZE, .value = 48},
		{.key = VIGIL_KEY_ADDR, .value = 0x602000000010ull},
		{.key = VIGIL_KEY_OFFSET, .value = (uint64_t)-8},
	};
	const struct vigil_rec_fstack *ost = (const void *)(r + 1);
	const struct vigil_rec_kv *okv = (const void *)(ost + 2);
	size_t n;

	poison();
	n = vigil_rawlog__enc_finding(scratch.b, sizeof(scratch.b), 31, 32,
				      VIGIL_FK_DOUBLE_FREE, VIGIL_SEV_ERROR, 3, st, 2, kv, 3);
	cr_assert_eq(n, 40 + 2 * 16 + 3 * 16);
	check_hdr(r, VIGIL_REC_FINDING, 120, 31, 32);
	cr_assert_eq(r->fkind, VIGIL_FK_DOUBLE_FREE);
	cr_assert_eq(r->severity, VIGIL_SEV_ERROR);
	cr_assert_eq(r->nstacks, 2);
	cr_assert_eq(r->ndetails, 3);
	cr_assert_eq(r->count, 3);
	cr_assert_eq(r->pad[0] | r->pad[1] | r->pad[2], 0);
	cr_assert_eq(ost[0].stack_id, 5);
	cr_assert_eq(ost[0].tid, 100);
	cr_assert_eq(ost[0].role, VIGIL_ROLE_FREE);
	cr_assert_eq(ost[0].flags, 0);
	cr_assert_eq(ost[1].stack_id, 9);
	cr_assert_eq(ost[1].role, VIGIL_ROLE_CRASH);
	cr_assert_eq(ost[1].flags, VIGIL_STACK_EXACT_PC0);
	cr_assert_eq(okv[0].key, VIGIL_KEY_SIZE);
	cr_assert_eq(okv[0].value, 48);
	cr_assert_eq(okv[1].key, VIGIL_KEY_ADDR);
	cr_assert_eq(okv[1].value, 0x602000000010ull);
	cr_assert_eq(okv[2].key, VIGIL_KEY_OFFSET);
	cr_assert_eq(okv[2].value, (uint64_t)-8);
	check_tail(120, 120);
}

Test(rawlog, enc_finding_limits)
{
	static struct vigil_rec_fstack st[256];
	static struct vigil_rec_kv kv[256];
	static unsigned char big[40 + 512 * 16];
	size_t n;

	poison();
	cr_assert_eq(vigil_rawlog__enc_finding(scratch.b, 40 + 16 + 16 - 1, 1, 2, VIGIL_FK_LEAK,
					       VIGIL_SEV_ERROR, 1, st, 1, kv, 1), 0);
	cr_assert_eq(scratch.b[0], POISON);
	cr_assert_eq(vigil_rawlog__enc_finding(scratch.b, 40, 1, 2, VIGIL_FK_LEAK,
					       VIGIL_SEV_ERROR, 1, NULL, 0, NULL, 0), 40);
	/* nstacks and ndetails are one byte each: 256 cannot be represented. */
	n = vigil_rawlog__enc_finding(big, sizeof(big), 1, 2, VIGIL_FK_LEAK, VIGIL_SEV_ERROR, 1,
				      st, 256, kv, 0);
	cr_assert_eq(n, 0);
	n = vigil_rawlog__enc_finding(big, sizeof(big), 1, 2, VIGIL_FK_LEAK, VIGIL_SEV_ERROR, 1,
				      st, 0, kv, 256);
	cr_assert_eq(n, 0);
	n = vigil_rawlog__enc_finding(big, sizeof(big), 1, 2, VIGIL_FK_LEAK, VIGIL_SEV_ERROR, 1,
				      st, 255, kv, 255);
	cr_assert_eq(n, 40 + 510 * 16);
	cr_assert_eq(((const struct vigil_rec_finding *)(const void *)big)->nstacks, 255);
	cr_assert_eq(((const struct vigil_rec_finding *)(const void *)big)->ndetails, 255);
}

Test(rawlog, enc_exit_layout)
{
	const struct vigil_rec_exit *r = (const void *)scratch.b;

	poison();
	cr_assert_eq(vigil_rawlog__enc_exit(scratch.b, 39, 1, 2, VIGIL_EXIT_RETURN, 0, 0), 0);
	cr_assert_eq(scratch.b[0], POISON);
	cr_assert_eq(vigil_rawlog__enc_exit(scratch.b, 40, 5, 6, VIGIL_EXIT_SIGNAL, -3, 11), 40);
	check_hdr(r, VIGIL_REC_EXIT, 40, 5, 6);
	cr_assert_eq(r->how, VIGIL_EXIT_SIGNAL);
	cr_assert_eq(r->code, -3);
	cr_assert_eq(r->signal, 11);
	cr_assert_eq(r->pad, 0);
	check_tail(40, 40);
}

Test(rawlog, enc_stats_layout)
{
	const struct vigil_rec_stats *r = (const void *)scratch.b;
	const struct vigil_rec_kv kv[2] = {
		{.key = VIGIL_KEY_ALLOCS, .value = 1000000},
		{.key = VIGIL_KEY_TOOL_BYTES, .value = 1ull << 40},
	};
	const struct vigil_rec_kv *o = (const void *)(r + 1);

	poison();
	cr_assert_eq(vigil_rawlog__enc_stats(scratch.b, 63, 1, 2, kv, 2), 0);
	cr_assert_eq(scratch.b[0], POISON);
	cr_assert_eq(vigil_rawlog__enc_stats(scratch.b, 64, 8, 9, kv, 2), 64);
	check_hdr(r, VIGIL_REC_STATS, 64, 8, 9);
	cr_assert_eq(r->n, 2);
	cr_assert_eq(r->pad, 0);
	cr_assert_eq(o[0].key, VIGIL_KEY_ALLOCS);
	cr_assert_eq(o[0].value, 1000000);
	cr_assert_eq(o[1].key, VIGIL_KEY_TOOL_BYTES);
	cr_assert_eq(o[1].value, 1ull << 40);
	cr_assert_eq(o[0].pad[0] | o[0].pad[1] | o[0].pad[2], 0);
	check_tail(64, 64);
	cr_assert_eq(vigil_rawlog__enc_stats(scratch.b, 32, 8, 9, NULL, 0), 32);
}

Test(rawlog, enc_stat_site_layout)
{
	const struct vigil_rec_stat_site *r = (const void *)scratch.b;

	poison();
	cr_assert_eq(vigil_rawlog__enc_stat_site(scratch.b, 39, 1, 2, VIGIL_KEY_EPIPE, 0, 7, 1), 0);
	cr_assert_eq(scratch.b[0], POISON);
	cr_assert_eq(vigil_rawlog__enc_stat_site(scratch.b, 40, 3, 4, VIGIL_KEY_SIGPIPE_DEATHS,
						 VIGIL_STACK_EXACT_PC0, 0xfffffffe, 1ull << 40),
		     40);
	check_hdr(r, VIGIL_REC_STAT_SITE, 40, 3, 4);
	cr_assert_eq(r->key, VIGIL_KEY_SIGPIPE_DEATHS);
	cr_assert_eq(r->flags, VIGIL_STACK_EXACT_PC0);
	cr_assert_eq(r->stack_id, 0xfffffffe);
	cr_assert_eq(r->count, 1ull << 40);
	check_tail(40, 40);
}

Test(rawlog, enc_sample_layout)
{
	const struct vigil_rec_sample *r = (const void *)scratch.b;

	poison();
	cr_assert_eq(vigil_rawlog__enc_sample(scratch.b, 47, 1, 2, 3, 4, 5), 0);
	cr_assert_eq(scratch.b[0], POISON);
	cr_assert_eq(vigil_rawlog__enc_sample(scratch.b, 48, 5, 6, 1500, 1ull << 40,
					      VIGIL_SAMPLE_NONE),
		     48);
	check_hdr(r, VIGIL_REC_SAMPLE, 48, 5, 6);
	cr_assert_eq(r->t_ms, 1500);
	cr_assert_eq(r->heap_bytes, 1ull << 40);
	cr_assert_eq(r->fds, VIGIL_SAMPLE_NONE);
	check_tail(48, 48);
}

Test(rawlog, enc_sizes_always_aligned)
{
	static const char argv[16] = "abcdefghijklmno";

	/* Every string length mod 8 for the two variable-length encoders. */
	for (size_t len = 0; len < 16; len++) {
		char path[17];
		size_t n;

		memset(path, 'p', len);
		path[len] = '\0';
		n = vigil_rawlog__enc_module(scratch.b, sizeof(scratch.b), 1, 1, VIGIL_REC_MODULE,
					     0, 0, 1, 0, NULL, 0, path);
		cr_assert_eq(n, (80 + len + 1 + 7) / 8 * 8, "module with path length %zu", len);
		n = vigil_rawlog__enc_process(scratch.b, sizeof(scratch.b), 1, 1, 1, 1, 1, path,
					      argv, len, 1, 0, 0);
		cr_assert_eq(n, (64 + len + 1 + len + 7) / 8 * 8, "process, length %zu", len);
		cr_assert_eq(((const struct vigil_rec_hdr *)(const void *)scratch.b)->size, n);
	}
}

/* --- the log file --- */

static char tmp[64];

static void make_tmp(void)
{
	strcpy(tmp, "/tmp/vigil-test-rawlog.XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
}

static void rm_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	cr_assert_eq(system(cmd), 0);
}

static size_t slurp(const char *path, unsigned char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	cr_assert_geq(fd, 0, "open %s: %s", path, strerror(errno));
	n = read(fd, buf, cap);
	cr_assert_geq(n, 0);
	close(fd);
	return (size_t)n;
}

Test(rawlog, append_before_open)
{
	unsigned char rec[40];

	cr_assert_eq(vigil_rawlog__fd(), -1);
	cr_assert_eq(vigil_rawlog__enc_version(rec, sizeof(rec), 1, 2), 40);
	cr_assert_eq(vigil_rawlog__append(rec, 40), -EBADF);
}

Test(rawlog, open_creates_named_log)
{
	char out[128], want[192];
	struct stat st;
	unsigned gen0 = vigil_rawlog__gen();
	int fd, flags;

	make_tmp();
	/* Missing parent directories are created. */
	snprintf(out, sizeof(out), "%s/a/b", tmp);
	cr_assert_eq(vigil_rawlog__open(out, "prog", 4321), 0);
	snprintf(want, sizeof(want), "%s/a/b/raw/prog.4321.log", tmp);
	cr_assert_str_eq(vigil_rawlog__path(), want);
	cr_assert_eq(stat(want, &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_size, 0);
	cr_assert_eq(vigil_rawlog__gen(), gen0 + 1);
	fd = vigil_rawlog__fd();
	cr_assert_geq(fd, 3);
	flags = fcntl(fd, F_GETFD);
	cr_assert_geq(flags, 0);
	cr_assert(flags & FD_CLOEXEC, "log fd must be close-on-exec");
	cr_assert(fcntl(fd, F_GETFL) & O_APPEND);
	rm_tmp();
}

Test(rawlog, second_open_gets_suffix)
{
	char want[192];
	int fd1, fd2;
	unsigned g;

	make_tmp();
	cr_assert_eq(vigil_rawlog__open(tmp, "srv", 77), 0);
	fd1 = vigil_rawlog__fd();
	g = vigil_rawlog__gen();
	/* Same exe and pid again, as after exec of the same program. */
	cr_assert_eq(vigil_rawlog__open(tmp, "srv", 77), 0);
	snprintf(want, sizeof(want), "%s/raw/srv.77.1.log", tmp);
	cr_assert_str_eq(vigil_rawlog__path(), want);
	cr_assert_eq(vigil_rawlog__gen(), g + 1);
	fd2 = vigil_rawlog__fd();
	cr_assert_geq(fd2, 3);
	cr_assert_eq(access(want, F_OK), 0);
	cr_assert_eq(vigil_rawlog__open(tmp, "srv", 77), 0);
	snprintf(want, sizeof(want), "%s/raw/srv.77.2.log", tmp);
	cr_assert_str_eq(vigil_rawlog__path(), want);
	snprintf(want, sizeof(want), "%s/raw/srv.77.log", tmp);
	cr_assert_eq(access(want, F_OK), 0, "the first log stays");
	/* The earlier descriptors were replaced, not leaked. */
	if (fd1 != vigil_rawlog__fd())
		cr_assert_eq(fcntl(fd1, F_GETFD), -1, "first log fd %d still open", fd1);
	if (fd2 != vigil_rawlog__fd() && fd2 != fd1)
		cr_assert_eq(fcntl(fd2, F_GETFD), -1, "second log fd %d still open", fd2);
	rm_tmp();
}

Test(rawlog, open_fails_under_a_file)
{
	char out[128];
	int fd;

	make_tmp();
	snprintf(out, sizeof(out), "%s/file", tmp);
	fd = open(out, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(vigil_rawlog__open(out, "prog", 1), -ENOTDIR);
	cr_assert_eq(vigil_rawlog__fd(), -1);
	rm_tmp();
}

/* Encodes the first records of a log into buf; returns the total size. */
static size_t sample_log(unsigned char *buf, size_t cap, size_t *sizes, unsigned *n)
{
	static const char argv[] = "prog\0--flag";
	const uintptr_t pcs[3] = {0x401000, 0x401100, 0x401200};
	const struct vigil_rec_fstack st = {.stack_id = 1, .tid = 9, .role = VIGIL_ROLE_ALLOCATION};
	const struct vigil_rec_kv kv = {.key = VIGIL_KEY_SIZE, .value = 24};
	size_t off = 0;

	*n = 0;
	sizes[(*n)++] = vigil_rawlog__enc_version(buf + off, cap - off, 9, 1);
	off += sizes[*n - 1];
	sizes[(*n)++] = vigil_rawlog__enc_process(buf + off, cap - off, 9, 2, 9, 1, 3, "/bin/prog",
						  argv, sizeof(argv), 2, 1, 0);
	off += sizes[*n - 1];
	sizes[(*n)++] = vigil_rawlog__enc_stack(buf + off, cap - off, 9, 3, 1, pcs, 3);
	off += sizes[*n - 1];
	sizes[(*n)++] = vigil_rawlog__enc_finding(buf + off, cap - off, 9, 4, VIGIL_FK_LEAK,
						  VIGIL_SEV_ERROR, 1, &st, 1, &kv, 1);
	off += sizes[*n - 1];
	sizes[(*n)++] = vigil_rawlog__enc_exit(buf + off, cap - off, 9, 5, VIGIL_EXIT_RETURN, 0, 0);
	off += sizes[*n - 1];
	for (unsigned i = 0; i < *n; i++)
		cr_assert_gt(sizes[i], 0, "record %u did not fit", i);
	return off;
}

Test(rawlog, append_writes_whole_records)
{
	static union {
		uint64_t align;
		unsigned char b[1024];
	} recs;
	unsigned char back[2048];
	size_t sizes[8], total, off = 0, got;
	unsigned n;

	make_tmp();
	total = sample_log(recs.b, sizeof(recs.b), sizes, &n);
	cr_assert_eq(total, 40 + 88 + 56 + 72 + 40);
	cr_assert_eq(vigil_rawlog__open(tmp, "prog", 9), 0);
	for (unsigned i = 0; i < n; i++) {
		cr_assert_eq(vigil_rawlog__append(recs.b + off, sizes[i]), 0, "record %u", i);
		off += sizes[i];
	}
	got = slurp(vigil_rawlog__path(), back, sizeof(back));
	cr_assert_eq(got, total);
	cr_assert_arr_eq(back, recs.b, total);
	/* Walking the file by header sizes lands exactly on its end. */
	off = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct vigil_rec_hdr *h = (const void *)(back + off);
		cr_assert_eq(h->size, sizes[i]);
		off += h->size;
	}
	cr_assert_eq(off, got);
	cr_assert_eq(((const struct vigil_rec_hdr *)(const void *)back)->kind, VIGIL_REC_VERSION);
	rm_tmp();
}

Test(rawlog, append_survives_closed_fd)
{
	unsigned char rec[40], back[128];
	char other[128];
	int fd, ofd;

	make_tmp();
	cr_assert_eq(vigil_rawlog__open(tmp, "prog", 5), 0);
	cr_assert_eq(vigil_rawlog__enc_version(rec, sizeof(rec), 1, 1), 40);
	cr_assert_eq(vigil_rawlog__append(rec, 40), 0);

	/* The program closes our descriptor with a raw syscall, then reuses the number
	 * for its own file: our records must not land in it. */
	fd = vigil_rawlog__fd();
	syscall(SYS_close, fd);
	snprintf(other, sizeof(other), "%s/other", tmp);
	ofd = open(other, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	cr_assert_geq(ofd, 0);
	if (ofd != fd) {
		cr_assert_eq(dup2(ofd, fd), fd);
		close(ofd);
	}
	cr_assert_eq(vigil_rawlog__enc_exit(rec, sizeof(rec), 1, 2, VIGIL_EXIT_RETURN, 3, 0), 40);
	cr_assert_eq(vigil_rawlog__append(rec, 40), 0);
	cr_assert_eq(slurp(other, back, sizeof(back)), 0, "record went into the program's file");
	cr_assert_eq(slurp(vigil_rawlog__path(), back, sizeof(back)), 80);
	cr_assert_eq(((const struct vigil_rec_hdr *)(const void *)(back + 40))->kind,
		     VIGIL_REC_EXIT);
	close(fd);
	rm_tmp();
}

Test(rawlog, move_keeps_appending)
{
	unsigned char rec[40], back[128];
	int before, after;

	make_tmp();
	cr_assert_eq(vigil_rawlog__open(tmp, "prog", 6), 0);
	before = vigil_rawlog__fd();
	vigil_rawlog__move();
	after = vigil_rawlog__fd();
	cr_assert_gt(after, before);
	cr_assert_eq(fcntl(before, F_GETFD), -1, "old number %d must be free for the program",
		     before);
	cr_assert(fcntl(after, F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(vigil_rawlog__enc_version(rec, sizeof(rec), 1, 1), 40);
	cr_assert_eq(vigil_rawlog__append(rec, 40), 0);
	cr_assert_eq(slurp(vigil_rawlog__path(), back, sizeof(back)), 40);
	cr_assert_arr_eq(back, rec, 40);
	rm_tmp();
}
