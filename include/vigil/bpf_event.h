/* SPDX-License-Identifier: MIT */
/* What bpf/sentinel.bpf.c shares with the CLI (src/bpf*.c): the ring-buffer events,
 * the map keys and values, and the sizes both sides agree on. Compiled by clang for
 * the BPF target (vmlinux.h types) and by the host compiler (linux/types.h). */
#ifndef VIGIL_BPF_EVENT_H
#define VIGIL_BPF_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Syscall numbers counted per thread and histogrammed; larger ones (x32, compat) are
 * counted under VIGIL_BPF_NR_OTHER. */
#define VIGIL_BPF_NR 512
#define VIGIL_BPF_NR_OTHER (VIGIL_BPF_NR - 1)
/* log2 latency buckets: bucket b counts calls of [2^b, 2^(b+1)) ns; the last one is
 * everything from 2^31 ns (2.1 s) up. */
#define VIGIL_BPF_HIST 32
/* User frames kept per sample (frame-pointer walk) and stack bytes copied from the
 * stack pointer, from which the CLI recovers the caller a frameless leaf (a libc
 * syscall wrapper) hides from the frame-pointer walk. */
#define VIGIL_BPF_FRAMES 48
#define VIGIL_BPF_STACK_BYTES 512
#define VIGIL_BPF_PATH 256
/* tgids the tree bitmap covers: PID_MAX_LIMIT of 64-bit kernels. */
#define VIGIL_BPF_TGIDS (1u << 22)

enum vigil_bpf_ev_type {
	VIGIL_BPF_EV_EXEC = 1, /* a tracked task exec'd: new image */
	VIGIL_BPF_EV_FORK,     /* a tracked process made a new process */
	VIGIL_BPF_EV_EXIT,     /* the last thread of a tracked process exited */
	VIGIL_BPF_EV_ERROR,    /* one of the first failures of (process, syscall, errno) */
	VIGIL_BPF_EV_WX,       /* a successful W+X mmap/mprotect/pkey_mprotect */
	VIGIL_BPF_EV_SLOW,     /* the slowest call of a syscall so far, over the threshold */
	VIGIL_BPF_EV_CRASH,    /* a fatal signal delivered with the default action */
};

struct vigil_bpf_hdr {
	__u32 type; /* enum vigil_bpf_ev_type */
	__u32 tgid;
	__u32 tid;
	__u32 ppid; /* real parent's tgid */
	__u64 ts_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 boot_ns; /* when the process started (its leader's start_boottime): tells
			* it from a later one with the same pid in /proc */
};

struct vigil_bpf_exec {
	struct vigil_bpf_hdr hdr;
	__u64 start_code, end_code; /* the new image's text, for static binaries' bias */
	char filename[VIGIL_BPF_PATH];
};

struct vigil_bpf_exit {
	struct vigil_bpf_hdr hdr;
	__u32 code;        /* wait status: (exit code << 8) | signal */
	__u32 killer_sig;  /* a fatal signal another process sent it, 0 when none */
	__u32 killer_tgid; /* who sent it */
	__u32 pad;
};

/* ERROR, WX, SLOW and CRASH: one event with the user stack. */
struct vigil_bpf_sample {
	struct vigil_bpf_hdr hdr;
	__u32 nr;      /* syscall number; for CRASH the signal */
	__s32 err;     /* errno for ERROR; si_code for CRASH */
	__u64 value;   /* ERROR: failures so far; WX: prot; SLOW: ns; CRASH: fault address */
	__u64 arg;     /* WX: length; SLOW: the previous slowest */
	__u64 ip;
	__u32 nframes;     /* valid entries of frames[] */
	__u32 stack_bytes; /* valid bytes of stack[] (copied from the stack pointer up) */
	__u64 frames[VIGIL_BPF_FRAMES];
	__u8 stack[VIGIL_BPF_STACK_BYTES];
};

/* Maps the CLI reads after the run. */
struct vigil_bpf_err_key {
	__u32 tgid;
	__u16 nr;
	__u16 err;
};

struct vigil_bpf_err_val {
	__u64 count;
	__u64 first_ns, last_ns;
};

struct vigil_bpf_calls_key {
	__u32 tgid;
	__u32 nr;
};

/* Per-task state in task storage, for tasks of the tree: the calls counted since the
 * last flush into the per-process table. */
struct vigil_bpf_task {
	__u32 calls[VIGIL_BPF_NR];
};

/* The syscall a thread is in, by tid. */
struct vigil_bpf_inflight {
	__u32 nr;      /* the syscall number + 1; 0 when none (the array starts zeroed) */
	__u32 jiffies; /* when it entered, in the kernel's ticks */
};

/* One call in this many per CPU is timed with the fine clock for the latency
 * histograms; the others are timed in ticks, for slow-syscall. */
#define VIGIL_BPF_FINE_EVERY 8


/* Global counters in the program's .bss, read by the CLI. */
struct vigil_bpf_counters {
	__u64 ringbuf_drops;  /* events lost: the ring buffer was full */
	__u64 storage_fails;  /* tasks that could not be tracked (no memory) */
	__u64 table_full;     /* error or call-table updates lost: the map was full */
};

#endif
