// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The mechanism's floor, for bench/ only (loaded by bench/bpf_floor): tp_btf sys_enter
 * and sys_exit that only count, one per-CPU increment each, with no filter or behind
 * one tgid test; vigil's own cost per syscall is stated against what these add. The
 * loader autoloads one enter/exit pair. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

enum floor_filter { FLOOR_NONE, FLOOR_ARRAY, FLOOR_HASH, FLOOR_TASK };

/* Slot 0: sys_enter hits, slot 1: sys_exit hits. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* Indexed by tgid: the loader sizes it to pid_max when it is used. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8);
} tgid_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u8);
} tgid_hash SEC(".maps");

/* The lookup of bpf/sentinel.bpf.c's per-thread state; per thread: the loader marks
 * the command's first thread only. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u8);
} tgid_task SEC(".maps");

static __always_inline bool watched(enum floor_filter how)
{
	__u32 tgid;
	__u8 *on;

	switch (how) {
	case FLOOR_NONE:
		return true;
	case FLOOR_ARRAY:
		tgid = bpf_get_current_pid_tgid() >> 32;
		on = bpf_map_lookup_elem(&tgid_array, &tgid);
		return on && *on;
	case FLOOR_HASH:
		tgid = bpf_get_current_pid_tgid() >> 32;
		return bpf_map_lookup_elem(&tgid_hash, &tgid);
	case FLOOR_TASK:
		return bpf_task_storage_get(&tgid_task, bpf_get_current_task_btf(), 0, 0);
	}
	return false;
}

/* A program preempted between its load and store can lose an increment to another
 * task on the same CPU: the counts are a sanity check, not a measurement. */
static __always_inline int count(__u32 slot, enum floor_filter how)
{
	__u64 *n;

	if (!watched(how))
		return 0;
	n = bpf_map_lookup_elem(&counts, &slot);
	if (n)
		(*n)++;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(vigil_floor_enter, struct pt_regs *regs, long id)
{
	return count(0, FLOOR_NONE);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(vigil_floor_exit, struct pt_regs *regs, long ret)
{
	return count(1, FLOOR_NONE);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(vigil_floor_enter_array, struct pt_regs *regs, long id)
{
	return count(0, FLOOR_ARRAY);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(vigil_floor_exit_array, struct pt_regs *regs, long ret)
{
	return count(1, FLOOR_ARRAY);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(vigil_floor_enter_hash, struct pt_regs *regs, long id)
{
	return count(0, FLOOR_HASH);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(vigil_floor_exit_hash, struct pt_regs *regs, long ret)
{
	return count(1, FLOOR_HASH);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(vigil_floor_enter_task, struct pt_regs *regs, long id)
{
	return count(0, FLOOR_TASK);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(vigil_floor_exit_task, struct pt_regs *regs, long ret)
{
	return count(1, FLOOR_TASK);
}
