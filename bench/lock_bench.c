// SPDX-License-Identifier: MIT
/* Mutex microbenchmark: threads lock and unlock pthread mutexes around a one-counter
 * critical section, each its own mutex (uncontended), all one shared mutex
 * (contended), or each its own pair taken outer then inner (nested: an order edge).
 *
 * Usage: lock_bench [-m uncontended|contended|nested] [-t THREADS] [-n OPS_PER_THREAD]
 *                   [-d DEPTH>=2]
 * Prints one line: mode=M threads=T depth=D ops=N pairs=P seconds=S ns_per_op=X
 * ns_per_pair=Y mops=Z maxrss_kb=K checksum=C (an op: one iteration of a thread's
 * loop, one lock+unlock pair, two nested ones in nested mode; seconds: from the first
 * thread entering its loop to the last one leaving it, wall clock; ns_per_op and
 * ns_per_pair: seconds over one thread's ops and pairs, the cost one thread sees
 * while all run at once; maxrss_kb: VmHWM, 0 when /proc is not mounted).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

enum mode { UNCONTENDED, CONTENDED, NESTED };

static const char *const mode_names[] = {"uncontended", "contended", "nested"};

/* A lock and the data it protects, alone on their cache lines: the uncontended mode
 * measures the lock calls, not false sharing between the threads. */
struct guarded {
	pthread_mutex_t mutex;
	unsigned long counter;
} __attribute__((aligned(64)));

struct worker {
	pthread_t tid;
	enum mode mode;
	unsigned long ops;
	unsigned long depth;
	struct guarded *outer; /* the only lock outside nested mode */
	struct guarded *inner;
	pthread_barrier_t *start;
	double t_begin, t_end;
} __attribute__((aligned(64)));

/* Written after each recursive call so that no call is a tail call: every frame
 * stays on the stack, as a stack walker would find it in a real program. Per thread:
 * a shared one would be a data race that helgrind reports. */
static __thread volatile unsigned long depth_sink;

/* The lock loop: every lock call of the benchmark is made from this frame, so its
 * depth is the depth a tool unwinds when it takes a stack. The threads start it
 * together, so the contended mode contends from its first iteration. */
__attribute__((noinline, noclone)) static void hammer(struct worker *w)
{
	struct guarded *a = w->outer, *b = w->inner;

	pthread_barrier_wait(w->start);
	w->t_begin = now();
	if (w->mode == NESTED) {
		for (unsigned long i = 0; i < w->ops; i++) {
			pthread_mutex_lock(&a->mutex);
			pthread_mutex_lock(&b->mutex);
			b->counter++;
			pthread_mutex_unlock(&b->mutex);
			pthread_mutex_unlock(&a->mutex);
		}
	} else {
		for (unsigned long i = 0; i < w->ops; i++) {
			pthread_mutex_lock(&a->mutex);
			a->counter++;
			pthread_mutex_unlock(&a->mutex);
		}
	}
	w->t_end = now();
}

__attribute__((noinline, noclone)) static void descend(struct worker *w, unsigned long left)
{
	if (left > 1)
		descend(w, left - 1);
	else
		hammer(w);
	depth_sink++;
}

/* Runs one worker with hammer() DEPTH frames below main (or below libc's thread start
 * function): worker_main is frame 1, descend() frames 2..DEPTH-1. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;

	if (w->depth > 2)
		descend(w, w->depth - 2);
	else
		hammer(w);
	return NULL;
}

/* VmHWM rather than getrusage: ru_maxrss survives exec, so it would count the
 * launcher (a shell, or vigil's CLI) that forked this process. */
static int parse_mode(const char *s, enum mode *out)
{
	for (unsigned i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(s, mode_names[i])) {
			*out = (enum mode)i;
			return 0;
		}
	return -EINVAL;
}

static int usage(void)
{
	fprintf(stderr, "usage: lock_bench [-m uncontended|contended|nested] [-t THREADS] "
			"[-n OPS_PER_THREAD] [-d DEPTH>=2]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long nthreads = 2, ops = 10000000, depth = 20, nlocks, checksum = 0, expect;
	unsigned long pairs_per_op;
	enum mode mode = UNCONTENDED;
	struct guarded *locks;
	struct worker *w;
	pthread_barrier_t start;
	double t0, t1, t;
	int opt;

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

	/* uncontended: one per thread; contended: one for all; nested: a pair per thread. */
	nlocks = mode == CONTENDED ? 1 : mode == NESTED ? 2 * nthreads : nthreads;
	pairs_per_op = mode == NESTED ? 2 : 1;
	locks = aligned_alloc(64, nlocks * sizeof(*locks));
	w = aligned_alloc(64, nthreads * sizeof(*w));
	if (!locks || !w) {
		fprintf(stderr, "lock_bench: error: out of memory\n");
		return 1;
	}
	memset(locks, 0, nlocks * sizeof(*locks));
	memset(w, 0, nthreads * sizeof(*w));
	for (unsigned long i = 0; i < nlocks; i++)
		pthread_mutex_init(&locks[i].mutex, NULL);
	pthread_barrier_init(&start, NULL, (unsigned)nthreads);
	for (unsigned long i = 0; i < nthreads; i++) {
		w[i].mode = mode;
		w[i].ops = ops;
		w[i].depth = depth;
		w[i].start = &start;
		w[i].outer = mode == CONTENDED ? &locks[0] : mode == NESTED ? &locks[2 * i] : &locks[i];
		w[i].inner = mode == NESTED ? &locks[2 * i + 1] : NULL;
	}
	/* Worker 0 runs on the main thread, as in malloc_bench. */
	for (unsigned long i = 1; i < nthreads; i++) {
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i])) {
			fprintf(stderr, "lock_bench: error: cannot start thread %lu\n", i);
			return 1;
		}
	}
	worker_main(&w[0]);
	for (unsigned long i = 1; i < nthreads; i++)
		pthread_join(w[i].tid, NULL);
	t0 = w[0].t_begin;
	t1 = w[0].t_end;
	for (unsigned long i = 1; i < nthreads; i++) {
		t0 = w[i].t_begin < t0 ? w[i].t_begin : t0;
		t1 = w[i].t_end > t1 ? w[i].t_end : t1;
	}
	t = t1 - t0;
	for (unsigned long i = 0; i < nlocks; i++) {
		checksum += locks[i].counter;
		pthread_mutex_destroy(&locks[i].mutex);
	}
	pthread_barrier_destroy(&start);
	/* Every increment happened under its lock, or the lock did not exclude. */
	expect = nthreads * ops;
	free(locks);
	free(w);
	if (checksum != expect) {
		fprintf(stderr, "lock_bench: error: counters sum to %lu, expected %lu\n", checksum,
			expect);
		return 1;
	}
	printf("mode=%s threads=%lu depth=%lu ops=%lu pairs=%lu seconds=%.4f ns_per_op=%.1f "
	       "ns_per_pair=%.1f mops=%.2f maxrss_kb=%ld checksum=%lu\n",
	       mode_names[mode], nthreads, depth, nthreads * ops, nthreads * ops * pairs_per_op, t,
	       t * 1e9 / (double)ops, t * 1e9 / (double)(ops * pairs_per_op),
	       (double)(nthreads * ops) / t / 1e6, peak_rss_kb(), checksum);
	return 0;
}
