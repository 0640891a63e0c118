// SPDX-License-Identifier: MIT
/* Allocator microbenchmark: each thread keeps a working set of live blocks and
 * churns it with malloc, calloc, realloc and free of mixed sizes (16..4096 bytes,
 * small ones most common). This is the hot path vigil's heap check interposes.
 *
 * Usage: malloc_bench [-t THREADS] [-n OPS_PER_THREAD] [-w LIVE_BLOCKS]
 * Prints one line: threads=T ops=N seconds=S mops=M (all threads, wall clock).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct worker {
	pthread_t tid;
	unsigned id;
	unsigned long ops;
	unsigned long working_set;
	unsigned long checksum;
	int failed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t rng = 0x9e3779b97f4a7c15ull * (w->id + 1);
	unsigned char **live = calloc(w->working_set, sizeof(*live));
	size_t *sizes = calloc(w->working_set, sizeof(*sizes));
	unsigned long sum = 0;

	if (!live || !sizes) {
		w->failed = 1;
		goto cleanup;
	}
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
	for (unsigned long i = 0; i < w->working_set; i++)
		free(live[i]);
cleanup:
	free(live);
	free(sizes);
	w->checksum = sum;
	return NULL;
}

static int parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long nthreads = 1, ops = 2000000, working_set = 4096, checksum = 0;
	struct worker *w;
	int opt, failed = 0;
	double t0, t;

	while ((opt = getopt(argc, argv, "t:n:w:h")) != -1) {
		unsigned long *dst = opt == 't' ? &nthreads : opt == 'n' ? &ops : &working_set;
		unsigned long hi = opt == 't' ? 256 : 1ul << 32;

		if ((opt != 't' && opt != 'n' && opt != 'w') || parse_ulong(optarg, 1, hi, dst)) {
			fprintf(stderr, "usage: malloc_bench [-t THREADS] [-n OPS_PER_THREAD] "
					"[-w LIVE_BLOCKS]\n");
			return 2;
		}
	}

	w = calloc(nthreads, sizeof(*w));
	if (!w) {
		fprintf(stderr, "malloc_bench: error: out of memory\n");
		return 1;
	}
	t0 = now();
	for (unsigned long i = 0; i < nthreads; i++) {
		w[i].id = (unsigned)i;
		w[i].ops = ops;
		w[i].working_set = working_set;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i])) {
			fprintf(stderr, "malloc_bench: error: cannot start thread %lu\n", i);
			return 1;
		}
	}
	for (unsigned long i = 0; i < nthreads; i++) {
		pthread_join(w[i].tid, NULL);
		failed |= w[i].failed;
		checksum += w[i].checksum;
	}
	t = now() - t0;
	free(w);
	if (failed) {
		fprintf(stderr, "malloc_bench: error: allocation failed\n");
		return 1;
	}
	printf("threads=%lu ops=%lu seconds=%.4f mops=%.2f checksum=%lu\n", nthreads,
	       nthreads * ops, t, (double)(nthreads * ops) / t / 1e6, checksum);
	return 0;
}
