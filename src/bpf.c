// SPDX-License-Identifier: MIT
/* Loader and event consumer of bpf/sentinel.bpf.c. The events are rare (exec, fork,
 * exit, the first failures of each kind, W+X, slow calls, crashes); each one that
 * carries a stack makes the consumer snapshot the process's maps while it is still
 * alive, so that the stack can be symbolized after the process is gone. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vigil/bpf_event.h"
#include "bpf.h"
#include "bpf_store.h"
#include "fileutil.h"
#include "sentinel.skel.h"

struct vigil_bpf {
	struct vigil_sentinel *skel;
	struct ring_buffer *rb;
	pthread_t thread;
	bool running;
	volatile bool stop;
	struct vigil_bpf_store store;
};

static const char *const probes[] = {
	"tp_btf/sys_enter",           "tp_btf/sys_exit",      "tp_btf/sched_process_fork",
	"tp_btf/sched_process_exec",  "tp_btf/sched_process_exit",
	"tp_btf/signal_generate",     "tp_btf/signal_deliver", "iter/task",
	NULL,
};

const char *const *vigil_bpf__probes(void)
{
	return probes;
}

/* libbpf's last complaint, for the one-line notice instead of its log on stderr. */
static char last_msg[256];

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list copy;

	if (getenv("VIGIL_BPF_DEBUG")) {
		va_copy(copy, ap);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (level == LIBBPF_WARN) {
		vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
		last_msg[strcspn(last_msg, "\n")] = '\0';
	}
	return 0;
}

/* Syscalls that wait by design (for data, a peer, a child, a timeout, a lock): their
 * latency is the program's, not the kernel's, so they are never slow-syscalls. */
static const int waiting[] = {
	SYS_read,	  SYS_write,	     SYS_poll,		SYS_pread64,	 SYS_pwrite64,
	SYS_readv,	  SYS_writev,	     SYS_select,	SYS_pause,	 SYS_nanosleep,
	SYS_sendfile,	  SYS_connect,	     SYS_accept,	SYS_sendto,	 SYS_recvfrom,
	SYS_sendmsg,	  SYS_recvmsg,	     SYS_clone,		SYS_vfork,	 SYS_execve,
	SYS_wait4,	  SYS_semop,	     SYS_msgsnd,	SYS_msgrcv,	 SYS_fcntl,
	SYS_flock,	  SYS_ioctl,	     SYS_ptrace,	SYS_rt_sigtimedwait,
	SYS_rt_sigsuspend, SYS_futex,	     SYS_io_getevents,	SYS_semtimedop,
	SYS_clock_nanosleep, SYS_epoll_wait, SYS_waitid,	SYS_pselect6,	 SYS_ppoll,
	SYS_splice,	  SYS_tee,	     SYS_epoll_pwait,	SYS_accept4,	 SYS_preadv,
	SYS_pwritev,	  SYS_recvmmsg,	     SYS_sendmmsg,	SYS_execveat,	 SYS_mq_timedsend,
	SYS_mq_timedreceive, SYS_io_uring_enter, SYS_epoll_pwait2, SYS_futex_waitv, SYS_kill,
	SYS_exit_group,	  SYS_exit,	     SYS_clone3,
};

/* The kernel's tick in ns: jiffies counted over 200 ms in /proc/timer_list (root can
 * read it; BPF needs root anyway), rounded to the usual HZ; 250 when it cannot tell. */
static uint64_t ns_per_jiffy(void)
{
	static const unsigned hz[] = {100, 250, 300, 1000};
	unsigned long long j[2] = {0, 0};
	struct timespec a, b, pause = {0, 200000000};
	double rate, best_diff = 1e9;
	unsigned best = 250;

	for (int i = 0; i < 2; i++) {
		char line[256];
		FILE *f = fopen("/proc/timer_list", "re");

		clock_gettime(CLOCK_MONOTONIC, i ? &b : &a);
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "jiffies: %llu", &j[i]) == 1)
				break;
		if (f)
			fclose(f);
		if (!j[i])
			return 1000000000ull / best;
		if (!i)
			nanosleep(&pause, NULL);
	}
	rate = (double)(j[1] - j[0]) /
	       ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	for (size_t i = 0; i < sizeof(hz) / sizeof(hz[0]); i++)
		if ((rate > hz[i] ? rate - hz[i] : hz[i] - rate) < best_diff) {
			best_diff = rate > hz[i] ? rate - hz[i] : hz[i] - rate;
			best = hz[i];
		}
	return 1000000000ull / best;
}

/* Threads the in-flight table covers: the kernel's pid_max, at most the bitmap's. */
static uint32_t pid_max(void)
{
	unsigned long v = 0;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");

	if (!f || fscanf(f, "%lu", &v) != 1 || !v || v > VIGIL_BPF_TGIDS)
		v = VIGIL_BPF_TGIDS;
	if (f)
		fclose(f);
	return (uint32_t)v;
}

int vigil_bpf__open(struct vigil_bpf **out, const struct vigil_bpf_config *cfg, char *why,
		    size_t whylen)
{
	struct vigil_bpf *b;
	int err;

	*out = NULL;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		snprintf(why, whylen, "the kernel has no BTF (/sys/kernel/btf/vmlinux: %s)",
			 strerror(errno));
		return -ENOENT;
	}
	libbpf_set_print(quiet_print);
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->skel = vigil_sentinel__open();
	if (!b->skel) {
		err = -errno;
		snprintf(why, whylen, "cannot open the BPF programs: %s", strerror(-err));
		goto fail;
	}
	b->skel->rodata->slow_ns = cfg->slow_ns;
	b->skel->rodata->err_samples = cfg->err_samples;
	b->skel->rodata->errors_min = cfg->errors_min;
	b->skel->rodata->ns_per_jiffy = ns_per_jiffy();
	bpf_map__set_max_entries(b->skel->maps.inflight, pid_max());
	for (size_t i = 0; i < sizeof(waiting) / sizeof(waiting[0]); i++)
		b->skel->rodata->waits[waiting[i] / 64] |= 1ULL << (waiting[i] % 64);
	err = vigil_sentinel__load(b->skel);
	if (err) {
		if (err == -EPERM)
			snprintf(why, whylen, "no privilege to load BPF programs (needs root or "
					      "CAP_BPF+CAP_PERFMON)");
		else
			snprintf(why, whylen, "the kernel refused the BPF programs: %s%s%s",
				 strerror(-err), last_msg[0] ? ": " : "", last_msg);
		goto fail;
	}
	err = vigil_sentinel__attach(b->skel);
	if (err) {
		snprintf(why, whylen, "cannot attach the BPF programs: %s%s%s", strerror(-err),
			 last_msg[0] ? ": " : "", last_msg);
		goto fail;
	}
	err = vigil_bpf_store__init(&b->store);
	if (err) {
		snprintf(why, whylen, "%s", strerror(-err));
		goto fail;
	}
	b->store.errors_fd = bpf_map__fd(b->skel->maps.errors);
	b->store.errors_min = cfg->errors_min;
	*out = b;
	return 0;
fail:
	vigil_sentinel__destroy(b->skel);
	free(b);
	return err;
}

/* The tree's bitmap lives in the program's .bss, mapped here: the process is in the
 * tree from its next syscall on. */
static void set_tree(struct vigil_bpf *b, pid_t tgid)
{
	if (tgid > 0 && (unsigned)tgid < VIGIL_BPF_TGIDS)
		__atomic_fetch_or(&b->skel->bss->tree[tgid / 64], 1ULL << (tgid % 64),
				  __ATOMIC_SEQ_CST);
}

int vigil_bpf__track(struct vigil_bpf *b, pid_t pid)
{
	if ((unsigned)pid >= VIGIL_BPF_TGIDS)
		return -ERANGE;
	set_tree(b, pid);
	return vigil_bpf_store__process(&b->store, (uint32_t)pid, (uint32_t)getpid());
}

int vigil_bpf__adopt(struct vigil_bpf *b, pid_t tgid)
{
	if ((unsigned)tgid >= VIGIL_BPF_TGIDS)
		return -ERANGE;
	set_tree(b, tgid);
	return vigil_bpf_store__process(&b->store, (uint32_t)tgid, 0);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct vigil_bpf *b = ctx;

	vigil_bpf_store__event(&b->store, data, size);
	return 0;
}

static struct vigil_bpf_tables tables_of(struct vigil_bpf *b)
{
	return (struct vigil_bpf_tables){
		.errors_fd = bpf_map__fd(b->skel->maps.errors),
		.calls_fd = bpf_map__fd(b->skel->maps.calls),
		.hist_fd = bpf_map__fd(b->skel->maps.hist),
		.wx_fd = bpf_map__fd(b->skel->maps.wx),
		.drops = b->skel->bss->counters.ringbuf_drops,
		.table_full = b->skel->bss->counters.table_full,
		.untracked = b->skel->bss->counters.storage_fails,
	};
}

/* Every second the rows of processes that exited leave the kernel's maps, so that a
 * tree of thousands of short-lived processes does not fill them. */
static void *consume(void *arg)
{
	struct vigil_bpf *b = arg;
	struct vigil_bpf_tables t = tables_of(b);
	unsigned polls = 0;

	while (!b->stop) {
		ring_buffer__poll(b->rb, 100);
		if (++polls % 10 == 0)
			vigil_bpf_store__drain(&b->store, &t);
	}
	ring_buffer__consume(b->rb);
	return NULL;
}

int vigil_bpf__start(struct vigil_bpf *b)
{
	int err;

	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), on_event, b, NULL);
	if (!b->rb)
		return -errno;
	err = pthread_create(&b->thread, NULL, consume, b);
	if (err)
		return -err;
	b->running = true;
	return 0;
}

/* Runs the task iterator: every live task of the tree moves its counts into the
 * per-process table. */
static void flush_live(struct vigil_bpf *b)
{
	char buf[64];
	int fd;

	if (!b->skel->links.vigil_flush_tasks)
		return;
	fd = bpf_iter_create(bpf_link__fd(b->skel->links.vigil_flush_tasks));
	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

/* Stops counting, so that the tables read afterwards agree with each other. */
static void detach(struct vigil_bpf *b)
{
	struct bpf_link **links[] = {
		&b->skel->links.vigil_sys_enter,       &b->skel->links.vigil_sys_exit,
		&b->skel->links.vigil_fork,            &b->skel->links.vigil_exec,
		&b->skel->links.vigil_exit,            &b->skel->links.vigil_signal_deliver,
		&b->skel->links.vigil_signal_generate,
	};

	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		bpf_link__destroy(*links[i]);
		*links[i] = NULL;
	}
}

void vigil_bpf__stop(struct vigil_bpf *b)
{
	if (!b)
		return;
	detach(b);
	flush_live(b);
	if (b->running) {
		b->stop = true;
		pthread_join(b->thread, NULL);
		b->running = false;
	}
}

int vigil_bpf__write_logs(struct vigil_bpf *b, const char *raw, pid_t root,
			  const struct vigil_bpf_limits *lim)
{
	struct vigil_bpf_tables t = tables_of(b);

	t.errors_min = lim->errors_min;
	t.errors_rate = lim->errors_rate;
	t.slow_ns = lim->slow_ns;

	return vigil_bpf_store__write(&b->store, &t, raw, (uint32_t)root);
}

struct errsums {
	struct vigil_bpf_errsum *v;
	size_t n, cap;
	int err;
};

static void add_errsum(unsigned nr, unsigned err, uint64_t count, void *arg)
{
	struct errsums *e = arg;
	size_t i;

	for (i = 0; i < e->n && (e->v[i].nr != nr || e->v[i].err != err); i++)
		;
	if (i == e->n) {
		if (vigil_array__grow((void **)&e->v, &e->cap, e->n, sizeof(*e->v))) {
			e->err = -ENOMEM;
			return;
		}
		e->v[e->n++] = (struct vigil_bpf_errsum){.nr = nr, .err = err};
	}
	e->v[i].count += count;
}

int vigil_bpf__error_counts(struct vigil_bpf *b, struct vigil_bpf_errsum **rows, size_t *n,
			    uint64_t *drops)
{
	int fd = bpf_map__fd(b->skel->maps.errors);
	struct vigil_bpf_err_key key, next;
	struct errsums e = {0};
	void *prev = NULL;

	/* Under the store's lock no drain deletes keys behind the walk (which would
	 * restart it) or moves rows between the map and the store. */
	pthread_mutex_lock(&b->store.lock);
	while (!e.err && !bpf_map_get_next_key(fd, prev, &next)) {
		struct vigil_bpf_err_val val;

		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &val))
			add_errsum(key.nr, key.err, val.count, &e);
	}
	vigil_bpf_store__each_kept_error(&b->store, add_errsum, &e);
	*drops = b->skel->bss->counters.ringbuf_drops + b->store.samples_dropped;
	pthread_mutex_unlock(&b->store.lock);
	if (e.err) {
		free(e.v);
		return e.err;
	}
	*rows = e.v;
	*n = e.n;
	return 0;
}

void vigil_bpf__close(struct vigil_bpf *b)
{
	if (!b)
		return;
	vigil_bpf__stop(b);
	ring_buffer__free(b->rb);
	vigil_sentinel__destroy(b->skel);
	vigil_bpf_store__free(&b->store);
	free(b);
}
