// SPDX-License-Identifier: MIT
/* The demo's target: a small multi-threaded key-value server on 127.0.0.1 with bugs
 * planted on purpose, of the kind that pass review and only show under load. Every
 * planted bug is marked "PLANTED BUG" with the finding vigil must report for it.
 *
 * Protocol, one line per request and one line per reply:
 *   SET <key> <value>  -> OK             GET <key> -> VALUE <value> | NOT_FOUND
 *   DEL <key>          -> DELETED | NOT_FOUND
 *   STATS              -> STATS keys=<n> conns=<n> requests=<n>
 *   QUIT               -> BYE, closes the connection
 *   SHUTDOWN           -> BYE, stops the server (as SIGTERM and SIGINT do)
 * Keys are case-insensitive.
 *
 * A new planted bug goes in a handler (or a new command), marked PLANTED BUG, with
 * its expected kind:function added to the expect list of scripts/demo.sh.
 *
 * Usage: server [-p PORT] [-o PORTFILE]; port 0 (the default) picks a free one, which is
 * written to PORTFILE (atomically) or to stdout.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#define MAX_CONNS 64
#define LINE_MAX_LEN 1024
#define RBUF_SIZE 4096
#define NBUCKETS 64

struct entry {
	struct entry *next;
	char *key;
	char *value;
};

struct bucket {
	pthread_mutex_t lock;
	struct entry *head;
};

struct conn {
	int fd;
	int slot;
	char *rbuf; /* bytes received and not yet consumed */
	size_t rlen;
	unsigned long requests;
};

enum slot_state { SLOT_FREE, SLOT_RUNNING, SLOT_DONE };

/* The accept loop owns the slots: it joins finished threads and closes their sockets,
 * so a descriptor number is never reused while shutdown() may still be aimed at it. */
struct slot {
	enum slot_state state;
	pthread_t tid;
	int fd;
};

enum action { ACT_CONTINUE, ACT_CLOSE, ACT_SHUTDOWN };

static struct bucket store[NBUCKETS];
static atomic_long nkeys;
static atomic_long nrequests;
static atomic_long nconns_total;

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[MAX_CONNS];
static int nconns_live;

static int wake_pipe[2] = {-1, -1};
static volatile sig_atomic_t stopping;

static void request_stop(void)
{
	int saved = errno;

	stopping = 1;
	/* The pipe is non-blocking; when it is full the accept loop is already due to
	 * wake up, so a failed write loses nothing. */
	ssize_t n = write(wake_pipe[1], "x", 1);
	(void)n;
	errno = saved;
}

static void on_signal(int sig)
{
	(void)sig;
	request_stop();
}

static unsigned hash_key(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % NBUCKETS;
}

static char *key_normalize(const char *key)
{
	char *k = strdup(key);

	if (!k)
		return NULL;
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

/* Takes ownership of key and value. */
static void store_put(char *key, char *value)
{
	struct bucket *b = &store[hash_key(key)];
	struct entry *e;

	pthread_mutex_lock(&b->lock);
	for (e = b->head; e; e = e->next)
		if (!strcmp(e->key, key))
			break;
	if (e) {
		free(e->value);
		e->value = value;
		free(key);
	} else if ((e = malloc(sizeof(*e)))) {
		e->key = key;
		e->value = value;
		e->next = b->head;
		b->head = e;
		atomic_fetch_add(&nkeys, 1);
	} else {
		free(key);
		free(value);
	}
	pthread_mutex_unlock(&b->lock);
}

/* Copies the value into out under the bucket lock; returns 1 if the key exists. */
static int store_get(const char *key, char *out, size_t outlen)
{
	struct bucket *b = &store[hash_key(key)];
	int found = 0;

	pthread_mutex_lock(&b->lock);
	for (struct entry *e = b->head; e; e = e->next) {
		if (!strcmp(e->key, key)) {
			snprintf(out, outlen, "%s", e->value);
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&b->lock);
	return found;
}

static int store_del(const char *key)
{
	struct bucket *b = &store[hash_key(key)];
	struct entry **pp, *e = NULL;

	pthread_mutex_lock(&b->lock);
	for (pp = &b->head; *pp; pp = &(*pp)->next) {
		if (!strcmp((*pp)->key, key)) {
			e = *pp;
			*pp = e->next;
			break;
		}
	}
	pthread_mutex_unlock(&b->lock);
	if (!e)
		return 0;
	atomic_fetch_sub(&nkeys, 1);
	free(e->key);
	free(e->value);
	free(e);
	return 1;
}

static void store_clear(void)
{
	for (int i = 0; i < NBUCKETS; i++) {
		struct entry *e = store[i].head, *next;

		for (; e; e = next) {
			next = e->next;
			free(e->key);
			free(e->value);
			free(e);
		}
		store[i].head = NULL;
	}
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

__attribute__((format(printf, 2, 3))) static int reply(struct conn *c, const char *fmt, ...)
{
	char buf[LINE_MAX_LEN + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	return send_all(c->fd, buf, (size_t)n);
}

/* Reads one line (without its newline) into line. Returns 1 for a line, 0 at end of
 * stream, -1 on error or on a line longer than the protocol allows. */
static int conn_read_line(struct conn *c, char *line, size_t linelen)
{
	for (;;) {
		char *nl = memchr(c->rbuf, '\n', c->rlen);

		if (nl) {
			size_t len = (size_t)(nl - c->rbuf);

			if (len >= linelen)
				return -1;
			memcpy(line, c->rbuf, len);
			line[len] = '\0';
			if (len && line[len - 1] == '\r')
				line[len - 1] = '\0';
			c->rlen -= len + 1;
			memmove(c->rbuf, nl + 1, c->rlen);
			return 1;
		}
		if (c->rlen == RBUF_SIZE)
			return -1;
		ssize_t n = read(c->fd, c->rbuf + c->rlen, RBUF_SIZE - c->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -1;
		c->rlen += (size_t)n;
	}
}

static void handle_set(struct conn *c, const char *key, const char *value)
{
	char *k = key_normalize(key);
	char *v = strdup(value);

	if (!k || !v) {
		free(k);
		free(v);
		reply(c, "ERROR out of memory");
		return;
	}
	store_put(k, v);
	reply(c, "OK");
}

static void handle_get(struct conn *c, const char *key)
{
	char value[LINE_MAX_LEN];
	size_t n = strlen(key);
	char *k = malloc(n + 1);

	if (!k) {
		reply(c, "ERROR out of memory");
		return;
	}
	for (size_t i = 0; i <= n; i++)
		k[i] = (char)tolower((unsigned char)key[i]);
	if (!store_get(k, value, sizeof(value))) {
		reply(c, "NOT_FOUND");
		/* PLANTED BUG (leak): k is not freed when the key is missing. */
		return;
	}
	free(k);
	reply(c, "VALUE %s", value);
}

static void handle_del(struct conn *c, const char *key)
{
	char *k = key_normalize(key);

	if (!k) {
		reply(c, "ERROR out of memory");
		return;
	}
	reply(c, store_del(k) ? "DELETED" : "NOT_FOUND");
	free(k);
}

static void handle_stats(struct conn *c)
{
	long keys = atomic_load(&nkeys), requests = atomic_load(&nrequests);
	int live, n;
	char *text;

	pthread_mutex_lock(&slots_lock);
	live = nconns_live;
	pthread_mutex_unlock(&slots_lock);
	n = snprintf(NULL, 0, "keys=%ld conns=%d requests=%ld", keys, live, requests);
	/* PLANTED BUG (heap-overflow): no room for the NUL that sprintf writes after the
	 * n characters; vigil reports it at the sprintf call. */
	text = malloc((size_t)n);
	if (!text) {
		reply(c, "ERROR out of memory");
		return;
	}
	sprintf(text, "keys=%ld conns=%d requests=%ld", keys, live, requests);
	reply(c, "STATS %s", text);
	free(text);
}

/* Splits "CMD ARG REST" in place; missing parts point at "". */
static void split(char *line, char **cmd, char **arg, char **rest)
{
	char *p = line;

	*cmd = p;
	p += strcspn(p, " ");
	if (*p)
		*p++ = '\0';
	*arg = p;
	p += strcspn(p, " ");
	if (*p)
		*p++ = '\0';
	*rest = p;
}

static enum action dispatch(struct conn *c, char *line)
{
	char *cmd, *arg, *rest;

	c->requests++;
	atomic_fetch_add(&nrequests, 1);
	split(line, &cmd, &arg, &rest);
	if (!strcmp(cmd, "SET") && *arg && *rest) {
		handle_set(c, arg, rest);
	} else if (!strcmp(cmd, "GET") && *arg) {
		handle_get(c, arg);
	} else if (!strcmp(cmd, "DEL") && *arg) {
		handle_del(c, arg);
	} else if (!strcmp(cmd, "STATS")) {
		handle_stats(c);
	} else if (!strcmp(cmd, "QUIT")) {
		reply(c, "BYE");
		return ACT_CLOSE;
	} else if (!strcmp(cmd, "SHUTDOWN")) {
		reply(c, "BYE");
		return ACT_SHUTDOWN;
	} else {
		reply(c, "ERROR unknown command or missing argument");
	}
	return ACT_CONTINUE;
}

static struct conn *conn_new(int fd, int slot)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->rbuf = malloc(RBUF_SIZE);
	if (!c->rbuf) {
		free(c);
		return NULL;
	}
	c->fd = fd;
	c->slot = slot;
	return c;
}

static void conn_free(struct conn *c)
{
	free(c->rbuf);
	free(c);
}

/* Owns c. The socket itself is closed by the accept loop once the thread is joined. */
static void conn_serve(struct conn *c)
{
	char line[LINE_MAX_LEN];
	int r;

	/* Load balancers probe with a bare connect and close: nothing to serve. */
	r = conn_read_line(c, line, sizeof(line));
	if (r <= 0)
		/* PLANTED BUG (leak): c and c->rbuf are never freed on this path. */
		return;
	do {
		enum action a = dispatch(c, line);

		if (a == ACT_SHUTDOWN)
			request_stop();
		if (a != ACT_CONTINUE)
			break;
	} while (conn_read_line(c, line, sizeof(line)) > 0);
	conn_free(c);
}

static void *conn_thread(void *arg)
{
	struct conn *c = arg;
	int slot = c->slot;

	conn_serve(c);
	pthread_mutex_lock(&slots_lock);
	slots[slot].state = SLOT_DONE;
	nconns_live--;
	pthread_mutex_unlock(&slots_lock);
	return NULL;
}

/* Joins finished connection threads; with all set, waits for every one of them. */
static void reap(int all)
{
	for (int i = 0; i < MAX_CONNS; i++) {
		enum slot_state st;

		pthread_mutex_lock(&slots_lock);
		st = slots[i].state;
		pthread_mutex_unlock(&slots_lock);
		if (st == SLOT_FREE || (st == SLOT_RUNNING && !all))
			continue;
		pthread_join(slots[i].tid, NULL);
		close(slots[i].fd);
		pthread_mutex_lock(&slots_lock);
		slots[i].state = SLOT_FREE;
		pthread_mutex_unlock(&slots_lock);
	}
}

static void start_conn(int fd)
{
	struct conn *c;
	int slot = -1;

	reap(0);
	pthread_mutex_lock(&slots_lock);
	for (int i = 0; i < MAX_CONNS && slot < 0; i++)
		if (slots[i].state == SLOT_FREE)
			slot = i;
	pthread_mutex_unlock(&slots_lock);
	if (slot < 0) {
		send_all(fd, "ERROR busy\n", 11);
		close(fd);
		return;
	}
	c = conn_new(fd, slot);
	if (!c) {
		close(fd);
		return;
	}
	pthread_mutex_lock(&slots_lock);
	slots[slot].state = SLOT_RUNNING;
	slots[slot].fd = fd;
	nconns_live++;
	if (pthread_create(&slots[slot].tid, NULL, conn_thread, c)) {
		slots[slot].state = SLOT_FREE;
		nconns_live--;
		pthread_mutex_unlock(&slots_lock);
		conn_free(c);
		close(fd);
		return;
	}
	pthread_mutex_unlock(&slots_lock);
	atomic_fetch_add(&nconns_total, 1);
}

static void stop_all(void)
{
	pthread_mutex_lock(&slots_lock);
	for (int i = 0; i < MAX_CONNS; i++)
		if (slots[i].state == SLOT_RUNNING)
			shutdown(slots[i].fd, SHUT_RDWR);
	pthread_mutex_unlock(&slots_lock);
	reap(1);
}

static int write_port(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;

	if (!path) {
		printf("%u\n", port);
		return fflush(stdout) ? -errno : 0;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%u\n", port);
	if (fclose(f))
		return -errno;
	return rename(tmp, path) ? -errno : 0;
}

static int parse_port(const char *s, unsigned *port)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 65535)
		return -EINVAL;
	*port = (unsigned)v;
	return 0;
}

static int listen_on(unsigned port, unsigned *bound)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	socklen_t len = sizeof(sa);
	int one = 1;
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 128) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	*bound = ntohs(sa.sin_port);
	return fd;
}

int main(int argc, char **argv)
{
	const char *portfile = NULL;
	struct sigaction sa = {.sa_handler = on_signal};
	unsigned port = 0;
	int lfd, opt, r;

	while ((opt = getopt(argc, argv, "p:o:h")) != -1) {
		switch (opt) {
		case 'p':
			if (parse_port(optarg, &port)) {
				fprintf(stderr, "server: error: bad port '%s'\n", optarg);
				return 2;
			}
			break;
		case 'o':
			portfile = optarg;
			break;
		default:
			fprintf(stderr, "usage: server [-p PORT] [-o PORTFILE]\n");
			return 2;
		}
	}

	for (int i = 0; i < NBUCKETS; i++)
		pthread_mutex_init(&store[i].lock, NULL);
	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK)) {
		fprintf(stderr, "server: error: pipe: %s\n", strerror(errno));
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	lfd = listen_on(port, &port);
	if (lfd < 0) {
		fprintf(stderr, "server: error: listen on 127.0.0.1:%u: %s\n", port,
			strerror(-lfd));
		return 1;
	}
	r = write_port(portfile, port);
	if (r) {
		fprintf(stderr, "server: error: write port '%s': %s\n",
			portfile ? portfile : "stdout", strerror(-r));
		close(lfd);
		return 1;
	}

	while (!stopping) {
		struct pollfd pfd[2] = {{.fd = lfd, .events = POLLIN},
					{.fd = wake_pipe[0], .events = POLLIN}};

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "server: error: poll: %s\n", strerror(errno));
			break;
		}
		if (stopping)
			break;
		if (pfd[0].revents & POLLIN) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0)
				start_conn(fd);
		}
	}

	close(lfd);
	stop_all();
	store_clear();
	close(wake_pipe[0]);
	close(wake_pipe[1]);
	fprintf(stderr, "server: served %ld requests on %ld connections\n",
		atomic_load(&nrequests), atomic_load(&nconns_total));
	return 0;
}
