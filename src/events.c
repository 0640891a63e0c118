// SPDX-License-Identifier: MIT
/* The JSON-lines stream of findings. Each line goes out in one write(2) on an
 * O_APPEND descriptor, so a shipper tailing the file never reads half of one and two
 * runs appending to the same file do not interleave inside a line. A finding is one
 * line, once: its id (stable across runs) is remembered, and later counts of it are
 * in the report, not in the stream. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "fileutil.h"

struct vigil_events {
	int fd;
	bool own; /* fd was opened here */
	uint64_t *seen; /* ids, sorted */
	size_t nseen, cap;
};

struct vigil_events *vigil_events__open(const char *path)
{
	struct vigil_events *e = calloc(1, sizeof(*e));
	int err;

	if (!e)
		return NULL;
	if (!strcmp(path, "-")) {
		e->fd = STDERR_FILENO;
		return e;
	}
	e->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (e->fd < 0) {
		err = errno;
		free(e);
		errno = err;
		return NULL;
	}
	e->own = true;
	return e;
}

void vigil_events__close(struct vigil_events *e)
{
	if (!e)
		return;
	if (e->own)
		close(e->fd);
	free(e->seen);
	free(e);
}

/* Whether id was seen; if not, it is now. -ENOMEM when it cannot be remembered. */
static int seen(struct vigil_events *e, uint64_t id)
{
	size_t lo = 0, hi = e->nseen;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->seen[mid] == id)
			return 1;
		if (e->seen[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (vigil_array__grow((void **)&e->seen, &e->cap, e->nseen, sizeof(*e->seen)))
		return -ENOMEM;
	memmove(e->seen + lo + 1, e->seen + lo, (e->nseen - lo) * sizeof(*e->seen));
	e->seen[lo] = id;
	e->nseen++;
	return 0;
}

/* The frame a reader of one line wants: the first one outside the C library (a
 * finding's stack may start inside a libc call), else the first. */
static const json_t *top_frame(const json_t *finding)
{
	const json_t *frames = json_object_get(json_array_get(json_object_get(finding, "stacks"),
								 0), "frames");
	const json_t *fr;
	size_t i;

	json_array_foreach(frames, i, fr) {
		const char *mod = json_string_value(json_object_get(fr, "module"));
		const char *base = mod && strrchr(mod, '/') ? strrchr(mod, '/') + 1 : mod;

		if (!base || (strncmp(base, "libc.so", 7) && strncmp(base, "libc-", 5)))
			return fr;
	}
	return json_array_get(frames, 0);
}

static json_t *exe_of(const json_t *report, json_int_t pid)
{
	const json_t *p;
	size_t i;

	json_array_foreach(json_object_get(report, "processes"), i, p)
		if (json_integer_value(json_object_get(p, "pid")) == pid &&
		    json_is_string(json_object_get(p, "exe")))
			return json_deep_copy(json_object_get(p, "exe"));
	return json_null();
}

static json_t *copy_or_null(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return v ? json_deep_copy(v) : json_null();
}

/* "2026-11-25T19:00:00.123Z": when vigil saw the finding. */
static void now_iso(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03dZ", (int)(ts.tv_nsec / 1000000));
}

static int write_full(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int emit_one(struct vigil_events *e, const json_t *report, const json_t *f)
{
	const json_t *fr = top_frame(f);
	json_int_t pid = json_integer_value(json_array_get(json_object_get(f, "pids"), 0));
	json_t *o;
	char when[64], *line = NULL, *l;
	size_t len = 0;
	int err = 0;

	now_iso(when, sizeof(when));
	/* A finding with no pid says so: null, not process 0. */
	o = json_pack("{s:s,s:s,s:O?,s:O?,s:O?,s:O?,s:O?,s:o,s:o,s:o,s:o,s:o,s:o}",
		      "time", when, "event", "finding", "id", json_object_get(f, "id"),
		      "kind", json_object_get(f, "kind"), "severity",
		      json_object_get(f, "severity"), "count", json_object_get(f, "count"),
		      "message", json_object_get(f, "message"), "pid",
		      pid ? json_integer(pid) : json_null(), "exe",
		      exe_of(report, pid), "function", copy_or_null(fr, "function"), "file",
		      copy_or_null(fr, "file"), "line", copy_or_null(fr, "line"), "module",
		      copy_or_null(fr, "module"));
	if (o)
		line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	if (line)
		len = strlen(line);
	/* One write: the newline goes with the object. */
	if (!line || !(l = realloc(line, len + 2))) {
		err = -ENOMEM;
		goto cleanup;
	}
	line = l;
	line[len] = '\n';
	err = write_full(e->fd, line, len + 1);
cleanup:
	free(line);
	json_decref(o);
	return err;
}

int vigil_events__emit(struct vigil_events *e, const json_t *report)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(report, "findings"), i, f) {
		const char *id = json_string_value(json_object_get(f, "id"));
		int r;

		if (!id)
			continue;
		r = seen(e, strtoull(id, NULL, 16));
		if (r < 0)
			return r;
		if (r)
			continue;
		r = emit_one(e, report, f);
		if (r)
			return r;
	}
	return 0;
}
