// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The syscall sentinel: counts, errors, latencies and rare events of one process tree,
 * aggregated in the kernel. A process belongs to the tree when its tgid's bit is set
 * in tree[]: the CLI sets the root's (or, for `vigil attach`, the running processes'),
 * fork sets every new process's, the last thread's exit clears it. Every other task
 * of the machine costs one bit test per tracepoint hit; tasks of the tree keep their
 * syscall in flight and their call counts in task storage. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "vigil/bpf_event.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* x86_64 numbers: the W+X checks read their prot argument at entry. */
#define NR_MMAP 9
#define NR_MPROTECT 10
#define NR_RT_SIGRETURN 15
#define NR_IOCTL 16
#define NR_READLINK 89
#define NR_READLINKAT 267
#define NR_FUTEX 202
#define NR_PKEY_MPROTECT 329
#define TS_COMPAT 0x0002 /* thread_info.status: a 32-bit syscall (int 0x80) */
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGTERM 15
#define SIGSYS 31
/* Kernel-internal restart codes: the call is made again, it did not fail. */
#define ERESTARTSYS 512
#define ERESTART_RESTARTBLOCK 516
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAX_ERRNO 4095

/* Set by the loader before load. */
const volatile __u64 slow_ns = 0;       /* 0: no slow-syscall events */
const volatile __u32 err_samples = 3;   /* stacks kept per (process, syscall, errno) */
/* ... and one more at the failure that makes the count a finding: the first ones are
 * often start-up code (the loader's probes, a wrapper script before its exec). */
const volatile __u64 errors_min = 0;
const volatile __u64 waits[VIGIL_BPF_NR / 64]; /* syscalls that block by design */
const volatile __u64 ns_per_jiffy = 4000000;   /* the kernel's tick, measured by the loader */

struct vigil_bpf_counters counters;

/* Bit per tgid (PID_MAX_LIMIT of 64-bit kernels): set for the processes of the tree. */
__u64 tree[VIGIL_BPF_TGIDS / 64];

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct vigil_bpf_task);
} tasks SEC(".maps");

/* The syscall each thread of the tree is in, indexed by tid (sized from pid_max by the
 * loader): an array lookup is a few instructions, a task-storage lookup tens of ns. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vigil_bpf_inflight);
} inflight SEC(".maps");

/* Fine timing of one call in VIGIL_BPF_FINE_EVERY per CPU: the clock costs more than
 * everything else a call pays here, so the latency histograms are a sample. */
struct fine {
	__u32 tid;
	__u32 tick;
	__u64 ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fine);
} fine SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct vigil_bpf_err_key);
	__type(value, struct vigil_bpf_err_val);
} errors SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct vigil_bpf_calls_key);
	__type(value, __u64);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VIGIL_BPF_NR * VIGIL_BPF_HIST);
	__type(key, __u32);
	__type(value, __u64);
} hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VIGIL_BPF_NR);
	__type(key, __u32);
	__type(value, __u64);
} slowest SEC(".maps");

/* tgid -> the fatal signal another process sent it, and who sent it. */
struct killer {
	__u32 sig, tgid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct killer);
} killers SEC(".maps");

/* W+X calls per (process, syscall): stacks only for the first few. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct vigil_bpf_calls_key);
	__type(value, __u64);
} wx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, s;

	s = (v > 0xffffffffULL) << 5;
	v >>= s;
	r |= s;
	s = (v > 0xffff) << 4;
	v >>= s;
	r |= s;
	s = (v > 0xff) << 3;
	v >>= s;
	r |= s;
	s = (v > 0xf) << 2;
	v >>= s;
	r |= s;
	s = (v > 0x3) << 1;
	v >>= s;
	r |= s;
	r |= (v >> 1);
	return r;
}

static __always_inline void count(__u64 *field)
{
	__sync_fetch_and_add(field, 1);
}

static __always_inline void fill_hdr(struct vigil_bpf_hdr *h, __u32 type, struct task_struct *t)
{
	h->type = type;
	h->tgid = BPF_CORE_READ(t, tgid);
	h->tid = BPF_CORE_READ(t, pid);
	h->ppid = BPF_CORE_READ(t, real_parent, tgid);
	h->ts_ns = bpf_ktime_get_ns();
	h->boot_ns = BPF_CORE_READ(t, group_leader, start_boottime);
}

/* A sample with the current task's user stack: the frame-pointer walk, and the raw
 * bytes above the stack pointer for the CLI's first-frame repair. */
static __always_inline void sample(void *ctx, __u32 type, __u32 nr, __s32 err, __u64 value,
				   __u64 arg)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct vigil_bpf_sample *e;
	__u64 sp;
	long n;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(&counters.ringbuf_drops);
		return;
	}
	fill_hdr(&e->hdr, type, task);
	e->nr = nr;
	e->err = err;
	e->value = value;
	e->arg = arg;
	e->ip = BPF_CORE_READ(regs, ip);
	sp = BPF_CORE_READ(regs, sp);
	n = bpf_get_stack(ctx, e->frames, sizeof(e->frames), BPF_F_USER_STACK);
	e->nframes = n > 0 ? (__u32)n / sizeof(__u64) : 0;
	e->stack_bytes = 0;
	if (!bpf_probe_read_user(e->stack, sizeof(e->stack), (void *)sp))
		e->stack_bytes = sizeof(e->stack);
	else if (!bpf_probe_read_user(e->stack, 128, (void *)sp))
		e->stack_bytes = 128;
	bpf_ringbuf_submit(e, 0);
}

/* The word of tgid's bit. The mask stays in the code (the compiler may not drop it as
 * redundant after the bound check): the verifier must see the index bounded. */
static __always_inline __u32 tree_word(__u32 tgid)
{
	__u32 w = tgid / 64;

	asm volatile("" : "+r"(w));
	return w & (VIGIL_BPF_TGIDS / 64 - 1);
}

static __always_inline bool in_tree(__u32 tgid)
{
	return tgid < VIGIL_BPF_TGIDS && (tree[tree_word(tgid)] & (1ULL << (tgid % 64)));
}

static __always_inline void set_tree(__u32 tgid, bool on)
{
	if (tgid >= VIGIL_BPF_TGIDS)
		return;
	if (on)
		__sync_fetch_and_or(&tree[tree_word(tgid)], 1ULL << (tgid % 64));
	else
		__sync_fetch_and_and(&tree[tree_word(tgid)], ~(1ULL << (tgid % 64)));
}

/* Results that are the normal answer of a well-used call: counted, never sampled
 * (src/bpf_store.c's benign() says why, and never reports them). */
static __always_inline bool benign(__u32 nr, __u32 err)
{
	return err == 11 /* EAGAIN */ || err == 4 /* EINTR */ || err == 115 /* EINPROGRESS */ ||
	       err == 10 /* ECHILD */ || nr == NR_FUTEX ||
	       (nr == NR_IOCTL && err == 25 /* ENOTTY */) ||
	       ((nr == NR_READLINK || nr == NR_READLINKAT) && err == 22 /* EINVAL */);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(vigil_sys_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, zero = 0;
	struct vigil_bpf_inflight *f;
	struct fine *fn;

	if (!in_tree(pid_tgid >> 32))
		return 0;
	f = bpf_map_lookup_elem(&inflight, &tid);
	if (!f)
		return 0;
	f->nr = 1 + (id >= 0 && id < VIGIL_BPF_NR_OTHER ? (__u32)id : VIGIL_BPF_NR_OTHER);
	f->jiffies = (__u32)bpf_jiffies64();
	fn = bpf_map_lookup_elem(&fine, &zero);
	if (fn && !(++fn->tick % VIGIL_BPF_FINE_EVERY)) {
		fn->tid = tid;
		fn->ns = bpf_ktime_get_ns();
	}
	return 0;
}

static __always_inline void on_error(void *ctx, __u32 tgid, __u32 nr, __u32 err, __u64 now)
{
	struct vigil_bpf_err_key key = {.tgid = tgid, .nr = (__u16)nr, .err = (__u16)err};
	struct vigil_bpf_err_val *v = bpf_map_lookup_elem(&errors, &key);
	__u64 n;

	if (!v) {
		struct vigil_bpf_err_val init = {.count = 1, .first_ns = now, .last_ns = now};

		if (bpf_map_update_elem(&errors, &key, &init, BPF_NOEXIST)) {
			v = bpf_map_lookup_elem(&errors, &key);
			if (!v) {
				count(&counters.table_full);
				return;
			}
		} else {
			if (err_samples && !benign(nr, err))
				sample(ctx, VIGIL_BPF_EV_ERROR, nr, (__s32)err, 1, 0);
			return;
		}
	}
	n = __sync_fetch_and_add(&v->count, 1) + 1;
	v->last_ns = now;
	if ((n <= err_samples || n == errors_min) && !benign(nr, err))
		sample(ctx, VIGIL_BPF_EV_ERROR, nr, (__s32)err, n, 0);
}

/* Counts a W+X call of the process; true for the first err_samples of them. */
static __always_inline bool wx_first(__u32 tgid, __u32 nr)
{
	struct vigil_bpf_calls_key key = {.tgid = tgid, .nr = nr};
	__u64 one = 1, *v = bpf_map_lookup_elem(&wx, &key);

	if (v)
		return __sync_fetch_and_add(v, 1) < err_samples;
	if (bpf_map_update_elem(&wx, &key, &one, BPF_NOEXIST)) {
		count(&counters.table_full);
		return false;
	}
	return true;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(vigil_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), now, d = 0, *slot, *worst;
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid, zero = 0, nr, idx, prot;
	struct vigil_bpf_inflight *f;
	struct task_struct *task;
	struct vigil_bpf_task *t;
	struct fine *fn;

	if (!in_tree(tgid))
		return 0;
	/* None in flight: the return from fork of a new task, or a call entered before
	 * the task joined the tree. */
	f = bpf_map_lookup_elem(&inflight, &tid);
	if (!f || !f->nr || f->nr > VIGIL_BPF_NR)
		return 0;
	nr = f->nr - 1;
	f->nr = 0;
	/* A restarted call enters again: it is counted then, once. */
	if (ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK)
		return 0;
	task = bpf_get_current_task_btf();
	/* 32-bit calls have numbers of their own: counted apart, never read as x86-64. */
	if (task->thread_info.status & TS_COMPAT)
		nr = VIGIL_BPF_NR_OTHER;
	t = bpf_task_storage_get(&tasks, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t) {
		count(&counters.storage_fails);
		return 0;
	}
	asm volatile("" : "+r"(nr));
	nr &= VIGIL_BPF_NR - 1;
	t->calls[nr]++;

	fn = bpf_map_lookup_elem(&fine, &zero);
	if (fn && fn->tid == tid) {
		d = bpf_ktime_get_ns() - fn->ns;
		fn->tid = 0;
		idx = log2_u64(d);
		if (idx >= VIGIL_BPF_HIST)
			idx = VIGIL_BPF_HIST - 1;
		idx += nr * VIGIL_BPF_HIST;
		slot = bpf_map_lookup_elem(&hist, &idx);
		if (slot)
			(*slot)++;
	}
	now = bpf_jiffies64();
	if (!d)
		d = (__u64)((__u32)now - f->jiffies) * ns_per_jiffy;

	/* rt_sigreturn "returns" the interrupted code's rax, not a result of its own. */
	if (ret < 0 && ret >= -MAX_ERRNO && nr != NR_RT_SIGRETURN) {
		on_error(ctx, tgid, nr, (__u32)-ret, now * ns_per_jiffy);
	} else if (nr == NR_MMAP || nr == NR_MPROTECT || nr == NR_PKEY_MPROTECT) {
		/* The argument registers are the caller's still: read at exit. */
		prot = (__u32)regs->dx;
		if ((prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC) &&
		    wx_first(tgid, nr))
			sample(ctx, VIGIL_BPF_EV_WX, nr, 0, prot, regs->si);
	}

	/* Bounded again where the verifier can see it: nr was spilled and reloaded. */
	asm volatile("" : "+r"(nr));
	nr &= VIGIL_BPF_NR - 1;
	if (slow_ns && d >= slow_ns && !(waits[nr / 64] & (1ULL << (nr % 64)))) {
		worst = bpf_map_lookup_elem(&slowest, &nr);
		if (worst && d > *worst) {
			__u64 prev = *worst;

			*worst = d;
			sample(ctx, VIGIL_BPF_EV_SLOW, nr, 0, d, prev);
		}
	}
	return 0;
}

struct flush_ctx {
	struct vigil_bpf_task *t;
	__u32 tgid;
};

static long flush_one(__u32 i, void *data)
{
	struct flush_ctx *fc = data;
	struct vigil_bpf_calls_key key = {.tgid = fc->tgid, .nr = i};
	__u64 *v, n;

	if (i >= VIGIL_BPF_NR)
		return 1;
	n = fc->t->calls[i];
	if (!n)
		return 0;
	fc->t->calls[i] = 0;
	v = bpf_map_lookup_elem(&calls, &key);
	if (v) {
		__sync_fetch_and_add(v, n);
	} else if (bpf_map_update_elem(&calls, &key, &n, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(&calls, &key);
		if (v)
			__sync_fetch_and_add(v, n);
		else
			count(&counters.table_full);
	}
	return 0;
}

/* Moves a task's call counts into the per-process table. */
static __always_inline void flush(struct vigil_bpf_task *t, __u32 tgid)
{
	struct flush_ctx fc = {.t = t, .tgid = tgid};

	bpf_loop(VIGIL_BPF_NR, flush_one, &fc, 0);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(vigil_fork, struct task_struct *parent, struct task_struct *child)
{
	struct vigil_bpf_hdr *e;

	/* A new thread is in the tree with its process; its storage comes with its first
	 * call (the return from fork is not one). */
	if (child->tgid == parent->tgid || !in_tree(parent->tgid))
		return 0;
	set_tree(child->tgid, true);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(&counters.ringbuf_drops);
		return 0;
	}
	e->type = VIGIL_BPF_EV_FORK;
	e->tgid = child->tgid;
	e->tid = child->pid;
	e->ppid = parent->tgid;
	e->ts_ns = bpf_ktime_get_ns();
	e->boot_ns = child->start_boottime;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(vigil_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct vigil_bpf_exec *e;

	if (!in_tree(p->tgid))
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(&counters.ringbuf_drops);
		return 0;
	}
	fill_hdr(&e->hdr, VIGIL_BPF_EV_EXEC, p);
	e->start_code = BPF_CORE_READ(p, mm, start_code);
	e->end_code = BPF_CORE_READ(p, mm, end_code);
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(vigil_exit, struct task_struct *p)
{
	struct vigil_bpf_task *t = bpf_task_storage_get(&tasks, p, 0, 0);
	struct vigil_bpf_inflight *f;
	struct vigil_bpf_exit *e;
	struct killer *k;
	__u32 tgid, tid;

	tgid = p->tgid;
	if (!in_tree(tgid))
		return 0;
	if (t)
		flush(t, tgid);
	/* exit and exit_group never return: the next task with this tid starts idle. */
	tid = p->pid;
	f = bpf_map_lookup_elem(&inflight, &tid);
	if (f)
		f->nr = 0;
	/* Only the last thread out says how the process ended. */
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	set_tree(tgid, false);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(&counters.ringbuf_drops);
		return 0;
	}
	fill_hdr(&e->hdr, VIGIL_BPF_EV_EXIT, p);
	e->code = BPF_CORE_READ(p, signal, group_exit_code);
	if (!e->code)
		e->code = BPF_CORE_READ(p, exit_code);
	e->killer_sig = 0;
	e->killer_tgid = 0;
	e->pad = 0;
	k = bpf_map_lookup_elem(&killers, &tgid);
	if (k) {
		e->killer_sig = k->sig;
		e->killer_tgid = k->tgid;
		bpf_map_delete_elem(&killers, &tgid);
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* Default action ends the process: the faulting thread's stack is the crash's. */
SEC("tp_btf/signal_deliver")
int BPF_PROG(vigil_signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 addr = 0;
	__s32 code = 0;

	if (sig != SIGILL && sig != SIGTRAP && sig != SIGABRT && sig != SIGBUS && sig != SIGFPE &&
	    sig != SIGSEGV && sig != SIGSYS)
		return 0;
	if (BPF_CORE_READ(ka, sa.sa_handler) != 0)
		return 0;
	if (!in_tree(task->tgid))
		return 0;
	if (info) {
		code = BPF_CORE_READ(info, si_code);
		addr = (__u64)BPF_CORE_READ(info, _sifields._sigfault._addr);
	}
	sample(ctx, VIGIL_BPF_EV_CRASH, (__u32)sig, code, addr, 0);
	return 0;
}

/* Fatal signals sent to the tree from elsewhere: the exit event names the sender. */
SEC("tp_btf/signal_generate")
int BPF_PROG(vigil_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	struct task_struct *cur;
	struct killer k;
	__u32 tgid;

	if (result != 0 || (sig != SIGKILL && sig != SIGTERM && sig != SIGHUP && sig != SIGINT &&
			    sig != SIGQUIT))
		return 0;
	if (!in_tree(task->tgid))
		return 0;
	/* A sender only when a process sent it (kill, tgkill, sigqueue: si_code <= 0);
	 * SEND_SIG_NOINFO and SEND_SIG_PRIV (0 and 1) are the kernel's own. */
	if ((unsigned long)info <= 1 || BPF_CORE_READ(info, si_code) > 0)
		return 0;
	cur = bpf_get_current_task_btf();
	tgid = task->tgid;
	k.sig = (__u32)sig;
	k.tgid = cur->tgid;
	bpf_map_update_elem(&killers, &tgid, &k, BPF_ANY);
	return 0;
}

/* Run by the CLI at the end: flushes live tasks' counts. */
SEC("iter/task")
int vigil_flush_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct vigil_bpf_task *t;

	if (!task)
		return 0;
	t = bpf_task_storage_get(&tasks, task, 0, 0);
	if (t)
		flush(t, task->tgid);
	return 0;
}
