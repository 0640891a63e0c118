/* SPDX-License-Identifier: MIT */
/* Test fixture: raw logs built in memory with the preload's own record encoders
 * (preload/rawlog.c), so the CLI's tests read exactly what the preload writes. */
#ifndef VIGIL_TEST_LOGBUF_H
#define VIGIL_TEST_LOGBUF_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "vigil/event.h"
#include "vigil/finding.h"
#include "rawlog.h"

struct logbuf {
	unsigned char data[1 << 16];
	size_t len;
};

static inline void lb_add(struct logbuf *b, size_t n)
{
	cr_assert(n > 0, "record did not fit");
	b->len += n;
}

static inline void lb_version(struct logbuf *b)
{
	lb_add(b, vigil_rawlog__enc_version(b->data + b->len, sizeof(b->data) - b->len, 1, 0));
}

/* argv given as one string with NULs between arguments, argc of them; the image
 * started start_s seconds after the epoch. */
static inline void lb_process_at(struct logbuf *b, uint32_t pid, uint32_t ppid,
				 const char *exe, const char *argv, size_t argv_len,
				 uint32_t argc, uint64_t start_s)
{
	lb_add(b, vigil_rawlog__enc_process(b->data + b->len, sizeof(b->data) - b->len, pid, 0,
					    pid, ppid, start_s * 1000000000ull, exe, argv,
					    argv_len, argc, 1, 0));
}

static inline void lb_process(struct logbuf *b, uint32_t pid, uint32_t ppid, const char *exe,
			      const char *argv, size_t argv_len, uint32_t argc)
{
	lb_process_at(b, pid, ppid, exe, argv, argv_len, argc, 1700000000ull);
}

static inline void lb_module(struct logbuf *b, uint16_t kind, uint64_t base, uint64_t start,
			     uint64_t end, uint32_t flags, const char *path)
{
	static const uint8_t id[4] = {0xde, 0xad, 0xbe, 0xef};

	lb_add(b, vigil_rawlog__enc_module(b->data + b->len, sizeof(b->data) - b->len, 1, 0,
					   kind, base, start, end, flags, id, sizeof(id), path));
}

static inline void lb_stack(struct logbuf *b, uint32_t id, const uintptr_t *pcs, unsigned depth)
{
	lb_add(b, vigil_rawlog__enc_stack(b->data + b->len, sizeof(b->data) - b->len, 1, 0, id,
					  pcs, depth));
}

static inline void lb_finding(struct logbuf *b, unsigned kind, unsigned sev, uint64_t count,
			      const struct vigil_rec_fstack *st, unsigned nst,
			      const struct vigil_rec_kv *kv, unsigned nkv)
{
	lb_add(b, vigil_rawlog__enc_finding(b->data + b->len, sizeof(b->data) - b->len, 1, 0,
					    kind, sev, count, st, nst, kv, nkv));
}

static inline void lb_exit(struct logbuf *b, unsigned how, int code, int sig)
{
	lb_add(b, vigil_rawlog__enc_exit(b->data + b->len, sizeof(b->data) - b->len, 1, 0, how,
					 code, sig));
}

static inline void lb_stats(struct logbuf *b, const struct vigil_rec_kv *kv, unsigned n)
{
	lb_add(b, vigil_rawlog__enc_stats(b->data + b->len, sizeof(b->data) - b->len, 1, 0, kv,
					  n));
}

static inline void lb_site(struct logbuf *b, unsigned key, uint32_t stack_id, uint64_t count)
{
	lb_add(b, vigil_rawlog__enc_stat_site(b->data + b->len, sizeof(b->data) - b->len, 1, 0,
					      key, 0, stack_id, count));
}

static inline void lb_sample(struct logbuf *b, uint64_t t_ms, uint64_t heap, uint64_t fds)
{
	lb_add(b, vigil_rawlog__enc_sample(b->data + b->len, sizeof(b->data) - b->len, 1,
					   t_ms * 1000000, t_ms, heap, fds));
}

/* CONFIG has the layout of STATS: encoded as one, then retagged. */
static inline void lb_config(struct logbuf *b, const struct vigil_rec_kv *kv, unsigned n)
{
	struct vigil_rec_hdr h;
	size_t at = b->len;

	lb_stats(b, kv, n);
	memcpy(&h, b->data + at, sizeof(h));
	h.kind = VIGIL_REC_CONFIG;
	memcpy(b->data + at, &h, sizeof(h));
}

static inline void lb_write(const struct logbuf *b, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	cr_assert(fd >= 0, "open %s", path);
	cr_assert(write(fd, b->data, b->len) == (ssize_t)b->len);
	close(fd);
}

/* A leak log of one process: main exe module, one allocation stack of three pcs in
 * module `mod` (base 0x1000 above start), a leak finding, exit 0. */
static inline void lb_leak_log(struct logbuf *b, uint32_t pid, const char *mod,
			       uint64_t bytes, uint64_t blocks, uint64_t pc0)
{
	const uintptr_t pcs[3] = {pc0, 0x7000 + 0x20, 0x7000 + 0x40};
	const struct vigil_rec_fstack st = {.stack_id = 7, .tid = pid,
					    .role = VIGIL_ROLE_ALLOCATION};
	const struct vigil_rec_kv kv[] = {
		{.key = VIGIL_KEY_BYTES, .value = bytes},
		{.key = VIGIL_KEY_BLOCKS, .value = blocks},
		{.key = VIGIL_KEY_DIRECT_BYTES, .value = bytes},
		{.key = VIGIL_KEY_DIRECT_BLOCKS, .value = blocks},
	};
	static const char argv[] = "./prog\0-v";

	b->len = 0;
	lb_version(b);
	lb_process(b, pid, 1, "/usr/bin/prog", argv, sizeof(argv), 2);
	lb_module(b, VIGIL_REC_MODULE, 0x6000, 0x6000, 0x9000, VIGIL_MODULE_MAIN, mod);
	lb_stack(b, 7, pcs, 3);
	lb_finding(b, VIGIL_FK_LEAK, VIGIL_SEV_ERROR, blocks, &st, 1, kv, 4);
	lb_exit(b, VIGIL_EXIT_RETURN, 0, 0);
}

/* A heap-growth log as growth.c writes it: CONFIG with the sampling interval, one
 * allocation stack at pc0 in /nonexistent/prog, and a finding whose details are the
 * final bytes (the last point's) then one (t_ms, bytes) pair per point. */
static inline void lb_growth_log(struct logbuf *b, uint32_t pid, uint64_t pc0,
				 const uint64_t (*pts)[2], unsigned npts)
{
	const uintptr_t pcs[2] = {pc0, 0x7000 + 0x20};
	const struct vigil_rec_fstack st = {.stack_id = 3, .role = VIGIL_ROLE_ALLOCATION};
	const struct vigil_rec_kv cfg[2] = {
		{.key = VIGIL_KEY_CFG_MODE, .value = VIGIL_MODE_FULL},
		{.key = VIGIL_KEY_CFG_GROWTH_INTERVAL_MS, .value = 200},
	};
	struct vigil_rec_kv kv[1 + 2 * 127];
	unsigned nkv = 0;
	static const char argv[] = "./grow";

	cr_assert(npts >= 1 && npts <= 127, "a finding holds at most 255 details");
	kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_BYTES, .value = pts[npts - 1][1]};
	for (unsigned i = 0; i < npts; i++) {
		kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_SERIES_T_MS, .value = pts[i][0]};
		kv[nkv++] = (struct vigil_rec_kv){.key = VIGIL_KEY_SERIES_BYTES, .value = pts[i][1]};
	}
	b->len = 0;
	lb_version(b);
	lb_process(b, pid, 1, "/usr/bin/grow", argv, sizeof(argv), 1);
	lb_config(b, cfg, 2);
	lb_module(b, VIGIL_REC_MODULE, 0x6000, 0x6000, 0x9000, VIGIL_MODULE_MAIN,
		  "/nonexistent/prog");
	lb_stack(b, 3, pcs, 2);
	lb_finding(b, VIGIL_FK_HEAP_GROWTH, VIGIL_SEV_WARNING, 1, &st, 1, kv, nkv);
	lb_exit(b, VIGIL_EXIT_RETURN, 0, 0);
}

/* The curve of the tests: 64 KiB at 1.0 s to 1.9 MiB at 2.6 s, nine points. */
static const uint64_t lb_curve[9][2] = {
	{1000, 64 << 10},   {1200, 260 << 10},  {1400, 500 << 10},
	{1600, 760 << 10},  {1800, 1000 << 10}, {2000, 1250 << 10},
	{2200, 1500 << 10}, {2400, 1750 << 10}, {2600, 1992294},
};

#endif
