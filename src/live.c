// SPDX-License-Identifier: MIT
/* The monitor of `vigil run`. It runs on a thread of its own with every signal
 * blocked, so the launcher's forwarding of SIGTERM and SIGHUP and its waitpid loop
 * are exactly what they are without it. Requests come on a unix socket under OUT: a
 * client learns at once whether a run is live there (connect fails when none is), gets
 * its answer on the same connection, and a run that died leaves nothing that could
 * pass for a live one. Every report it writes is atomic (temporary file and rename):
 * a reader polling report.json sees the previous snapshot or the next, never half. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bpf.h"
#include "events.h"
#include "live.h"
#include "metrics.h"

struct vigil_live {
	struct vigil_live_config cfg;
	char out[PATH_MAX], raw[PATH_MAX + 8];
	struct vigil_events *events;
	int dirfd; /* OUT, for the socket's name when OUT is long */
	int sock;  /* listening; -1 once stopped */
	dev_t sock_dev;
	ino_t sock_ino;
	int wake[2]; /* a byte on wake[1] stops the monitor */
	pthread_t thread;
	bool running;
	bool started;   /* the program may have run: the end goes to --metrics */
	bool finalized; /* vigil_live__final wrote the end */
	uint64_t period_ms; /* between refreshes; 0: on request only */
	uint64_t sig;       /* the raw logs' sizes and times at the last render */
	json_t *last;       /* the report last rendered */
	bool last_written;  /* ... and written as the snapshot in OUT */
	bool warned_render, warned_events, warned_metrics;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* OUT/.vigil.sock, or the same through /proc/self/fd/N when OUT is too long for
 * sun_path (108 bytes). */
static socklen_t sock_addr(const char *out, int dirfd, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s", out, VIGIL_LIVE_SOCK) >=
	    (int)sizeof(sa->sun_path))
		snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dirfd,
			 VIGIL_LIVE_SOCK);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(sa->sun_path) + 1);
}

/* A connected socket to the run live on out, or -errno (-ECONNREFUSED or -ENOENT:
 * none is). */
static int dial(const char *out, int dirfd)
{
	struct sockaddr_un sa;
	socklen_t len = sock_addr(out, dirfd, &sa);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sa, len)) {
		err = -errno;
		close(s);
		return err;
	}
	return s;
}

static void warn_once(bool *warned, const char *what, const char *path, int err)
{
	if (*warned)
		return;
	*warned = true;
	fprintf(stderr, "vigil: warning: %s '%s': %s\n", what, path, strerror(-err));
}

static bool alive(uint32_t pid)
{
	return pid > 0 && (!kill((pid_t)pid, 0) || errno == EPERM);
}

/* The kernel's counts now, for --metrics; nothing when they cannot be read. */
static void bpf_counts(struct vigil_live *l, struct vigil_metrics_live *m,
		       struct vigil_metrics_errcount **rows)
{
	struct vigil_bpf_errsum *sums;
	size_t n;

	*rows = NULL;
	if (!l->cfg.bpf || vigil_bpf__error_counts(l->cfg.bpf, &sums, &n, &m->ringbuf_drops))
		return;
	*rows = calloc(n + 1, sizeof(**rows));
	if (*rows) {
		for (size_t i = 0; i < n; i++)
			(*rows)[i] = (struct vigil_metrics_errcount){sums[i].nr, sums[i].err,
								     sums[i].count};
		m->bpf = true;
		m->errs = *rows;
		m->nerrs = n;
	}
	free(sums);
}

/* New findings to --events, the metrics rewritten. */
static void publish(struct vigil_live *l, const json_t *report)
{
	struct vigil_metrics_live m = {.running = true, .alive = alive};
	struct vigil_metrics_errcount *rows;
	int err;

	if (l->events && (err = vigil_events__emit(l->events, report)))
		warn_once(&l->warned_events, "cannot append to events file", l->cfg.events_path,
			  err);
	if (!l->cfg.metrics_path)
		return;
	bpf_counts(l, &m, &rows);
	err = vigil_metrics__write(l->cfg.metrics_path, report, &m);
	if (err)
		warn_once(&l->warned_metrics, "cannot write metrics file", l->cfg.metrics_path,
			  err);
	free(rows);
}

/* What the raw logs are now (the .log files of raw/): a new log, or one that grew,
 * changes it. */
static uint64_t logs_sig(const struct vigil_live *l)
{
	DIR *d = opendir(l->raw);
	struct dirent *de;
	uint64_t h = 1469598103934665603ull;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct stat st;

		if (n < 5 || strcmp(de->d_name + n - 4, ".log") ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		h = (h ^ (uint64_t)st.st_ino) * 1099511628211ull;
		h = (h ^ (uint64_t)st.st_size) * 1099511628211ull;
		h = (h ^ (uint64_t)st.st_mtim.tv_sec) * 1099511628211ull;
		h = (h ^ (uint64_t)st.st_mtim.tv_nsec) * 1099511628211ull;
	}
	closedir(d);
	return h;
}

/* Renders the run (written as a snapshot when write) and publishes it. With the logs
 * as they were, the last report serves again (when it was written, if write is asked),
 * so an idle service costs no symbolization; force renders anyway (`vigil dump`).
 * 0 or -errno. */
static int refresh(struct vigil_live *l, bool write, bool force)
{
	uint64_t sig = logs_sig(l);
	json_t *j;

	if (!force && l->last && sig == l->sig && (l->last_written || !write)) {
		publish(l, l->last);
		return 0;
	}
	j = l->cfg.render(l->cfg.arg, write);
	if (!j)
		return errno ? -errno : -EIO;
	json_decref(l->last);
	l->last = j;
	l->last_written = write;
	l->sig = sig;
	publish(l, j);
	return 0;
}

static void reply(int c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void reply(int c, const char *fmt, ...)
{
	char buf[PATH_MAX + 128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(buf))
		(void)!send(c, buf, (size_t)n, MSG_NOSIGNAL);
}

/* One `vigil dump`: "dump\n" in, "ok PATH\n" or "error WHY\n" out. Only the run's
 * user (or root) may ask. */
static void serve(struct vigil_live *l)
{
	struct timeval tv = {.tv_sec = 1};
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	char req[64], path[PATH_MAX + 16];
	size_t n = 0;
	int c = accept4(l->sock, NULL, NULL, SOCK_CLOEXEC), err;

	if (c < 0)
		return;
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) ||
	    (cr.uid != geteuid() && cr.uid != 0)) {
		reply(c, "error only the user of this run may ask for a snapshot\n");
		goto done;
	}
	/* A client that connects and says nothing holds the monitor a second at most. */
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (n < sizeof(req) - 1 && !memchr(req, '\n', n)) {
		ssize_t r = recv(c, req + n, sizeof(req) - 1 - n, 0);

		if (r <= 0)
			break;
		n += (size_t)r;
	}
	req[n] = '\0';
	if (strcmp(req, "dump\n")) {
		if (n)
			reply(c, "error unknown request\n");
		goto done;
	}
	err = refresh(l, true, true);
	if (err) {
		reply(c, "error cannot write the snapshot: %s\n", strerror(-err));
		goto done;
	}
	snprintf(path, sizeof(path), "%s/report.json", l->out);
	reply(c, "ok %s\n", path);
done:
	close(c);
}

static void *monitor(void *arg)
{
	struct vigil_live *l = arg;
	uint64_t next = now_ms() + l->period_ms;

	for (;;) {
		struct pollfd p[2] = {{.fd = l->wake[0], .events = POLLIN},
				      {.fd = l->sock, .events = POLLIN}};
		uint64_t now = now_ms();
		int timeout = -1, err;

		if (l->period_ms)
			timeout = next > now ? (int)(next - now) : 0;
		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents & POLLIN)
			serve(l);
		if (l->period_ms && now_ms() >= next) {
			err = refresh(l, l->cfg.interval_s > 0, false);
			if (err)
				warn_once(&l->warned_render, "cannot write a snapshot in", l->out,
					  err);
			next = now_ms() + l->period_ms;
		}
	}
	return NULL;
}

/* Listens on OUT/.vigil.sock, replacing a socket a dead run left. -EBUSY when a run
 * answers there. */
static int listen_on(struct vigil_live *l)
{
	struct sockaddr_un sa;
	socklen_t len = sock_addr(l->out, l->dirfd, &sa);
	struct stat st;
	int s = dial(l->out, l->dirfd);

	if (s >= 0) {
		close(s);
		return -EBUSY;
	}
	if (unlinkat(l->dirfd, VIGIL_LIVE_SOCK, 0) && errno != ENOENT)
		return -errno;
	l->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->sock < 0)
		return -errno;
	if (bind(l->sock, (struct sockaddr *)&sa, len) ||
	    fstatat(l->dirfd, VIGIL_LIVE_SOCK, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	l->sock_dev = st.st_dev;
	l->sock_ino = st.st_ino;
	/* Connecting takes write permission on the socket: the run's user alone. */
	if (fchmodat(l->dirfd, VIGIL_LIVE_SOCK, 0600, 0) || listen(l->sock, 8))
		return -errno;
	return 0;
}

/* The socket goes, unless another run has replaced it since. */
static void unlisten(struct vigil_live *l)
{
	struct stat st;

	if (l->sock < 0)
		return;
	close(l->sock);
	l->sock = -1;
	if (!fstatat(l->dirfd, VIGIL_LIVE_SOCK, &st, AT_SYMLINK_NOFOLLOW) &&
	    st.st_dev == l->sock_dev && st.st_ino == l->sock_ino)
		unlinkat(l->dirfd, VIGIL_LIVE_SOCK, 0);
}

int vigil_live__start(struct vigil_live **out, const struct vigil_live_config *cfg, char *why,
		      size_t len)
{
	struct vigil_metrics_live m = {.running = true, .alive = alive};
	struct vigil_live *l = calloc(1, sizeof(*l));
	sigset_t all, old;
	int err;

	if (!l)
		return -ENOMEM;
	l->cfg = *cfg;
	l->dirfd = l->sock = l->wake[0] = l->wake[1] = -1;
	snprintf(l->out, sizeof(l->out), "%s", cfg->out);
	snprintf(l->raw, sizeof(l->raw), "%s/raw", cfg->out);
	if (cfg->interval_s)
		l->period_ms = (uint64_t)cfg->interval_s * 1000;
	else if (cfg->metrics_path || cfg->events_path)
		l->period_ms = (uint64_t)(cfg->tick_s ? cfg->tick_s : VIGIL_LIVE_TICK_S) * 1000;

	l->dirfd = open(cfg->out, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (l->dirfd < 0) {
		err = -errno;
		snprintf(why, len, "cannot open output directory '%s': %s", cfg->out,
			 strerror(-err));
		goto fail;
	}
	err = listen_on(l);
	if (err == -EBUSY) {
		snprintf(why, len, "another vigil run is live on '%s' (its %s answers)", cfg->out,
			 VIGIL_LIVE_SOCK);
		goto fail;
	}
	/* A file system without sockets costs `vigil dump`, not the run. */
	if (err) {
		fprintf(stderr, "vigil: warning: 'vigil dump' cannot reach this run: cannot "
				"listen on '%s/%s': %s\n", cfg->out, VIGIL_LIVE_SOCK, strerror(-err));
		unlisten(l);
	}
	if (cfg->events_path && !(l->events = vigil_events__open(cfg->events_path))) {
		err = -errno;
		snprintf(why, len, "cannot open events file '%s': %s", cfg->events_path,
			 strerror(-err));
		goto fail;
	}
	if (cfg->metrics_path && (err = vigil_metrics__write(cfg->metrics_path, NULL, &m))) {
		snprintf(why, len, "cannot write metrics file '%s': %s", cfg->metrics_path,
			 strerror(-err));
		goto fail;
	}
	if (pipe2(l->wake, O_CLOEXEC)) {
		err = -errno;
		snprintf(why, len, "cannot start the monitor: %s", strerror(-err));
		goto fail;
	}
	/* Created with every signal blocked, which it keeps: signals for vigil go to
	 * the thread that forwards them and waits for the program. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&l->thread, NULL, monitor, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		snprintf(why, len, "cannot start the monitor: %s", strerror(-err));
		goto fail;
	}
	l->running = l->started = true;
	*out = l;
	return 0;
fail:
	vigil_live__free(l);
	return err;
}

void vigil_live__stop(struct vigil_live *l)
{
	if (!l || !l->running)
		return;
	(void)!write(l->wake[1], "x", 1);
	pthread_join(l->thread, NULL);
	l->running = false;
	unlisten(l);
}

int vigil_live__final(struct vigil_live *l, const json_t *report, char *why, size_t len)
{
	struct vigil_metrics_live m = {.running = false, .alive = alive};
	int err = 0, e;

	l->finalized = true;
	if (l->events && (e = vigil_events__emit(l->events, report))) {
		err = e;
		snprintf(why, len, "cannot append to events file '%s': %s", l->cfg.events_path,
			 strerror(-e));
	}
	if (l->cfg.metrics_path && (e = vigil_metrics__write(l->cfg.metrics_path, report, &m)) &&
	    !err) {
		err = e;
		snprintf(why, len, "cannot write metrics file '%s': %s", l->cfg.metrics_path,
			 strerror(-e));
	}
	return err;
}

void vigil_live__free(struct vigil_live *l)
{
	struct vigil_metrics_live m = {.running = false, .alive = alive};

	if (!l)
		return;
	vigil_live__stop(l);
	/* The program did not start, or its report failed: the metrics must not go on
	 * saying it runs. */
	if (l->started && !l->finalized && l->cfg.metrics_path)
		vigil_metrics__write(l->cfg.metrics_path, l->last, &m);
	unlisten(l);
	vigil_events__close(l->events);
	json_decref(l->last);
	for (int i = 0; i < 2; i++)
		if (l->wake[i] >= 0)
			close(l->wake[i]);
	if (l->dirfd >= 0)
		close(l->dirfd);
	free(l);
}

bool vigil_live__answers(const char *out)
{
	int dirfd = open(out, O_PATH | O_DIRECTORY | O_CLOEXEC), s;

	if (dirfd < 0)
		return false;
	s = dial(out, dirfd);
	close(dirfd);
	if (s < 0)
		return false;
	close(s);
	return true;
}

int vigil_live__request(const char *out, int timeout_ms, char *path, size_t pathlen, char *why,
			size_t whylen)
{
	char buf[PATH_MAX + 128], *nl;
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
	size_t n = 0;
	int dirfd, s, err = 0;

	dirfd = open(out, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	s = dial(out, dirfd);
	close(dirfd);
	if (s < 0)
		return s;
	if (send(s, "dump\n", 5, MSG_NOSIGNAL) != 5) {
		err = -errno;
		goto done;
	}
	while (n < sizeof(buf) - 1 && !memchr(buf, '\n', n)) {
		struct pollfd p = {.fd = s, .events = POLLIN};
		uint64_t now = now_ms();
		ssize_t r;

		if (now >= deadline) {
			err = -ETIMEDOUT;
			goto done;
		}
		if (poll(&p, 1, (int)(deadline - now)) < 0 && errno != EINTR) {
			err = -errno;
			goto done;
		}
		if (!p.revents)
			continue;
		r = recv(s, buf + n, sizeof(buf) - 1 - n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* The run ended (or was not ours to ask) before it answered. */
			err = r < 0 ? -errno : -ECONNRESET;
			goto done;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	if (!strncmp(buf, "ok ", 3) && strlen(buf + 3) < pathlen) {
		memcpy(path, buf + 3, strlen(buf + 3) + 1);
	} else {
		snprintf(why, whylen, "%s", !strncmp(buf, "error ", 6) ? buf + 6 : buf);
		err = -EPROTO;
	}
done:
	close(s);
	return err;
}
