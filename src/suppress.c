// SPDX-License-Identifier: MIT
/* Suppressions: parsing `kind:pattern` files, matching rules against the frames of a
 * finding (in the report model, or in a saved report.json), hit counts, and the rules
 * --gen-suppressions proposes. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/finding.h"
#include "jsonutil.h"
#include "fileutil.h"
#include "suppress.h"

/* A generated pattern longer than this is cut and ends in '*': C++ template names run
 * to kilobytes, and the rule must still fit a line. */
#define GEN_PATTERN_MAX 1024
/* Bytes of a finding's message kept in a generated comment. */
#define GEN_COMMENT_MAX 300
/* Findings past which generated rules are not ordered by how many findings they match. */
#define GEN_ORDER_MAX 4096
/* Rules that matched nothing named on the stderr summary line; the report has all. */
#define SUMMARY_UNMATCHED 3

struct vigil_supp {
	struct vigil_supp_rule *rules;
	size_t n, cap;
	uint64_t suppressed;
};

struct vigil_supp *vigil_supp__new(void)
{
	return calloc(1, sizeof(struct vigil_supp));
}

static void truncate_rules(struct vigil_supp *s, size_t n)
{
	while (s->n > n) {
		struct vigil_supp_rule *r = &s->rules[--s->n];

		free((char *)r->file);
		free((char *)r->pattern);
	}
}

void vigil_supp__free(struct vigil_supp *s)
{
	if (!s)
		return;
	truncate_rules(s, 0);
	free(s->rules);
	free(s);
}

size_t vigil_supp__nrules(const struct vigil_supp *s)
{
	return s->n;
}

const struct vigil_supp_rule *vigil_supp__rule(const struct vigil_supp *s, size_t i)
{
	return i < s->n ? &s->rules[i] : NULL;
}

uint64_t vigil_supp__suppressed(const struct vigil_supp *s)
{
	return s->suppressed;
}

/* 0 for "*", else the kind's enum value; -1 for no such kind. */
static int kind_of(const char *name, size_t len)
{
	if (len == 1 && name[0] == '*')
		return 0;
	for (unsigned k = 1; k < VIGIL_FK_MAX; k++) {
		const char *n = vigil_kind_name(k);

		if (n && strlen(n) == len && !memcmp(n, name, len))
			return (int)k;
	}
	return -1;
}

static const char *kind_label(unsigned kind)
{
	return kind ? vigil_kind_name(kind) : "*";
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. Overlong forms and
 * surrogates are invalid, as jansson (and so report.json) has them. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	cp = p[0] & (0x7f >> len);
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims blanks from both ends of [*p, *p + *n). */
static void trim(const char **p, size_t *n)
{
	while (*n && is_blank(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_blank((*p)[*n - 1]))
		(*n)--;
}

/* Why the pattern cannot be used, or NULL. */
static const char *bad_pattern(const char *p, size_t n, char *why, size_t len)
{
	size_t i = 0, backslashes = 0;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		size_t l;

		if (c < 0x20 || c == 0x7f) {
			snprintf(why, len, "control character 0x%02x in the pattern", c);
			return why;
		}
		l = utf8_len((const unsigned char *)p + i, n - i);
		if (!l) {
			snprintf(why, len, "the pattern is not UTF-8 (byte 0x%02x)", c);
			return why;
		}
		i += l;
	}
	/* fnmatch matches nothing with a trailing escape: a rule that can never hit. */
	for (i = n; i > 0 && p[i - 1] == '\\'; i--)
		backslashes++;
	if (backslashes % 2) {
		snprintf(why, len, "the pattern ends in an unescaped '\\'");
		return why;
	}
	return NULL;
}

static int add_rule(struct vigil_supp *s, const char *file, unsigned line, unsigned kind,
		    const char *pat, size_t n)
{
	struct vigil_supp_rule *r;

	if (vigil_array__grow((void **)&s->rules, &s->cap, s->n, sizeof(*s->rules)))
		return -ENOMEM;
	r = &s->rules[s->n];
	*r = (struct vigil_supp_rule){.line = line, .kind = kind};
	r->file = strdup(file);
	r->pattern = strndup(pat, n);
	if (!r->file || !r->pattern) {
		free((char *)r->file);
		free((char *)r->pattern);
		return -ENOMEM;
	}
	s->n++;
	return 0;
}

/* One line, without its newline (a CR before it already removed). 0, -EINVAL with why
 * set, or -ENOMEM. */
static int parse_line(struct vigil_supp *s, const char *name, unsigned lineno, const char *p,
		      size_t n, char *why, size_t len)
{
	const char *colon, *kind, *pat;
	size_t nkind, npat;
	int k;

	if (memchr(p, '\0', n)) {
		snprintf(why, len, "NUL byte");
		return -EINVAL;
	}
	trim(&p, &n);
	if (!n || p[0] == '#')
		return 0;
	colon = memchr(p, ':', n);
	if (!colon) {
		snprintf(why, len, "no ':' (expected kind:pattern)");
		return -EINVAL;
	}
	kind = p;
	nkind = (size_t)(colon - p);
	pat = colon + 1;
	npat = n - nkind - 1;
	trim(&kind, &nkind);
	trim(&pat, &npat);
	if (!nkind) {
		snprintf(why, len, "empty kind (expected kind:pattern)");
		return -EINVAL;
	}
	k = kind_of(kind, nkind);
	if (k < 0) {
		snprintf(why, len, "unknown kind '%.*s'", nkind > 64 ? 64 : (int)nkind, kind);
		for (size_t i = 0; why[i]; i++)
			if ((unsigned char)why[i] < 0x20 || (unsigned char)why[i] >= 0x7f)
				why[i] = '?';
		return -EINVAL;
	}
	if (!npat) {
		snprintf(why, len, "empty pattern (use '*' to match everything)");
		return -EINVAL;
	}
	if (bad_pattern(pat, npat, why, len))
		return -EINVAL;
	return add_rule(s, name, lineno, (unsigned)k, pat, npat);
}

int vigil_supp__parse(struct vigil_supp *s, const char *name, const char *buf, size_t len,
		      char *err, size_t errlen)
{
	size_t n0 = s->n, off = 0;
	unsigned lineno = 0;
	char why[160];
	int r = 0;

	/* A UTF-8 byte-order mark, as some editors save files, is not part of a kind. */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		off = 3;
	while (off < len) {
		const char *p = buf + off, *nl = memchr(p, '\n', len - off);
		size_t n = nl ? (size_t)(nl - p) : len - off;

		lineno++;
		off += n + (nl ? 1 : 0);
		if (n && p[n - 1] == '\r')
			n--;
		if (n > VIGIL_SUPP_LINE_MAX) {
			snprintf(why, sizeof(why), "line too long (over %d bytes)",
				 VIGIL_SUPP_LINE_MAX);
			r = -EINVAL;
		} else {
			r = parse_line(s, name, lineno, p, n, why, sizeof(why));
		}
		if (r)
			break;
	}
	if (r == -EINVAL)
		snprintf(err, errlen, "suppressions '%s' line %u: %s", name, lineno, why);
	else if (r)
		snprintf(err, errlen, "suppressions '%s': %s", name, strerror(-r));
	if (r)
		truncate_rules(s, n0);
	return r;
}

/* The whole file, at most VIGIL_SUPP_FILE_MAX bytes; a pipe (--suppressions <(...))
 * is read to its end too. 0 or -errno (-EFBIG: too large). */
static int read_all(const char *path, char **out, size_t *outlen)
{
	FILE *f = fopen(path, "re");
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int err = 0;

	if (!f)
		return -errno;
	for (;;) {
		size_t got;

		if (len == cap) {
			char *nb;

			if (cap > VIGIL_SUPP_FILE_MAX) {
				err = -EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f))
				err = errno ? -errno : -EIO;
			break;
		}
	}
	fclose(f);
	if (!err && len > VIGIL_SUPP_FILE_MAX)
		err = -EFBIG;
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

struct vigil_supp *vigil_supp__from_files(const char *const *paths, int n, char *err,
					  size_t errlen)
{
	struct vigil_supp *s = vigil_supp__new();
	int e = 0;

	if (!s) {
		snprintf(err, errlen, "cannot read suppressions: %s", strerror(ENOMEM));
		return NULL;
	}
	for (int i = 0; i < n && !e; i++) {
		char *buf = NULL;
		size_t len = 0;

		e = read_all(paths[i], &buf, &len);
		if (e == -EFBIG)
			snprintf(err, errlen, "suppressions '%s': larger than %u MiB", paths[i],
				 VIGIL_SUPP_FILE_MAX >> 20);
		else if (e)
			snprintf(err, errlen, "suppressions '%s': %s", paths[i], strerror(-e));
		else
			e = vigil_supp__parse(s, paths[i], buf, len, err, errlen);
		free(buf);
	}
	if (e) {
		vigil_supp__free(s);
		errno = -e;
		return NULL;
	}
	return s;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool glob_match(const char *pat, const char *s)
{
	return s && !fnmatch(pat, s, 0);
}

/* A path matches by itself or by its last component. */
static bool glob_path(const char *pat, const char *path)
{
	return path && (glob_match(pat, path) || glob_match(pat, base_name(path)));
}

static bool frame_matches(const char *pat, const char *function, const char *file,
			  const char *module)
{
	return glob_match(pat, function) || glob_path(pat, file) || glob_path(pat, module);
}

static bool rule_matches(const struct vigil_supp_rule *r, const struct vigil_finding *f)
{
	if (r->kind && r->kind != f->kind)
		return false;
	/* A bare '*' is the whole kind, findings without any frame included. */
	if (!strcmp(r->pattern, "*"))
		return true;
	for (size_t i = 0; i < f->nstacks; i++)
		for (size_t j = 0; j < f->stacks[i].nframes; j++) {
			const struct vigil_frame *fr = &f->stacks[i].frames[j];

			if (frame_matches(r->pattern, fr->function, fr->file, fr->module))
				return true;
		}
	return false;
}

long vigil_supp__match(const struct vigil_supp *s, const struct vigil_finding *f)
{
	for (size_t i = 0; i < s->n; i++)
		if (rule_matches(&s->rules[i], f))
			return (long)i;
	return -1;
}

static void reset_hits(struct vigil_supp *s)
{
	s->suppressed = 0;
	for (size_t i = 0; i < s->n; i++)
		s->rules[i].hits = 0;
}

size_t vigil_supp__apply(struct vigil_supp *s, struct vigil_report *r)
{
	size_t kept = 0;

	reset_hits(s);
	for (size_t i = 0; i < r->nfindings; i++) {
		long k = vigil_supp__match(s, &r->findings[i]);

		if (k >= 0) {
			s->rules[k].hits++;
			s->suppressed++;
		} else {
			r->findings[kept++] = r->findings[i];
		}
	}
	r->nfindings = kept;
	return (size_t)s->suppressed;
}

/* The same as rule_matches, on a finding of report.json; a kind this build does not
 * know (a newer writer) is matched by '*' rules only. */
static bool rule_matches_json(const struct vigil_supp_rule *r, int kind, const json_t *f)
{
	const json_t *st, *fr;
	size_t i, j;

	if (r->kind && (int)r->kind != kind)
		return false;
	if (!strcmp(r->pattern, "*"))
		return true;
	json_array_foreach(json_object_get(f, "stacks"), i, st)
		json_array_foreach(json_object_get(st, "frames"), j, fr)
			if (frame_matches(r->pattern, vigil_jstr(fr, "function"), vigil_jstr(fr, "file"),
					  vigil_jstr(fr, "module")))
				return true;
	return false;
}

static int json_kind(const json_t *f)
{
	const char *k = vigil_jstr(f, "kind");
	int kind = k ? kind_of(k, strlen(k)) : -1;

	/* "*" is no finding's kind: only '*' rules may match it. */
	return kind > 0 ? kind : -1;
}

int vigil_supp__apply_json(struct vigil_supp *s, json_t *report)
{
	json_t *findings = json_object_get(report, "findings");
	size_t i = 0;

	reset_hits(s);
	while (i < json_array_size(findings)) {
		const json_t *f = json_array_get(findings, i);
		int kind = json_kind(f);
		size_t k;

		for (k = 0; k < s->n && !rule_matches_json(&s->rules[k], kind, f); k++)
			;
		if (k == s->n) {
			i++;
			continue;
		}
		s->rules[k].hits++;
		s->suppressed++;
		if (json_array_remove(findings, i))
			return -ENOMEM;
	}
	return vigil_supp__record(s, report);
}

/* A JSON string of s, bytes that are no UTF-8 as '?' (a file name given in another
 * encoding). NULL when out of memory. */
static json_t *json_str(const char *s)
{
	json_t *j = json_string(s);
	char *copy;

	if (j)
		return j;
	copy = strdup(s);
	if (!copy)
		return NULL;
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

static json_t *rule_json(const struct vigil_supp_rule *r)
{
	json_t *o = json_object(), *file = json_str(r->file), *text = NULL;
	char *rule;

	if (asprintf(&rule, "%s:%s", kind_label(r->kind), r->pattern) >= 0) {
		text = json_string(rule);
		free(rule);
	}
	if (!o || !file || !text || json_object_set_new(o, "file", file) ||
	    json_object_set_new(o, "line", json_integer(r->line)) ||
	    json_object_set_new(o, "rule", text) ||
	    json_object_set_new(o, "hits", json_integer((json_int_t)r->hits))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int vigil_supp__record(const struct vigil_supp *s, json_t *report)
{
	json_t *run = json_object_get(report, "run"), *list, *prev;
	json_int_t before = 0;

	if (!json_is_object(run)) {
		run = json_object();
		if (json_object_set_new(report, "run", run))
			return -ENOMEM;
	}
	list = json_object_get(run, "suppressions");
	if (!json_is_array(list)) {
		list = json_array();
		if (json_object_set_new(run, "suppressions", list))
			return -ENOMEM;
	}
	for (size_t i = 0; i < s->n; i++)
		if (json_array_append_new(list, rule_json(&s->rules[i])))
			return -ENOMEM;
	prev = json_object_get(run, "suppressed");
	if (json_is_integer(prev) && json_integer_value(prev) > 0)
		before = json_integer_value(prev);
	if (json_object_set_new(run, "suppressed",
				json_integer(before + (json_int_t)s->suppressed)))
		return -ENOMEM;
	return 0;
}

/* Modules of the system (the C library, distribution packages): a frame in one is not
 * the program's own code. */
static bool system_module(const char *m)
{
	static const char *const dirs[] = {"/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/",
					   "/usr/libexec/"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strncmp(m, dirs[i], strlen(dirs[i])))
			return true;
	return false;
}

/* The program's own code: one of the run's executables, or a module outside the
 * system's library directories (a plugin the program ships). */
static bool own_module(const json_t *report, const char *m)
{
	const json_t *p;
	size_t i;

	if (!m)
		return false;
	json_array_foreach(json_object_get(report, "processes"), i, p)
		if (vigil_jstr(p, "exe") && !strcmp(vigil_jstr(p, "exe"), m))
			return true;
	return !system_module(m);
}

/* The C runtime every stack passes through: naming it would suppress too much. */
static bool runtime_module(const char *m)
{
	static const char *const names[] = {"libc.so", "libc-", "ld-linux", "ld64.so",
					    "libstdc++.so", "libgcc_s.so", "libm.so",
					    "libpthread.so", "libdl.so", "libc++.so",
					    "libvigil.so"};
	const char *b = base_name(m);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(b, names[i], strlen(names[i])))
			return true;
	return false;
}

/* Appends s to out with fnmatch's special characters escaped and control characters
 * as '?' (which matches them), cut at GEN_PATTERN_MAX bytes (whole characters) with a
 * '*' in place of the rest. */
static void append_escaped(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out);

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool special = strchr("*?[]\\", c) != NULL;
		size_t need = special ? 2 : 1;

		/* Never end inside a UTF-8 sequence: continue to the next lead byte. */
		if (n + need > GEN_PATTERN_MAX && (c & 0xc0) != 0x80) {
			out[n++] = '*';
			break;
		}
		if (n + need + 2 > cap)
			break;
		if (special)
			out[n++] = '\\';
		out[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[n] = '\0';
}

/* The stack a finding is about: its first one with frames. */
static const json_t *primary_frames(const json_t *f)
{
	const json_t *st;
	size_t i;

	json_array_foreach(json_object_get(f, "stacks"), i, st) {
		const json_t *frames = json_object_get(st, "frames");

		if (json_array_size(frames))
			return frames;
	}
	return NULL;
}

/* "libfontconfig.so.1.12.0" -> "libfontconfig.so*": any version of the library. */
static void module_pattern(char *out, size_t cap, const char *module)
{
	const char *b = base_name(module), *so = strstr(b, ".so");
	char stem[512];
	size_t n = so ? (size_t)(so + 3 - b) : 0;

	if (!so || (so[3] != '\0' && so[3] != '.') || n >= sizeof(stem)) {
		append_escaped(out, cap, b);
		return;
	}
	memcpy(stem, b, n);
	stem[n] = '\0';
	append_escaped(out, cap, stem);
	n = strlen(out);
	if (so[3] && n + 2 <= cap) {
		out[n] = '*';
		out[n + 1] = '\0';
	}
}

/* The most specific rule that still reads as intended: the top-most function of the
 * program's own code; else the library the stack starts in, past the C runtime; else
 * the top frame's module; else the whole kind (a finding with no stack). */
static void rule_for(const json_t *report, const json_t *f, const char *kind, char *out,
		     size_t cap)
{
	const json_t *frames = primary_frames(f), *fr;
	const char *first_module = NULL;
	size_t i;

	snprintf(out, cap, "%s:", kind);
	json_array_foreach(frames, i, fr) {
		const char *fn = vigil_jstr(fr, "function");

		if (fn && *fn && own_module(report, vigil_jstr(fr, "module"))) {
			append_escaped(out, cap, fn);
			return;
		}
	}
	json_array_foreach(frames, i, fr) {
		const char *m = vigil_jstr(fr, "module");

		if (!m || !*m)
			continue;
		if (!first_module)
			first_module = m;
		if (!runtime_module(m)) {
			module_pattern(out, cap, m);
			return;
		}
	}
	if (first_module)
		module_pattern(out, cap, first_module);
	else
		strcat(out, "*");
}

/* s on one line (control characters as spaces), cut to max bytes of whole
 * characters: a comment must stay one line of a valid file. */
static void put_flat(FILE *f, const char *s, size_t max)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
		if (n >= max && (*p & 0xc0) != 0x80) {
			fputs("...", f);
			break;
		}
		fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
	}
}

static void print_comment(FILE *f, const json_t *fd)
{
	const char *msg = vigil_jstr(fd, "message");

	fprintf(f, "# ");
	put_flat(f, vigil_jstr(fd, "kind") ? vigil_jstr(fd, "kind") : "?", 64);
	fputc(' ', f);
	put_flat(f, vigil_jstr(fd, "id") ? vigil_jstr(fd, "id") : "?", 64);
	if (msg) {
		fputs(": ", f);
		put_flat(f, msg, GEN_COMMENT_MAX);
	}
	fputc('\n', f);
}

/* One finding's proposed rule, and how many findings of the report it would match. */
struct gen {
	char *rule;
	struct vigil_supp_rule match; /* kind and pattern, into rule */
	size_t reach, at;
};

/* Fewer findings matched first: suppressions stop at the first matching rule, so a
 * specific rule ahead of a broad one (a bug in main itself next to one in a helper
 * main calls) keeps hits of its own. Ties in report order. */
static int by_reach(const void *a, const void *b)
{
	const struct gen *x = a, *y = b;

	if (x->reach != y->reach)
		return x->reach < y->reach ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

int vigil_supp__generate(const json_t *report, FILE *f)
{
	const json_t *findings = json_object_get(report, "findings"), *fd;
	size_t n = json_array_size(findings), ng = 0, i;
	struct gen *g = calloc(n + 1, sizeof(*g));
	char buf[GEN_PATTERN_MAX + 64];
	int err = 0;

	if (!g)
		return -ENOMEM;
	json_array_foreach(findings, i, fd) {
		int kind = json_kind(fd);

		if (kind < 0)
			continue;
		rule_for(report, fd, vigil_jstr(fd, "kind"), buf, sizeof(buf));
		g[ng].rule = strdup(buf);
		if (!g[ng].rule) {
			err = -ENOMEM;
			goto cleanup;
		}
		g[ng].match.kind = (unsigned)kind;
		g[ng].match.pattern = strchr(g[ng].rule, ':') + 1;
		g[ng++].at = i;
	}
	/* Quadratic in the findings of a kind: past GEN_ORDER_MAX, report order. */
	if (ng <= GEN_ORDER_MAX) {
		for (i = 0; i < ng; i++) {
			size_t j;

			json_array_foreach(findings, j, fd)
				g[i].reach += rule_matches_json(&g[i].match, json_kind(fd), fd);
		}
		qsort(g, ng, sizeof(*g), by_reach);
	}
	/* Each rule once, after the comments of every finding that gets it. */
	for (i = 0; i < ng; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(g[j].rule, g[i].rule);
		if (seen)
			continue;
		for (size_t j = i; j < ng; j++)
			if (!strcmp(g[j].rule, g[i].rule))
				print_comment(f, json_array_get(findings, g[j].at));
		fprintf(f, "%s\n", g[i].rule);
	}
	json_array_foreach(findings, i, fd)
		if (json_kind(fd) < 0) {
			print_comment(f, fd);
			fprintf(f, "# (a kind this vigil does not know: no rule)\n");
		}
	if (fflush(f) || ferror(f))
		err = errno ? -errno : -EIO;
cleanup:
	for (i = 0; i < ng; i++)
		free(g[i].rule);
	free(g);
	return err;
}

void vigil_supp__print_text(const json_t *report, FILE *f)
{
	const json_t *run = json_object_get(report, "run");
	const json_t *list = json_object_get(run, "suppressions"), *r;
	const json_t *sup = json_object_get(run, "suppressed");
	json_int_t total = json_is_integer(sup) ? json_integer_value(sup) : 0;
	size_t i;

	if (!json_is_array(list))
		return;
	fprintf(f, "\nsuppressions (%zu rule%s): %lld finding%s suppressed\n",
		json_array_size(list), json_array_size(list) == 1 ? "" : "s", (long long)total,
		total == 1 ? "" : "s");
	json_array_foreach(list, i, r) {
		const json_t *hits = json_object_get(r, "hits"), *line = json_object_get(r, "line");
		json_int_t h = json_is_integer(hits) ? json_integer_value(hits) : 0;

		fprintf(f, "    %s (%s:%lld): ", vigil_jstr(r, "rule") ? vigil_jstr(r, "rule") : "?",
			vigil_jstr(r, "file") ? vigil_jstr(r, "file") : "?",
			json_is_integer(line) ? (long long)json_integer_value(line) : 0ll);
		if (h)
			fprintf(f, "%lld hit%s\n", (long long)h, h == 1 ? "" : "s");
		else
			fprintf(f, "matched nothing\n");
	}
}

void vigil_supp__print_summary(const struct vigil_supp *s, FILE *f)
{
	size_t unmatched = 0, shown = 0;

	fprintf(f, "vigil: %" PRIu64 " finding%s suppressed", s->suppressed,
		s->suppressed == 1 ? "" : "s");
	for (size_t i = 0; i < s->n; i++) {
		const struct vigil_supp_rule *r = &s->rules[i];

		if (r->hits)
			continue;
		if (!unmatched++)
			fprintf(f, "; rules that matched nothing:");
		if (shown < SUMMARY_UNMATCHED) {
			fprintf(f, "%s ", shown ? "," : "");
			put_flat(f, r->file, 256);
			fprintf(f, ":%u %s:", r->line, kind_label(r->kind));
			put_flat(f, r->pattern, 64);
			shown++;
		}
	}
	if (unmatched > shown)
		fprintf(f, " and %zu more", unmatched - shown);
	fprintf(f, "\n");
}
