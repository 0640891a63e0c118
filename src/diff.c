// SPDX-License-Identifier: MIT
/* `vigil diff`'s comparison and text. Ids are stable across runs (kind + symbolized top
 * frames, collect.c), so a finding of the canary is the base's when their ids match. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "jsonutil.h"
#include "report.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A copy of o's k, null when it has none: optional fields stay optional. */
static json_t *copy(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return v ? json_deep_copy(v) : json_null();
}

/* Findings of one report, indexed by id. */
struct side {
	const char *name;
	const json_t *report;
	const json_t *findings;
	json_t *by_id; /* id -> the finding's index in findings */
};

static const json_t *find(const struct side *s, const char *id)
{
	const json_t *at = json_object_get(s->by_id, id);

	return at ? json_array_get(s->findings, (size_t)json_integer_value(at)) : NULL;
}

/* The one finding of side that has fingerprint fp and whose id the other side lacks;
 * NULL when none or several. */
static const json_t *only_unmatched(const struct side *side, const struct side *other,
				    const char *fp)
{
	const json_t *g, *hit = NULL;
	size_t i;

	json_array_foreach(side->findings, i, g) {
		const char *gfp = vigil_jstr(g, "fingerprint");

		if (!gfp || strcmp(gfp, fp) || find(other, vigil_jstr(g, "id")))
			continue;
		if (hit)
			return NULL;
		hit = g;
	}
	return hit;
}

/* The finding of s that f (of other) is once its line moved: the same fingerprint (the
 * id without line numbers), each the only one so unmatched on its side. */
static const json_t *find_moved(const struct side *s, const struct side *other, const json_t *f)
{
	const char *fp = vigil_jstr(f, "fingerprint");

	if (!fp || only_unmatched(other, s, fp) != f)
		return NULL;
	return only_unmatched(s, other, fp);
}

/* Every finding an object with a non-empty id, a kind, a severity and a positive count
 * when it has one: what matching and the exit status rely on. */
static int index_side(struct side *s, char *err, size_t errlen)
{
	const json_t *f, *count;
	const char *id;
	size_t i;

	s->findings = json_object_get(s->report, "findings");
	if (!json_is_array(s->findings)) {
		snprintf(err, errlen, "'%s' is not a vigil report: findings is not a list",
			 s->name);
		return -EINVAL;
	}
	s->by_id = json_object();
	if (!s->by_id) {
		snprintf(err, errlen, "cannot compare '%s': %s", s->name, strerror(ENOMEM));
		return -ENOMEM;
	}
	json_array_foreach(s->findings, i, f) {
		id = vigil_jstr(f, "id");
		count = json_object_get(f, "count");
		if (!id || !*id || !vigil_jstr(f, "kind") || !vigil_jstr(f, "severity") ||
		    (count && (!json_is_integer(count) || json_integer_value(count) < 1))) {
			snprintf(err, errlen, "'%s' is not a vigil report: findings[%zu] lacks "
				 "an id, kind, severity or positive count", s->name, i);
			return -EINVAL;
		}
		if (json_object_get(s->by_id, id)) {
			snprintf(err, errlen, "'%s' is not a vigil report: finding id %s twice",
				 s->name, id);
			return -EINVAL;
		}
		if (json_object_set_new(s->by_id, id, json_integer((json_int_t)i))) {
			snprintf(err, errlen, "cannot compare '%s': %s", s->name, strerror(ENOMEM));
			return -ENOMEM;
		}
	}
	return 0;
}

static int severity_rank(const json_t *f)
{
	const char *s = vigil_jstr(f, "severity");

	if (!strcmp(s, "error"))
		return 0;
	if (!strcmp(s, "warning"))
		return 1;
	if (!strcmp(s, "info"))
		return 2;
	return 3;
}

struct ranked {
	json_t *item;
	const json_t *finding;
	size_t at;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int rx = severity_rank(x->finding), ry = severity_rank(y->finding);

	if (rx != ry)
		return rx - ry;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* A group ordered by severity, errors first, then as its report had them. */
struct group {
	struct ranked *v;
	size_t n, cap;
};

static void group_add(struct vigil_jbuild *b, struct group *g, json_t *item, const json_t *finding)
{
	struct ranked *v;

	if (!item) {
		b->ok = false;
		return;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;

		v = realloc(g->v, cap * sizeof(*v));
		if (!v) {
			json_decref(item);
			b->ok = false;
			return;
		}
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n] = (struct ranked){item, finding, g->n};
	g->n++;
}

/* Moves the group's items into a new array. */
static json_t *group_take(struct vigil_jbuild *b, struct group *g)
{
	json_t *a = json_array();

	qsort(g->v, g->n, sizeof(*g->v), cmp_ranked);
	for (size_t i = 0; i < g->n; i++)
		vigil_jpush(b, a, g->v[i].item);
	free(g->v);
	*g = (struct group){0};
	return a;
}

static void group_free(struct group *g)
{
	for (size_t i = 0; i < g->n; i++)
		json_decref(g->v[i].item);
	free(g->v);
}

static json_int_t count_of(const json_t *f)
{
	const json_t *c = json_object_get(f, "count");

	return c ? json_integer_value(c) : 1;
}

/* Kinds whose details.bytes is memory the program holds: it growing is news. */
static bool holds_bytes(const json_t *f)
{
	const char *k = vigil_jstr(f, "kind");

	return !strcmp(k, "leak") || !strcmp(k, "leak-reachable") || !strcmp(k, "heap-growth");
}

static bool bytes_of(const json_t *f, json_int_t *v)
{
	const json_t *j = json_object_get(json_object_get(f, "details"), "bytes");

	if (!holds_bytes(f) || !json_is_integer(j) || json_integer_value(j) < 0)
		return false;
	*v = json_integer_value(j);
	return true;
}

/* Live bytes at the last sample of a heap-growth curve ([[t_ms, bytes], ...]). */
static bool last_bytes_of(const json_t *f, json_int_t *v)
{
	const json_t *curve = json_object_get(json_object_get(f, "details"), "curve");
	const json_t *p = json_array_get(curve, json_array_size(curve) - 1);
	const json_t *bytes = json_array_get(p, 1);

	if (strcmp(vigil_jstr(f, "kind"), "heap-growth") || json_array_size(p) != 2 ||
	    !json_is_integer(bytes) || json_integer_value(bytes) < 0)
		return false;
	*v = json_integer_value(bytes);
	return true;
}

/* The frame a reader looks for: the top one outside the C library (a syscall storm's
 * stack starts inside connect), else the top one; NULL when there is no stack. */
static const json_t *top_frame(const json_t *f)
{
	const json_t *frames = json_object_get(json_array_get(json_object_get(f, "stacks"), 0),
					       "frames");
	const json_t *fr;
	const char *mod;
	size_t i;

	json_array_foreach(frames, i, fr) {
		mod = vigil_jstr(fr, "module");
		if (!mod || (strncmp(base_name(mod), "libc.so", 7) &&
			     strncmp(base_name(mod), "libc-", 5)))
			return fr;
	}
	return json_array_get(frames, 0);
}

/* What the changed entry shows of one side. */
static json_t *state(struct vigil_jbuild *b, const json_t *f)
{
	json_t *o = json_object();
	json_int_t v;

	vigil_jset(b, o, "severity", json_string(vigil_jstr(f, "severity")));
	vigil_jset(b, o, "count", json_integer(count_of(f)));
	if (bytes_of(f, &v))
		vigil_jset(b, o, "bytes", json_integer(v));
	if (last_bytes_of(f, &v))
		vigil_jset(b, o, "last_bytes", json_integer(v));
	vigil_jset(b, o, "message", copy(f, "message"));
	return o;
}

static bool grew(bool (*get)(const json_t *, json_int_t *), const json_t *old,
		 const json_t *now)
{
	json_int_t a, z;

	return get(old, &a) && get(now, &z) && z > a;
}

/* The changed entry of a finding in both reports, or NULL (ok untouched) when nothing
 * that matters changed: its count, its severity, its bytes growing. */
static json_t *changed(struct vigil_jbuild *b, const json_t *old, const json_t *now)
{
	json_t *what = json_array(), *o;
	const json_t *top = top_frame(now);

	if (strcmp(vigil_jstr(old, "severity"), vigil_jstr(now, "severity")))
		vigil_jpush(b, what, json_string("severity"));
	if (count_of(old) != count_of(now))
		vigil_jpush(b, what, json_string("count"));
	if (grew(bytes_of, old, now))
		vigil_jpush(b, what, json_string("bytes"));
	if (grew(last_bytes_of, old, now))
		vigil_jpush(b, what, json_string("last_bytes"));
	if (!json_array_size(what)) {
		json_decref(what);
		return NULL;
	}
	o = json_object();
	if (!o) {
		json_decref(what);
		b->ok = false;
		return NULL;
	}
	vigil_jset(b, o, "id", json_string(vigil_jstr(now, "id")));
	vigil_jset(b, o, "kind", json_string(vigil_jstr(now, "kind")));
	vigil_jset(b, o, "severity", json_string(vigil_jstr(now, "severity")));
	vigil_jset(b, o, "message", copy(now, "message"));
	vigil_jset(b, o, "top", top ? json_deep_copy(top) : json_null());
	vigil_jset(b, o, "changes", what);
	vigil_jset(b, o, "base", state(b, old));
	vigil_jset(b, o, "canary", state(b, now));
	return o;
}

static json_t *header(struct vigil_jbuild *b, const struct side *s)
{
	json_t *o = json_object(), *cmd = json_object_get(json_object_get(s->report, "run"),
							  "command");

	vigil_jset(b, o, "path", json_string(s->name));
	vigil_jset(b, o, "command", json_is_array(cmd) ? json_deep_copy(cmd) : json_null());
	vigil_jset(b, o, "findings", json_integer((json_int_t)json_array_size(s->findings)));
	return o;
}

json_t *vigil_diff__compare(const json_t *base, const char *base_name, const json_t *canary,
			    const char *canary_name, char *err, size_t errlen)
{
	struct side sb = {.name = base_name, .report = base};
	struct side sc = {.name = canary_name, .report = canary};
	struct group gnew = {0}, ggone = {0}, gchanged = {0};
	struct vigil_jbuild b = {.ok = true};
	json_t *doc = NULL, *sum, *item;
	const json_t *f, *old;
	size_t i, unchanged = 0, errors = 0;
	int r;

	r = index_side(&sb, err, errlen);
	if (!r)
		r = index_side(&sc, err, errlen);
	if (r)
		goto cleanup;
	json_array_foreach(sc.findings, i, f) {
		old = find(&sb, vigil_jstr(f, "id"));
		/* Not the same id, the same bug: a line moved by edits elsewhere. */
		if (!old)
			old = find_moved(&sb, &sc, f);
		if (!old) {
			group_add(&b, &gnew, json_deep_copy(f), f);
			errors += severity_rank(f) == 0;
		} else if ((item = changed(&b, old, f))) {
			group_add(&b, &gchanged, item, f);
		} else {
			unchanged++;
		}
	}
	json_array_foreach(sb.findings, i, f)
		if (!find(&sc, vigil_jstr(f, "id")) && !find_moved(&sc, &sb, f))
			group_add(&b, &ggone, json_deep_copy(f), f);

	doc = json_object();
	vigil_jset(&b, doc, "schema", json_string(VIGIL_DIFF_SCHEMA));
	vigil_jset(&b, doc, "base", header(&b, &sb));
	vigil_jset(&b, doc, "canary", header(&b, &sc));
	sum = json_object();
	vigil_jset(&b, sum, "new", json_integer((json_int_t)gnew.n));
	vigil_jset(&b, sum, "new_errors", json_integer((json_int_t)errors));
	vigil_jset(&b, sum, "gone", json_integer((json_int_t)ggone.n));
	vigil_jset(&b, sum, "changed", json_integer((json_int_t)gchanged.n));
	vigil_jset(&b, sum, "unchanged", json_integer((json_int_t)unchanged));
	vigil_jset(&b, doc, "summary", sum);
	vigil_jset(&b, doc, "new", group_take(&b, &gnew));
	vigil_jset(&b, doc, "gone", group_take(&b, &ggone));
	vigil_jset(&b, doc, "changed", group_take(&b, &gchanged));
	if (!b.ok) {
		json_decref(doc);
		doc = NULL;
		r = -ENOMEM;
		snprintf(err, errlen, "cannot compare '%s' and '%s': %s", base_name, canary_name,
			 strerror(ENOMEM));
	}
cleanup:
	group_free(&gnew);
	group_free(&ggone);
	group_free(&gchanged);
	json_decref(sb.by_id);
	json_decref(sc.by_id);
	if (r)
		errno = -r;
	return doc;
}

size_t vigil_diff__new_errors(const json_t *diff)
{
	const json_t *f;
	size_t i, n = 0;

	json_array_foreach(json_object_get(diff, "new"), i, f) {
		const char *sev = vigil_jstr(f, "severity");

		n += sev && !strcmp(sev, "error");
	}
	return n;
}

/* "make_record leak_direct.c:20", "libfoo.so+0x1136", "<no stack>". */
static void print_frame(FILE *out, const json_t *fr)
{
	const char *fn = vigil_jstr(fr, "function"), *file = vigil_jstr(fr, "file");
	const char *mod = vigil_jstr(fr, "module"), *off = vigil_jstr(fr, "offset");
	const char *pc = vigil_jstr(fr, "pc");
	const json_t *line = json_object_get(fr, "line");

	if (!fr) {
		fprintf(out, "<no stack>");
		return;
	}
	if (fn)
		fprintf(out, "%s", fn);
	if (file) {
		fprintf(out, "%s%s", fn ? " " : "", file);
		if (json_integer_value(line) > 0)
			fprintf(out, ":%lld", (long long)json_integer_value(line));
	} else if (mod) {
		fprintf(out, "%s%s+%s", fn ? " in " : "", base_name(mod), off ? off : "?");
	} else if (!fn) {
		fprintf(out, "%s", pc ? pc : "<unknown frame>");
	}
}

/* Two lines: severity, kind and message; the top frame and the id. */
static void print_entry(FILE *out, const json_t *e, const json_t *top)
{
	const char *sev = vigil_jstr(e, "severity"), *kind = vigil_jstr(e, "kind");
	const char *msg = vigil_jstr(e, "message");

	fprintf(out, "  %-7s  %s: %s\n", sev ? sev : "?", kind ? kind : "?",
		msg ? msg : (kind ? kind : "finding"));
	fprintf(out, "           at ");
	print_frame(out, top);
	fprintf(out, " (id %s)\n", vigil_jstr(e, "id") ? vigil_jstr(e, "id") : "?");
}

static void print_bytes_change(FILE *out, const char *what, const json_t *old, const json_t *now)
{
	json_int_t a = json_integer_value(old), z = json_integer_value(now);
	char ba[32], bz[32], bd[32];

	fprintf(out, "           %s %s -> %s (+%s)\n", what,
		vigil_format_bytes(ba, sizeof(ba), (uint64_t)a, false),
		vigil_format_bytes(bz, sizeof(bz), (uint64_t)z, false),
		vigil_format_bytes(bd, sizeof(bd), (uint64_t)(z - a), false));
}

static void print_changes(FILE *out, const json_t *e)
{
	const json_t *old = json_object_get(e, "base"), *now = json_object_get(e, "canary"), *c;
	size_t i;

	json_array_foreach(json_object_get(e, "changes"), i, c) {
		const char *what = json_string_value(c);

		if (!what)
			continue;
		if (!strcmp(what, "severity"))
			fprintf(out, "           severity %s -> %s\n", vigil_jstr(old, "severity"),
				vigil_jstr(now, "severity"));
		else if (!strcmp(what, "count"))
			fprintf(out, "           count %lld -> %lld\n",
				(long long)json_integer_value(json_object_get(old, "count")),
				(long long)json_integer_value(json_object_get(now, "count")));
		else if (!strcmp(what, "bytes") || !strcmp(what, "last_bytes"))
			print_bytes_change(out, what[0] == 'b' ? "bytes" : "live at last sample",
					   json_object_get(old, what), json_object_get(now, what));
	}
}

static void print_group(FILE *out, const json_t *diff, const char *key, const char *title)
{
	const json_t *g = json_object_get(diff, key), *e;
	size_t i;

	if (!json_array_size(g))
		return;
	fprintf(out, "\n%s (%zu):\n", title, json_array_size(g));
	json_array_foreach(g, i, e) {
		bool is_changed = json_object_get(e, "changes") != NULL;

		print_entry(out, e, is_changed ? json_object_get(e, "top") : top_frame(e));
		if (is_changed)
			print_changes(out, e);
	}
}

static long long summary(const json_t *diff, const char *k)
{
	return (long long)json_integer_value(json_object_get(json_object_get(diff, "summary"), k));
}

static void print_side(FILE *out, const char *what, const json_t *side)
{
	long long n = (long long)json_integer_value(json_object_get(side, "findings"));
	const char *path = vigil_jstr(side, "path");

	fprintf(out, "%s %s (%lld finding%s)", what, path ? path : "?", n, n == 1 ? "" : "s");
}

int vigil_diff__render_text(const json_t *diff, FILE *out)
{
	print_side(out, "vigil diff: base", json_object_get(diff, "base"));
	print_side(out, ", canary", json_object_get(diff, "canary"));
	fputc('\n', out);
	print_group(out, diff, "new", "new in canary");
	print_group(out, diff, "gone", "gone from canary");
	print_group(out, diff, "changed", "changed");
	fprintf(out, "\n%lld new (%lld error%s), %lld gone, %lld changed, %lld unchanged\n",
		summary(diff, "new"), summary(diff, "new_errors"),
		summary(diff, "new_errors") == 1 ? "" : "s", summary(diff, "gone"),
		summary(diff, "changed"), summary(diff, "unchanged"));
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}
