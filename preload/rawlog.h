/* SPDX-License-Identifier: MIT */
/* The raw-log writer: one append-only file per process under OUT/raw/, one write(2)
 * per record so a record is in the file the moment it is found and a SIGKILL loses
 * nothing already written. Also the record encoders (pure, unit-tested). */
#ifndef VIGIL_RAWLOG_H
#define VIGIL_RAWLOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hidden.h"
#include "vigil/event.h"

/* Opens OUT/raw/<exe>.<pid>[.N].log, creating the dirs. 0 or -errno. The fd is
 * CLOEXEC and >= 3. Replaces any log this process had (fork child). */
int vigil_rawlog__open(const char *out, const char *exe, pid_t pid) VIGIL_HID;
int vigil_rawlog__fd(void) VIGIL_HID;
const char *vigil_rawlog__path(void) VIGIL_HID;
/* Bumped by every open: stack records are written once per generation. */
unsigned vigil_rawlog__gen(void) VIGIL_HID;
/* Moves the log to another descriptor number (the program dup2's onto ours). */
void vigil_rawlog__move(void) VIGIL_HID;
/* Appends one encoded record; 0 or -errno (the record is then lost and counted). */
int vigil_rawlog__append(const void *rec, size_t size) VIGIL_HID;

/* Encoders: fill buf (cap bytes) and return the record size, or 0 if it does not fit.
 * The header's tid and ts_ns are taken from the arguments so tests are deterministic. */
size_t vigil_rawlog__enc_version(void *buf, size_t cap, uint32_t tid, uint64_t ts) VIGIL_HID;
size_t vigil_rawlog__enc_process(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				 uint32_t pid, uint32_t ppid, uint64_t start_ns, const char *exe,
				 const char *argv, size_t argv_len, uint32_t argc,
				 uint32_t checks, uint32_t mode) VIGIL_HID;
size_t vigil_rawlog__enc_module(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				uint16_t kind, uint64_t base, uint64_t start, uint64_t end,
				uint32_t flags, const uint8_t *build_id, unsigned build_id_len,
				const char *path) VIGIL_HID;
size_t vigil_rawlog__enc_stack(void *buf, size_t cap, uint32_t tid, uint64_t ts,
			       uint32_t id, const uintptr_t *pcs, unsigned depth) VIGIL_HID;
size_t vigil_rawlog__enc_finding(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				 unsigned fkind, unsigned severity, uint64_t count,
				 const struct vigil_rec_fstack *stacks, unsigned nstacks,
				 const struct vigil_rec_kv *kv, unsigned nkv) VIGIL_HID;
size_t vigil_rawlog__enc_exit(void *buf, size_t cap, uint32_t tid, uint64_t ts,
			      unsigned how, int code, int sig) VIGIL_HID;
/* CONFIG shares the STATS layout. */
size_t vigil_rawlog__enc_config(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				const struct vigil_rec_kv *kv, unsigned nkv) VIGIL_HID;
size_t vigil_rawlog__enc_stats(void *buf, size_t cap, uint32_t tid, uint64_t ts,
			       const struct vigil_rec_kv *kv, unsigned nkv) VIGIL_HID;
size_t vigil_rawlog__enc_stat_site(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				   unsigned key, unsigned flags, uint32_t stack_id,
				   uint64_t count) VIGIL_HID;
size_t vigil_rawlog__enc_sample(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				uint64_t t_ms, uint64_t heap_bytes, uint64_t fds) VIGIL_HID;

#endif
