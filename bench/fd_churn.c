// SPDX-License-Identifier: MIT
/* Descriptor churn microbenchmark: threads create a descriptor and close it again in
 * a loop (open/close, pipe/close, socket/close, dup/close), the cheapest system calls
 * that make and end one, so that a tool's work on each creation and close shows.
 *
 * Usage: fd_churn [-m open|pipe|socket|dup|all] [-t THREADS] [-n OPS_PER_THREAD]
 *                 [-d DEPTH>=2]
 * Prints one line per mode: mode=M threads=T depth=D ops=N seconds=S ns_per_op=X
 * maxrss_kb=K (an op: one creation and the close of what it made: open("/dev/null")
 * and close; pipe and two closes; socket(AF_UNIX, SOCK_STREAM) and close; dup of a
 * descriptor the thread keeps open and close; seconds: from the first thread
 * entering its loop to the last one leaving it, wall clock; ns_per_op: seconds over
 * one thread's ops, the cost one thread sees while all run at once; maxrss_kb:
 * VmHWM, 0 when /proc is not mounted).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

enum mode { OPEN, PIPE, SOCKET, DUP, MODES };

static const char *const mode_names[] = {"open", "pipe", "socket", "dup"};

struct worker {
	pthread_t tid;
	enum mode mode;
	unsigned long ops;
	unsigned long depth;
	int base; /* dup mode: the descriptor duplicated */
	int failed; /* errno of the first failed call, 0 if none */
	pthread_barrier_t *start;
	double t_begin, t_end;
} __attribute__((aligned(64)));

/* Written after each recursive call so that no call is a tail call: every frame
 * stays on the stack, as a stack walker would find it in a real program. */
static __thread volatile unsigned long depth_sink;

/* One op of the mode; 0 or an errno. */
static inline int churn_one(enum mode mode, int base)
{
	int fd = -1, p[2];

	switch (mode) {
	case OPEN:
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		break;
	case PIPE:
		if (pipe(p))
			return errno;
		close(p[0]);
		fd = p[1];
		break;
	case SOCKET:
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		break;
	case DUP:
		fd = dup(base);
		break;
	case MODES:
		return EINVAL;
	}
	if (fd < 0)
		return errno;
	return close(fd) ? errno : 0;
}

/* The churn loop: every descriptor call of the benchmark is made from this frame, so
 * its depth is the depth a tool unwinds when it takes a stack. */
__attribute__((noinline, noclone)) static void churn(struct worker *w)
{
	pthread_barrier_wait(w->start);
	w->t_begin = now();
	for (unsigned long i = 0; i < w->ops; i++) {
		int err = churn_one(w->mode, w->base);

		if (err) {
			w->failed = err;
			break;
		}
	}
	w->t_end = now();
}

__attribute__((noinline, noclone)) static void descend(struct worker *w, unsigned long left)
{
	if (left > 1)
		descend(w, left - 1);
	else
		churn(w);
	depth_sink++;
}

/* Runs one worker with churn() DEPTH frames below main (or below libc's thread start
 * function): worker_main is frame 1, descend() frames 2..DEPTH-1. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;

	if (w->depth > 2)
		descend(w, w->depth - 2);
	else
		churn(w);
	return NULL;
}

/* VmHWM rather than getrusage: ru_maxrss survives exec, so it would count the
 * launcher (a shell, or vigil's CLI) that forked this process. */
/* MODES for "all". */
static int parse_mode(const char *s, enum mode *out)
{
	if (!strcmp(s, "all")) {
		*out = MODES;
		return 0;
	}
	for (unsigned i = 0; i < MODES; i++)
		if (!strcmp(s, mode_names[i])) {
			*out = (enum mode)i;
			return 0;
		}
	return -EINVAL;
}

static int usage(void)
{
	fprintf(stderr, "usage: fd_churn [-m open|pipe|socket|dup|all] [-t THREADS] "
			"[-n OPS_PER_THREAD] [-d DEPTH>=2]\n");
	return 2;
}

/* One mode with all threads; 0, or 1 after printing why it failed. */
static int run_mode(enum mode mode, struct worker *w, unsigned long nthreads, unsigned long ops,
		    unsigned long depth)
{
	pthread_barrier_t start;
	double t0, t1, t;
	int rc = 0;

	memset(w, 0, nthreads * sizeof(*w));
	pthread_barrier_init(&start, NULL, (unsigned)nthreads);
	for (unsigned long i = 0; i < nthreads; i++) {
		w[i].mode = mode;
		w[i].ops = ops;
		w[i].depth = depth;
		w[i].start = &start;
		w[i].base = -1;
		if (mode == DUP && (w[i].base = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
			fprintf(stderr, "fd_churn: error: /dev/null: %s\n", strerror(errno));
			return 1;
		}
	}
	/* Worker 0 runs on the main thread, as in malloc_bench. */
	for (unsigned long i = 1; i < nthreads; i++) {
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i])) {
			fprintf(stderr, "fd_churn: error: cannot start thread %lu\n", i);
			exit(1);
		}
	}
	worker_main(&w[0]);
	for (unsigned long i = 1; i < nthreads; i++)
		pthread_join(w[i].tid, NULL);
	pthread_barrier_destroy(&start);
	t0 = w[0].t_begin;
	t1 = w[0].t_end;
	for (unsigned long i = 0; i < nthreads; i++) {
		t0 = w[i].t_begin < t0 ? w[i].t_begin : t0;
		t1 = w[i].t_end > t1 ? w[i].t_end : t1;
		if (w[i].base >= 0)
			close(w[i].base);
		if (w[i].failed && !rc) {
			fprintf(stderr, "fd_churn: error: %s: %s\n", mode_names[mode],
				strerror(w[i].failed));
			rc = 1;
		}
	}
	if (rc)
		return rc;
	t = t1 - t0;
	printf("mode=%s threads=%lu depth=%lu ops=%lu seconds=%.4f ns_per_op=%.1f "
	       "maxrss_kb=%ld\n",
	       mode_names[mode], nthreads, depth, nthreads * ops, t, t * 1e9 / (double)ops,
	       peak_rss_kb());
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long nthreads = 1, ops = 200000, depth = 20;
	enum mode mode = MODES;
	struct worker *w;
	int opt, rc = 0;

	while ((opt = getopt(argc, argv, "m:t:n:d:h")) != -1) {
		unsigned long *dst, hi = 1ul << 40;

		switch (opt) {
		case 'm':
			if (parse_mode(optarg, &mode))
				return usage();
			continue;
		case 't':
			dst = &nthreads;
			hi = 256;
			break;
		case 'n':
			dst = &ops;
			break;
		case 'd':
			dst = &depth;
			hi = 10000;
			break;
		default:
			return usage();
		}
		if (parse_ulong(optarg, opt == 'd' ? 2 : 1, hi, dst))
			return usage();
	}
	if (optind != argc)
		return usage();
	w = aligned_alloc(64, nthreads * sizeof(*w));
	if (!w) {
		fprintf(stderr, "fd_churn: error: out of memory\n");
		return 1;
	}
	for (unsigned m = 0; m < MODES && !rc; m++)
		if (mode == MODES || mode == (enum mode)m)
			rc = run_mode((enum mode)m, w, nthreads, ops, depth);
	free(w);
	return rc;
}
