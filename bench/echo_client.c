// SPDX-License-Identifier: MIT
/* The load for bench/echo_server.c: threads each keep their share of the connections
 * busy, one fixed-size message in flight on each (written to all of them, then each
 * echo read back whole and compared), and count the round trips.
 *
 * Usage: echo_client -p PORT [-c CONNECTIONS] [-t THREADS] [-s SIZE] [-T SECONDS]
 *                    [-w WARMUP_SECONDS]
 * Prints one line: conns=C threads=T size=S seconds=X requests=N rps=R (requests:
 * echoes read back after the warm-up, in the SECONDS that follow it; rps: the sum of
 * the threads' rates). Exits 1 if a connection fails or an echo differs from what
 * was sent.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_SIZE 65536

struct worker {
	pthread_t tid;
	int *fds;
	unsigned nfds;
	size_t size;
	double warm_at, end_at; /* absolute CLOCK_MONOTONIC times */
	pthread_barrier_t *start;
	const char *failed; /* what failed, NULL if nothing */
	unsigned long requests;
	double seconds;
} __attribute__((aligned(64)));

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int read_all(int fd, char *p, size_t n)
{
	while (n) {
		ssize_t k = read(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char *out = malloc(w->size), *in = malloc(w->size);
	unsigned long done = 0, warm_done = 0;
	double t, warm_t = 0;
	int warm = 0;

	if (!out || !in) {
		w->failed = "out of memory";
		pthread_barrier_wait(w->start);
		goto out;
	}
	memset(out, 'x', w->size);
	pthread_barrier_wait(w->start);
	for (unsigned long round = 0;; round++) {
		/* Every message differs from the one before on its connection, so an echo
		 * of an old one is told. */
		memcpy(out, &round, w->size < sizeof(round) ? w->size : sizeof(round));
		for (unsigned i = 0; i < w->nfds; i++)
			if (write_all(w->fds[i], out, w->size)) {
				w->failed = "write";
				goto out;
			}
		for (unsigned i = 0; i < w->nfds; i++) {
			if (read_all(w->fds[i], in, w->size)) {
				w->failed = "read (connection closed?)";
				goto out;
			}
			if (memcmp(in, out, w->size)) {
				w->failed = "echo differs from the message";
				goto out;
			}
		}
		done += w->nfds;
		t = now();
		if (!warm && t >= w->warm_at) {
			warm = 1;
			warm_t = t;
			warm_done = done;
		}
		if (t >= w->end_at) {
			w->requests = done - warm_done;
			w->seconds = t - warm_t;
			break;
		}
	}
out:
	free(out);
	free(in);
	return NULL;
}

static int connect_to(unsigned port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= 3600))
		return -EINVAL;
	*out = v;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: echo_client -p PORT [-c CONNECTIONS] [-t THREADS] [-s SIZE] "
			"[-T SECONDS] [-w WARMUP_SECONDS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long port = 0, nconns = 16, nthreads = 2, size = 64;
	double seconds = 2, warmup = 0.5, rps = 0, t0;
	unsigned long requests = 0;
	pthread_barrier_t start;
	struct worker *w;
	int *fds, opt, rc = 0;

	while ((opt = getopt(argc, argv, "p:c:t:s:T:w:h")) != -1) {
		int bad;

		switch (opt) {
		case 'p':
			bad = parse_ulong(optarg, 1, 65535, &port);
			break;
		case 'c':
			bad = parse_ulong(optarg, 1, 10000, &nconns);
			break;
		case 't':
			bad = parse_ulong(optarg, 1, 256, &nthreads);
			break;
		case 's':
			bad = parse_ulong(optarg, 1, MAX_SIZE, &size);
			break;
		case 'T':
			bad = parse_seconds(optarg, &seconds) || seconds <= 0;
			break;
		case 'w':
			bad = parse_seconds(optarg, &warmup);
			break;
		default:
			return usage();
		}
		if (bad)
			return usage();
	}
	if (optind != argc || !port)
		return usage();
	if (nthreads > nconns)
		nthreads = nconns;

	fds = calloc(nconns, sizeof(*fds));
	w = aligned_alloc(64, nthreads * sizeof(*w));
	if (!fds || !w) {
		fprintf(stderr, "echo_client: error: out of memory\n");
		return 1;
	}
	memset(w, 0, nthreads * sizeof(*w));
	for (unsigned long i = 0; i < nconns; i++) {
		fds[i] = connect_to((unsigned)port);
		if (fds[i] < 0) {
			fprintf(stderr, "echo_client: error: 127.0.0.1:%lu: %s\n", port,
				strerror(errno));
			return 1;
		}
	}
	pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
	t0 = now();
	for (unsigned long i = 0, first = 0; i < nthreads; i++) {
		unsigned long n = nconns / nthreads + (i < nconns % nthreads);

		w[i].fds = fds + first;
		w[i].nfds = (unsigned)n;
		w[i].size = size;
		w[i].warm_at = t0 + warmup;
		w[i].end_at = t0 + warmup + seconds;
		w[i].start = &start;
		first += n;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i])) {
			fprintf(stderr, "echo_client: error: cannot start thread %lu\n", i);
			return 1;
		}
	}
	pthread_barrier_wait(&start);
	for (unsigned long i = 0; i < nthreads; i++) {
		pthread_join(w[i].tid, NULL);
		if (w[i].failed) {
			fprintf(stderr, "echo_client: error: thread %lu: %s\n", i, w[i].failed);
			rc = 1;
			continue;
		}
		requests += w[i].requests;
		if (w[i].seconds > 0)
			rps += (double)w[i].requests / w[i].seconds;
	}
	for (unsigned long i = 0; i < nconns; i++)
		close(fds[i]);
	pthread_barrier_destroy(&start);
	free(fds);
	free(w);
	if (rc)
		return rc;
	printf("conns=%lu threads=%lu size=%lu seconds=%.3f requests=%lu rps=%.1f\n", nconns,
	       nthreads, size, seconds, requests, rps);
	return 0;
}
