// SPDX-License-Identifier: MIT
/* Allocator microbenchmark: each thread keeps a working set of live blocks and
 * churns it with malloc, calloc, realloc and free of mixed sizes (16..4096 bytes,
 * small ones most common), DEPTH frames below main as in a real program.
 *
 * Usage: malloc_bench [-t THREADS] [-n OPS_PER_THREAD] [-w LIVE_BLOCKS] [-d DEPTH>=2]
 * Prints one line: threads=T depth=D ops=N seconds=S ns_per_op=X mops=M
 * maxrss_kb=K checksum=C (seconds: the allocation loops of all threads, wall clock;
 * maxrss_kb: VmHWM, this process image's peak RSS; 0 when /proc is not mounted).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

struct worker {
	pthread_t tid;
	unsigned id;
	unsigned long ops;
	unsigned long working_set;
	unsigned long depth;
	unsigned long checksum;
	int failed;
};

/* Written after each recursive call so that no call is a tail call: every frame
 * stays on the stack, as a stack walker would find it in a real program. */
static volatile unsigned long depth_sink;

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Log-uniform over 16..4096: small blocks dominate, as in most programs. */
static size_t pick_size(uint64_t r)
{
	size_t span = (size_t)1 << (4 + r % 9);
	size_t size = 16 + (size_t)((r >> 8) % span);

	return size > 4096 ? 4096 : size;
}

/* The allocation loop: every malloc, calloc, realloc and free of the benchmark is
 * called from this frame, so its depth is the depth the tools unwind. */
__attribute__((noinline, noclone)) static void churn(struct worker *w, unsigned char **live,
						     size_t *sizes)
{
	uint64_t rng = 0x9e3779b97f4a7c15ull * (w->id + 1);
	unsigned long sum = 0;

	for (unsigned long i = 0; i < w->ops; i++) {
		uint64_t r = next_rand(&rng);
		size_t slot = (size_t)(r % w->working_set);
		unsigned char *p = live[slot];
		unsigned op = (unsigned)(r >> 40) % 100;

		if (p && op < 15) {
			size_t n = pick_size(r >> 20);
			unsigned char *q = realloc(p, n);

			if (!q) {
				w->failed = 1;
				break;
			}
			q[n - 1] = (unsigned char)i;
			live[slot] = q;
			sizes[slot] = n;
		} else if (p) {
			sum += p[0] + p[sizes[slot] - 1];
			free(p);
			live[slot] = NULL;
		} else {
			size_t n = pick_size(r >> 20);

			p = op < 10 ? calloc(1, n) : malloc(n);
			if (!p) {
				w->failed = 1;
				break;
			}
			p[0] = (unsigned char)r;
			p[n - 1] = (unsigned char)(r >> 8);
			live[slot] = p;
			sizes[slot] = n;
		}
	}
	for (unsigned long i = 0; i < w->working_set; i++) {
		free(live[i]);
		live[i] = NULL;
	}
	w->checksum = sum;
}

__attribute__((noinline, noclone)) static void descend(struct worker *w, unsigned char **live,
						       size_t *sizes, unsigned long left)
{
	if (left > 1)
		descend(w, live, sizes, left - 1);
	else
		churn(w, live, sizes);
	depth_sink++;
}

/* Runs one worker with churn() DEPTH frames below main (or below libc's thread start
 * function): worker_main is frame 1, descend() frames 2..DEPTH-1. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned char **live = calloc(w->working_set, sizeof(*live));
	size_t *sizes = calloc(w->working_set, sizeof(*sizes));

	if (!live || !sizes) {
		w->failed = 1;
		goto cleanup;
	}
	if (w->depth > 2)
		descend(w, live, sizes, w->depth - 2);
	else
		churn(w, live, sizes);
cleanup:
	free(live);
	free(sizes);
	return NULL;
}

/* VmHWM rather than getrusage: ru_maxrss survives exec, so it would count the
 * launcher (a shell, or vigil's CLI) that forked this process. */
static int usage(void)
{
	fprintf(stderr, "usage: malloc_bench [-t THREADS] [-n OPS_PER_THREAD] [-w LIVE_BLOCKS] "
			"[-d DEPTH>=2]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long nthreads = 1, ops = 2000000, working_set = 4096, depth = 20, checksum = 0;
	struct worker *w;
	int opt, failed = 0;
	double t0, t;

	while ((opt = getopt(argc, argv, "t:n:w:d:h")) != -1) {
		unsigned long *dst, hi = 1ul << 32;

		switch (opt) {
		case 't':
			dst = &nthreads;
			hi = 256;
			break;
		case 'n':
			dst = &ops;
			break;
		case 'w':
			dst = &working_set;
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

	w = calloc(nthreads, sizeof(*w));
	if (!w) {
		fprintf(stderr, "malloc_bench: error: out of memory\n");
		return 1;
	}
	for (unsigned long i = 0; i < nthreads; i++) {
		w[i].id = (unsigned)i;
		w[i].ops = ops;
		w[i].working_set = working_set;
		w[i].depth = depth;
	}
	/* Worker 0 runs on the main thread: with -t 1 the process never starts a thread,
	 * so libc keeps its single-threaded fast paths, as a single-threaded program. */
	t0 = now();
	for (unsigned long i = 1; i < nthreads; i++) {
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i])) {
			fprintf(stderr, "malloc_bench: error: cannot start thread %lu\n", i);
			return 1;
		}
	}
	worker_main(&w[0]);
	for (unsigned long i = 1; i < nthreads; i++)
		pthread_join(w[i].tid, NULL);
	t = now() - t0;
	for (unsigned long i = 0; i < nthreads; i++) {
		failed |= w[i].failed;
		checksum += w[i].checksum;
	}
	free(w);
	if (failed) {
		fprintf(stderr, "malloc_bench: error: allocation failed\n");
		return 1;
	}
	printf("threads=%lu depth=%lu ops=%lu seconds=%.4f ns_per_op=%.1f mops=%.2f "
	       "maxrss_kb=%ld checksum=%lu\n",
	       nthreads, depth, nthreads * ops, t, t * 1e9 / (double)ops,
	       (double)(nthreads * ops) / t / 1e6, peak_rss_kb(), checksum);
	return 0;
}
