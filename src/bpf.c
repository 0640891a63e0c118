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
#include "sentinel.skel.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

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
	if (getenv("VIGIL_BPF_DEBUG")) vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_WARN) {
		vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
		last_msg[strcspn(last_msg, "\n")] = '\0';
	}
	return 0;
}

/* Syscalls that wait by design (for data, a peer, a child, a timeout, a lock): their
 * latency is the program's, not the kernel's, so they are never slow-syscalls. */
static const int waiting[] = {
	0 /* read */,      1 /* write */,       7 /* poll */,       17 /* pread64 */,
	18 /* pwrite64 */, 19 /* readv */,      20 /* writev */,    23 /* select */,
	34 /* pause */,    35 /* nanosleep */,  40 /* sendfile */,  42 /* connect */,
	43 /* accept */,   44 /* sendto */,     45 /* recvfrom */,  46 /* sendmsg */,
	47 /* recvmsg */,  58 /* vfork */,      59 /* execve */,    61 /* wait4 */,
	64 /* semget */,   65 /* semop */,      70 /* msgrcv */,    72 /* fcntl */,
	73 /* flock */,    16 /* ioctl */,      101 /* ptrace */,   128 /* rt_sigtimedwait */,
	130 /* rt_sigsuspend */, 202 /* futex */, 208 /* io_getevents */, 220 /* semtimedop */,
	230 /* clock_nanosleep */, 232 /* epoll_wait */, 247 /* waitid */, 270 /* pselect6 */,
	271 /* ppoll */,   275 /* splice */,    276 /* tee */,      281 /* epoll_pwait */,
	288 /* accept4 */, 295 /* preadv */,    296 /* pwritev */,  299 /* recvmmsg */,
	307 /* sendmmsg */, 322 /* execveat */, 426 /* io_uring_enter */, 441 /* epoll_pwait2 */,
	449 /* futex_waitv */, 62 /* kill */,   231 /* exit_group */, 60 /* exit */,
};

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
	b->skel->rodata->attach_mode = cfg->attach;
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
	*out = b;
	return 0;
fail:
	vigil_sentinel__destroy(b->skel);
	free(b);
	return err;
}

int vigil_bpf__track(struct vigil_bpf *b, pid_t pid)
{
	struct vigil_bpf_task *t = calloc(1, sizeof(*t));
	int fd, err = 0;

	if (!t)
		return -ENOMEM;
	t->nr = VIGIL_BPF_IDLE;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0) {
		free(t);
		return -errno;
	}
	if (bpf_map_update_elem(bpf_map__fd(b->skel->maps.tasks), &fd, t, BPF_NOEXIST))
		err = -errno;
	close(fd);
	free(t);
	if (!err)
		err = vigil_bpf_store__process(&b->store, (uint32_t)pid, (uint32_t)getpid());
	return err;
}

int vigil_bpf__adopt(struct vigil_bpf *b, pid_t tgid)
{
	__u32 key = (__u32)tgid, one = 1;

	if (bpf_map_update_elem(bpf_map__fd(b->skel->maps.adopt), &key, &one, BPF_ANY))
		return -errno;
	return vigil_bpf_store__process(&b->store, (uint32_t)tgid, 0);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct vigil_bpf *b = ctx;

	vigil_bpf_store__event(&b->store, data, size);
	return 0;
}

static void *consume(void *arg)
{
	struct vigil_bpf *b = arg;

	while (!b->stop)
		ring_buffer__poll(b->rb, 100);
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
	struct vigil_bpf_tables t = {
		.errors_fd = bpf_map__fd(b->skel->maps.errors),
		.calls_fd = bpf_map__fd(b->skel->maps.calls),
		.hist_fd = bpf_map__fd(b->skel->maps.hist),
		.drops = b->skel->bss->counters.ringbuf_drops,
		.table_full = b->skel->bss->counters.table_full,
		.untracked = b->skel->bss->counters.storage_fails,
		.errors_min = lim->errors_min,
		.errors_rate = lim->errors_rate,
		.slow_ns = lim->slow_ns,
	};

	return vigil_bpf_store__write(&b->store, &t, raw, (uint32_t)root);
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
