// SPDX-License-Identifier: MIT
/* Folded stacks from report.json. One stream, the metric as the root frame, rather
 * than one file per metric: flamegraph.pl, inferno and speedscope read every line the
 * same way (no header or comment lines, which speedscope's detection would refuse),
 * and `grep '^leak;'` picks one metric, so widths never mix bytes with nanoseconds. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "jsonutil.h"
#include "report_folded.h"

struct line {
	char *stack; /* "metric;frame;...", owned */
	uint64_t value;
};

struct lines {
	struct line *v;
	size_t n, cap;
};

/* Which findings feed which metric, and from which stack role and detail. */
static const struct {
	const char *kind, *metric, *role, *detail;
} metrics[] = {
	{"leak", "leak", "allocation", "bytes"},
	{"heap-growth", "heap-growth", "allocation", "bytes"},
	{"lock-contention", "lock-wait", "blocked", "wait_ns"},
};

/* A frame name as the format allows it: ';' separates frames and a line ends in
 * " <count>", so ';' becomes ':' and control bytes '?'. */
static void put_name(FILE *m, const char *s)
{
	for (; *s; s++)
		fputc(*s == ';' ? ':' : (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, m);
}

/* function, else module base name + offset ("libc.so.6+0x2724a"), else the pc.
 * Inlined frames get perf's "_[i]" suffix, which flamegraph.pl and inferno color. */
static void put_frame(FILE *m, const json_t *fr)
{
	const char *fn = vigil_jstr(fr, "function"), *mod = vigil_jstr(fr, "module");
	const char *off = vigil_jstr(fr, "offset"), *pc = vigil_jstr(fr, "pc");

	fputc(';', m);
	if (fn && *fn) {
		put_name(m, fn);
	} else if (mod) {
		put_name(m, strrchr(mod, '/') ? strrchr(mod, '/') + 1 : mod);
		fputc('+', m);
		put_name(m, off ? off : "?");
	} else {
		put_name(m, pc ? pc : "??");
	}
	if (json_is_true(json_object_get(fr, "inlined")))
		fputs("_[i]", m);
}

/* The stack of role, else the finding's first one. */
static const json_t *pick_stack(const json_t *fd, const char *role)
{
	const json_t *stacks = json_object_get(fd, "stacks"), *st;
	const char *r;
	size_t i;

	json_array_foreach(stacks, i, st) {
		r = vigil_jstr(st, "role");
		if (r && !strcmp(r, role))
			return st;
	}
	return json_array_get(stacks, 0);
}

/* The line of one finding, or nothing (not a metric's kind, no value, no frames). */
static int add_finding(struct lines *ls, const json_t *fd)
{
	const char *kind = vigil_jstr(fd, "kind");
	const json_t *st, *frames, *v;
	char *buf = NULL;
	size_t len = 0, m, i;
	FILE *mem;

	for (m = 0; m < sizeof(metrics) / sizeof(metrics[0]); m++)
		if (kind && !strcmp(kind, metrics[m].kind))
			break;
	if (m == sizeof(metrics) / sizeof(metrics[0]))
		return 0;
	v = json_object_get(json_object_get(fd, "details"), metrics[m].detail);
	st = pick_stack(fd, metrics[m].role);
	frames = json_object_get(st, "frames");
	if (!json_is_integer(v) || json_integer_value(v) <= 0 || !json_array_size(frames))
		return 0;
	if (vigil_array__grow((void **)&ls->v, &ls->cap, ls->n, sizeof(*ls->v)))
		return -ENOMEM;
	mem = open_memstream(&buf, &len);
	if (!mem)
		return -errno;
	fputs(metrics[m].metric, mem);
	/* Reports list the innermost frame first; folded stacks start at the root. */
	for (i = json_array_size(frames); i-- > 0;)
		put_frame(mem, json_array_get(frames, i));
	if (fclose(mem)) {
		free(buf);
		return -ENOMEM;
	}
	ls->v[ls->n++] = (struct line){buf, (uint64_t)json_integer_value(v)};
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->stack, ((const struct line *)b)->stack);
}

int vigil_folded__render(const json_t *report, FILE *f)
{
	const json_t *findings = json_object_get(report, "findings"), *fd;
	struct lines ls = {0};
	size_t i, j;
	int err = 0;

	json_array_foreach(findings, i, fd)
		if ((err = add_finding(&ls, fd)))
			goto cleanup;
	if (ls.n)
		qsort(ls.v, ls.n, sizeof(*ls.v), cmp_line);
	/* Equal stacks (two findings whose ids differ in frames past the ones shown, or
	 * in kind fields) become one line: the viewers would add them up anyway. */
	for (i = 0; i < ls.n; i = j) {
		uint64_t sum = 0;

		for (j = i; j < ls.n && !strcmp(ls.v[j].stack, ls.v[i].stack); j++)
			sum += ls.v[j].value;
		fprintf(f, "%s %llu\n", ls.v[i].stack, (unsigned long long)sum);
	}
	if (fflush(f) || ferror(f))
		err = errno ? -errno : -EIO;
cleanup:
	for (i = 0; i < ls.n; i++)
		free(ls.v[i].stack);
	free(ls.v);
	return err;
}
