// SPDX-License-Identifier: MIT
/* The demo's load client: worker threads hammer scripts/demo/server.c with a mix of
 * SET, GET (half of them misses), DEL and STATS, reconnecting now and then, while a
 * prober connects and hangs up like a load balancer's health check. Prints req/s.
 *
 * Usage: loadgen (-p PORT | -P PORTFILE) [-t THREADS] [-d SECONDS] [-s]
 *   -s  send SHUTDOWN to the server when done
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define KEYSPACE 2000 /* GET draws from all of it, SET only from the lower half */
#define REQS_PER_CONN 1000
#define PROBE_INTERVAL_MS 10
#define RBUF_SIZE 4096

struct client {
	int fd;
	char rbuf[RBUF_SIZE];
	size_t rlen;
};

struct worker {
	pthread_t tid;
	unsigned id;
	unsigned long requests;
	unsigned long errors;
};

static unsigned port;
static double deadline;
static atomic_ulong probes;
static atomic_int done;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int send_line(int fd, const char *line, size_t len)
{
	while (len) {
		ssize_t n = send(fd, line, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		line += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one reply line into out (newline stripped); -1 on error or end of stream. */
static int recv_line(struct client *c, char *out, size_t outlen)
{
	for (;;) {
		char *nl = memchr(c->rbuf, '\n', c->rlen);

		if (nl) {
			size_t len = (size_t)(nl - c->rbuf);

			snprintf(out, outlen, "%.*s", (int)len, c->rbuf);
			c->rlen -= len + 1;
			memmove(c->rbuf, nl + 1, c->rlen);
			return 0;
		}
		if (c->rlen == sizeof(c->rbuf))
			return -1;
		ssize_t n = read(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c->rlen += (size_t)n;
	}
}

/* Sends req and checks that the reply starts with one of the expected prefixes. */
static int roundtrip(struct client *c, const char *req, const char *ok1, const char *ok2)
{
	char line[1100];

	if (send_line(c->fd, req, strlen(req)) || recv_line(c, line, sizeof(line)))
		return -1;
	if (!strncmp(line, ok1, strlen(ok1)) || (ok2 && !strncmp(line, ok2, strlen(ok2))))
		return 0;
	return -1;
}

static unsigned xorshift(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int one_request(struct client *c, unsigned *rng, unsigned long seq)
{
	char req[256];
	unsigned op = xorshift(rng) % 100;
	unsigned key = xorshift(rng) % KEYSPACE;

	if (op < 50) {
		snprintf(req, sizeof(req), "GET User:%u\n", key);
		return roundtrip(c, req, "VALUE ", "NOT_FOUND");
	}
	if (op < 90) {
		snprintf(req, sizeof(req), "SET user:%u v%lu-%u\n", key % (KEYSPACE / 2), seq,
			 *rng);
		return roundtrip(c, req, "OK", NULL);
	}
	if (op < 97) {
		snprintf(req, sizeof(req), "DEL USER:%u\n", key);
		return roundtrip(c, req, "DELETED", "NOT_FOUND");
	}
	return roundtrip(c, "STATS\n", "STATS ", NULL);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct client *c = malloc(sizeof(*c));
	unsigned rng = 2463534242u + w->id * 7919u;

	if (!c) {
		w->errors++;
		return NULL;
	}
	while (!atomic_load(&done) && now() < deadline) {
		c->rlen = 0;
		c->fd = dial();
		if (c->fd < 0) {
			w->errors++;
			break;
		}
		for (int i = 0; i < REQS_PER_CONN && now() < deadline; i++) {
			if (one_request(c, &rng, w->requests)) {
				w->errors++;
				break;
			}
			w->requests++;
		}
		roundtrip(c, "QUIT\n", "BYE", NULL);
		close(c->fd);
	}
	free(c);
	return NULL;
}

static void *prober_main(void *arg)
{
	struct timespec gap = {0, PROBE_INTERVAL_MS * 1000000L};

	(void)arg;
	while (!atomic_load(&done) && now() < deadline) {
		int fd = dial();

		if (fd >= 0) {
			close(fd);
			atomic_fetch_add(&probes, 1);
		}
		nanosleep(&gap, NULL);
	}
	return NULL;
}

static int shutdown_server(void)
{
	struct client c = {.rlen = 0};
	int r;

	c.fd = dial();
	if (c.fd < 0)
		return c.fd;
	r = roundtrip(&c, "SHUTDOWN\n", "BYE", NULL);
	close(c.fd);
	return r ? -EPROTO : 0;
}

static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
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

static int read_portfile(const char *path, unsigned long *out)
{
	char buf[32] = "";
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return parse_uint(buf, 1, 65535, out);
}

int main(int argc, char **argv)
{
	unsigned long nthreads = 4, seconds = 3, p = 0, total = 0, errors = 0;
	struct worker *workers;
	pthread_t prober;
	int opt, send_shutdown = 0, r;
	double t0, elapsed;

	while ((opt = getopt(argc, argv, "p:P:t:d:sh")) != -1) {
		switch (opt) {
		case 'p':
			if (parse_uint(optarg, 1, 65535, &p))
				goto bad_arg;
			break;
		case 'P':
			r = read_portfile(optarg, &p);
			if (r) {
				fprintf(stderr, "loadgen: error: port file '%s': %s\n", optarg,
					strerror(-r));
				return 2;
			}
			break;
		case 't':
			if (parse_uint(optarg, 1, 256, &nthreads))
				goto bad_arg;
			break;
		case 'd':
			if (parse_uint(optarg, 1, 3600, &seconds))
				goto bad_arg;
			break;
		case 's':
			send_shutdown = 1;
			break;
		default:
			goto usage;
		}
	}
	if (!p)
		goto usage;
	port = (unsigned)p;

	workers = calloc(nthreads, sizeof(*workers));
	if (!workers) {
		fprintf(stderr, "loadgen: error: out of memory\n");
		return 1;
	}
	t0 = now();
	deadline = t0 + (double)seconds;
	for (unsigned i = 0; i < nthreads; i++) {
		workers[i].id = i;
		if (pthread_create(&workers[i].tid, NULL, worker_main, &workers[i])) {
			fprintf(stderr, "loadgen: error: cannot start thread %u\n", i);
			atomic_store(&done, 1);
			nthreads = i;
			break;
		}
	}
	r = pthread_create(&prober, NULL, prober_main, NULL);
	for (unsigned i = 0; i < nthreads; i++) {
		pthread_join(workers[i].tid, NULL);
		total += workers[i].requests;
		errors += workers[i].errors;
	}
	atomic_store(&done, 1);
	if (!r)
		pthread_join(prober, NULL);
	elapsed = now() - t0;
	free(workers);

	printf("loadgen: %lu requests in %.2f s from %lu threads: %.0f req/s, "
	       "%lu health-check probes, %lu errors\n",
	       total, elapsed, nthreads, (double)total / elapsed,
	       (unsigned long)atomic_load(&probes), errors);
	fflush(stdout);
	if (send_shutdown && (r = shutdown_server())) {
		fprintf(stderr, "loadgen: error: SHUTDOWN to 127.0.0.1:%u: %s\n", port,
			strerror(-r));
		return 1;
	}
	return errors ? 1 : 0;

bad_arg:
	fprintf(stderr, "loadgen: error: bad value '%s' for -%c\n", optarg, opt);
	return 2;
usage:
	fprintf(stderr, "usage: loadgen (-p PORT | -P PORTFILE) [-t THREADS] [-d SECONDS] [-s]\n");
	return 2;
}
