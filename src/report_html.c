// SPDX-License-Identifier: MIT
/* The HTML report, rendered in C from report.json so it reads without JavaScript: run
 * info, SVG charts of processes[].series (live heap, open descriptors), findings
 * grouped by severity in <details>. A small inline script adds filters. Every report
 * string goes through esc(); a Content-Security-Policy forbids any network access. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "jsonutil.h"
#include "report.h"
#include "report_html.h"
#include "report_text.h"

/* Chart geometry, in SVG user units. */
#define CH_W 720
#define CH_H 240
#define CH_LEFT 72
#define CH_RIGHT 16
#define CH_TOP 12
#define CH_BOTTOM 32
/* Points drawn with a marker and a hover title; longer lines are a bare polyline. */
#define CH_MARKERS_MAX 120
/* Findings shown open when the page has at most this many: small reports read at once. */
#define OPEN_MAX 10

static const char *const palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
};

/* Text or attribute value: quotes are escaped too, so one function serves both. */
static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* Any JSON value as text: strings as they are, the rest as compact JSON. */
static void esc_value(FILE *f, const json_t *v)
{
	char *s;

	if (json_is_string(v)) {
		esc(f, json_string_value(v));
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	esc(f, s ? s : "?");
	free(s);
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

/* ---- charts ---- */

/* One line of a chart: the points of a JSON array, read through field (an object
 * member of each point) or, when field is NULL, as [t_ms, value] pairs. */
struct line {
	const json_t *points;
	const char *field;
	char label[96];
};

static bool point(const struct line *l, size_t i, double *t, double *y)
{
	const json_t *p = json_array_get(l->points, i), *jt, *jy;

	if (l->field) {
		jt = json_object_get(p, "t_ms");
		jy = json_object_get(p, l->field);
	} else {
		jt = json_array_get(p, 0);
		jy = json_array_get(p, 1);
	}
	if (!json_is_number(jt) || !json_is_number(jy) || json_number_value(jt) < 0 ||
	    json_number_value(jy) < 0)
		return false;
	*t = json_number_value(jt);
	*y = json_number_value(jy);
	return true;
}

/* The smallest of 1, 2 or 5 times a power of ten (at least 1) that is at least v:
 * ticks on round numbers. */
static double nice(double v)
{
	double p = 1;

	while (p * 10 < v)
		p *= 10;
	return v <= p ? p : v <= 2 * p ? 2 * p : v <= 5 * p ? 5 * p : 10 * p;
}

/* Whole multiples of step up to v. */
static double round_up(double v, double step)
{
	double n = (double)(uint64_t)(v / step);

	return (n * step < v ? n + 1 : n) * step;
}

static void fmt_y(char *buf, size_t len, double v, bool bytes)
{
	if (bytes)
		vigil_format_bytes(buf, len, (uint64_t)v, true);
	else
		snprintf(buf, len, "%.0f", v);
}

static void fmt_t(char *buf, size_t len, double ms, double step)
{
	if (step < 1000)
		snprintf(buf, len, "%.0f ms", ms);
	else
		vigil_format_ms(buf, len, (uint64_t)ms, true);
}

/* A line chart with axes, ticks and a legend; nothing when no line has a point.
 * Times are since each process started, so the axis starts at 0. */
static void chart(FILE *f, const char *title, bool bytes, const struct line *lines, size_t n)
{
	double t0 = 0, t1 = 0, ymax = 0, t, y, ystep, tstep, unit = 1;
	const double pw = CH_W - CH_LEFT - CH_RIGHT, ph = CH_H - CH_TOP - CH_BOTTOM;
	size_t points = 0;
	char lab[48];

	for (size_t l = 0; l < n; l++)
		for (size_t i = 0; i < json_array_size(lines[l].points); i++)
			if (point(&lines[l], i, &t, &y)) {
				t1 = !points || t > t1 ? t : t1;
				ymax = y > ymax ? y : ymax;
				points++;
			}
	if (!points)
		return;
	if (t1 <= t0)
		t1 = t0 + 1;
	/* Byte ticks fall on round KiB/MiB/GiB, others on 1-2-5 steps. */
	while (bytes && ymax / unit >= 1024)
		unit *= 1024;
	ystep = nice(ymax / unit / 4) * unit;
	ymax = round_up(ymax > 0 ? ymax : 1, ystep);
	tstep = nice((t1 - t0) / 6);

	fprintf(f, "<figure class=\"chart\"><figcaption>");
	esc(f, title);
	fprintf(f, "</figcaption>\n<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
		   "aria-label=\"", CH_W, CH_H);
	esc(f, title);
	fprintf(f, "\">\n");
	for (double v = 0; v <= ymax + ystep / 2; v += ystep) {
		double py = CH_TOP + ph - v / ymax * ph;

		fmt_y(lab, sizeof(lab), v, bytes);
		fprintf(f, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
			   "<text class=\"ytick\" x=\"%d\" y=\"%.1f\">%s</text>\n",
			CH_LEFT, CH_W - CH_RIGHT, py, py, CH_LEFT - 6, py + 4, lab);
	}
	for (double v = round_up(t0, tstep); v <= t1; v += tstep) {
		double px = CH_LEFT + (v - t0) / (t1 - t0) * pw;

		fmt_t(lab, sizeof(lab), v, tstep);
		fprintf(f, "<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
			   "<text class=\"xtick\" x=\"%.1f\" y=\"%d\">%s</text>\n",
			px, px, CH_TOP + (int)ph, CH_TOP + (int)ph + 4, px, CH_H - 10, lab);
	}
	fprintf(f, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n", CH_LEFT,
		CH_W - CH_RIGHT, CH_TOP + (int)ph, CH_TOP + (int)ph);
	for (size_t l = 0; l < n; l++) {
		const char *color = palette[l % (sizeof(palette) / sizeof(palette[0]))];
		size_t np = json_array_size(lines[l].points), drawn = 0;

		fprintf(f, "<g class=\"series\" data-series=\"");
		esc(f, lines[l].label);
		fprintf(f, "\"><title>");
		esc(f, lines[l].label);
		fprintf(f, "</title><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
			   "points=\"", color);
		for (size_t i = 0; i < np; i++)
			if (point(&lines[l], i, &t, &y))
				fprintf(f, "%s%.1f,%.1f", drawn++ ? " " : "",
					CH_LEFT + (t - t0) / (t1 - t0) * pw, CH_TOP + ph - y / ymax * ph);
		fprintf(f, "\"/>\n");
		for (size_t i = 0; np <= CH_MARKERS_MAX && i < np; i++) {
			char tl[32];

			if (!point(&lines[l], i, &t, &y))
				continue;
			fmt_y(lab, sizeof(lab), y, bytes);
			fmt_t(tl, sizeof(tl), t, 0);
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>"
				   "%s: %s</title></circle>",
				CH_LEFT + (t - t0) / (t1 - t0) * pw, CH_TOP + ph - y / ymax * ph, color,
				tl, lab);
		}
		fprintf(f, "</g>\n");
	}
	fprintf(f, "</svg>\n<ul class=\"legend\">");
	for (size_t l = 0; l < n; l++) {
		fprintf(f, "<li><span class=\"swatch\" style=\"background:%s\"></span>",
			palette[l % (sizeof(palette) / sizeof(palette[0]))]);
		esc(f, lines[l].label);
		fprintf(f, "</li>");
	}
	fprintf(f, "</ul></figure>\n");
}

/* Live heap and descriptors over time, one line per process with a series. */
static int charts(FILE *f, const json_t *procs)
{
	struct line *heap = NULL, *fds = NULL;
	size_t n = 0, i;
	const json_t *p;

	json_array_foreach(procs, i, p)
		n += json_array_size(json_object_get(p, "series")) > 0;
	fprintf(f, "<section id=\"charts\"><h2>Live heap and descriptors</h2>\n");
	if (!n) {
		fprintf(f, "<p class=\"note\" id=\"no-series\">No time series in this report "
			   "(<code>processes[].series</code>): nothing to chart.</p>\n</section>\n");
		return 0;
	}
	heap = calloc(n, sizeof(*heap));
	fds = calloc(n, sizeof(*fds));
	if (!heap || !fds) {
		free(heap);
		free(fds);
		return -ENOMEM;
	}
	n = 0;
	json_array_foreach(procs, i, p) {
		const json_t *s = json_object_get(p, "series");
		json_int_t pid = 0;

		if (!json_array_size(s))
			continue;
		vigil_jint(p, "pid", &pid);
		heap[n] = (struct line){s, "heap_bytes", ""};
		snprintf(heap[n].label, sizeof(heap[n].label), "%lld %s", (long long)pid,
			 vigil_jstr(p, "exe") ? base_name(vigil_jstr(p, "exe")) : "?");
		fds[n] = heap[n];
		fds[n++].field = "fds";
	}
	chart(f, "Live heap (bytes)", true, heap, n);
	chart(f, "Open descriptors", false, fds, n);
	fprintf(f, "</section>\n");
	free(heap);
	free(fds);
	return 0;
}

/* ---- run ---- */

static void row(FILE *f, const char *key, const char *value)
{
	fprintf(f, "<tr><th>");
	esc(f, key);
	fprintf(f, "</th><td>");
	esc(f, value);
	fprintf(f, "</td></tr>\n");
}

static void status_text(const json_t *exit, char *buf, size_t len)
{
	json_int_t v;

	if (vigil_jint(exit, "code", &v))
		snprintf(buf, len, "exit code %lld", (long long)v);
	else if (vigil_jint(exit, "signal", &v))
		snprintf(buf, len, "killed by signal %lld", (long long)v);
	else if (json_is_true(json_object_get(exit, "exec")))
		snprintf(buf, len, "replaced by exec");
	else
		snprintf(buf, len, "exit status unknown");
}

/* Array of scalars as "a b c" (argv), or "a, b" (checks). */
static void join(FILE *f, const json_t *arr, const char *sep)
{
	const json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		if (i)
			fputs(sep, f);
		esc_value(f, v);
	}
}

static void run_section(FILE *f, const json_t *r)
{
	const json_t *run = json_object_get(r, "run"), *procs = json_object_get(r, "processes");
	const json_t *bpf = json_object_get(run, "bpf"), *cfg = json_object_get(run, "config");
	const json_t *v, *p;
	const char *k;
	char buf[64];
	size_t i;

	fprintf(f, "<section id=\"run\"><h2>Run</h2>\n<table class=\"kv\">\n");
	fprintf(f, "<tr><th>command</th><td><code>");
	join(f, json_object_get(run, "command"), " ");
	fprintf(f, "</code></td></tr>\n");
	row(f, "vigil", vigil_jstr(json_object_get(r, "tool"), "version"));
	row(f, "started", vigil_jstr(run, "started"));
	row(f, "ended", vigil_jstr(run, "ended"));
	row(f, "mode", vigil_jstr(run, "mode"));
	fprintf(f, "<tr><th>checks</th><td>");
	join(f, json_object_get(run, "checks"), ", ");
	fprintf(f, "</td></tr>\n");
	fprintf(f, "<tr><th>bpf</th><td>%s", json_is_true(json_object_get(bpf, "ran")) ? "on" :
									       "off");
	if (vigil_jstr(bpf, "reason")) {
		fprintf(f, ": ");
		esc(f, vigil_jstr(bpf, "reason"));
	}
	fprintf(f, "</td></tr>\n");
	status_text(json_object_get(run, "exit"), buf, sizeof(buf));
	row(f, "exit", buf);
	if (json_is_object(cfg)) {
		fprintf(f, "<tr><th>config</th><td>");
		i = 0;
		json_object_foreach((json_t *)cfg, k, v) {
			fprintf(f, "%s<code>", i++ ? " " : "");
			esc(f, k);
			fputc('=', f);
			esc_value(f, v);
			fprintf(f, "</code>");
		}
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
	if (json_array_size(procs)) {
		fprintf(f, "<table class=\"procs\"><thead><tr><th>pid</th><th>parent</th>"
			   "<th>executable</th><th>arguments</th><th>end</th></tr></thead><tbody>\n");
		json_array_foreach(procs, i, p) {
			json_int_t pid = 0, ppid = 0;

			vigil_jint(p, "pid", &pid);
			vigil_jint(p, "ppid", &ppid);
			status_text(json_object_get(p, "exit"), buf, sizeof(buf));
			fprintf(f, "<tr><td>%lld</td><td>%lld</td><td><code>", (long long)pid,
				(long long)ppid);
			esc(f, vigil_jstr(p, "exe"));
			fprintf(f, "</code></td><td><code>");
			join(f, json_object_get(p, "argv"), " ");
			fprintf(f, "</code></td><td>%s</td></tr>\n", buf);
		}
		fprintf(f, "</tbody></table>\n");
	}
	fprintf(f, "</section>\n");
}

/* ---- findings ---- */

static const struct {
	const char *name, *label, *one, *many;
} severities[] = {
	{"error", "ERROR", "error", "errors"},
	{"warning", "WARNING", "warning", "warnings"},
	{"info", "INFO", "note", "notes"},
};
#define NSEV (sizeof(severities) / sizeof(severities[0]))

/* Unknown or missing severities count as errors, as in the text report. */
static size_t severity_of(const json_t *fd)
{
	const char *s = vigil_jstr(fd, "severity");

	for (size_t i = 1; s && i < NSEV; i++)
		if (!strcmp(s, severities[i].name))
			return i;
	return 0;
}

static bool system_module(const char *mod)
{
	return mod && (!strncmp(mod, "/lib/", 5) || !strncmp(mod, "/lib64/", 7) ||
		       !strncmp(mod, "/usr/lib/", 9) || !strncmp(mod, "/usr/lib64/", 11));
}

static void frame(FILE *f, size_t n, const json_t *fr)
{
	const char *fn = vigil_jstr(fr, "function"), *file = vigil_jstr(fr, "file");
	const char *mod = vigil_jstr(fr, "module"), *off = vigil_jstr(fr, "offset");
	const char *pc = vigil_jstr(fr, "pc");
	json_int_t line = 0;

	fprintf(f, "<li%s><span class=\"n\">#%zu</span> <span class=\"pc\">",
		system_module(mod) ? " class=\"sys\"" : "", n);
	esc(f, pc ? pc : "0x0");
	fprintf(f, "</span>");
	if (fn) {
		fprintf(f, " in <span class=\"fn\">");
		esc(f, fn);
		fprintf(f, "</span>");
	}
	if (file) {
		fprintf(f, " <span class=\"file\">");
		esc(f, file);
		if (vigil_jint(fr, "line", &line) && line > 0)
			fprintf(f, ":%lld", (long long)line);
		fprintf(f, "</span>");
	}
	fprintf(f, " <span class=\"mod\">(");
	if (mod) {
		esc(f, mod);
		fputc('+', f);
		esc(f, off ? off : "?");
	} else {
		fputs("&lt;unknown module&gt;", f);
	}
	fprintf(f, ")</span>%s</li>\n",
		json_is_true(json_object_get(fr, "inlined")) ? " <em>[inlined]</em>" : "");
}

static void stacks(FILE *f, const json_t *fd)
{
	const json_t *pids = json_object_get(fd, "pids"), *st, *fr;
	char role[128];
	size_t i, j;

	json_array_foreach(json_object_get(fd, "stacks"), i, st) {
		const json_t *frames = json_object_get(st, "frames");

		vigil_text__role(st, pids, role, sizeof(role));
		fprintf(f, "<details class=\"stack\" open><summary>");
		esc(f, role);
		fprintf(f, "</summary><ol class=\"frames\">\n");
		if (!json_array_size(frames))
			fprintf(f, "<li class=\"none\">no stack</li>\n");
		json_array_foreach(frames, j, fr)
			frame(f, j, fr);
		fprintf(f, "</ol></details>\n");
	}
}

static void details(FILE *f, const json_t *fd)
{
	const json_t *d = json_object_get(fd, "details"), *v, *curve = NULL;
	const char *k;

	if (!json_is_object(d) || !json_object_size(d))
		return;
	fprintf(f, "<table class=\"kv details\">\n");
	json_object_foreach((json_t *)d, k, v) {
		if (!strcmp(k, "curve") && json_is_array(v)) {
			curve = v;
			continue;
		}
		fprintf(f, "<tr><th>");
		esc(f, k);
		fprintf(f, "</th><td>");
		esc_value(f, v);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
	if (curve) {
		struct line l = {curve, NULL, "live bytes from this site"};

		chart(f, "Growth of this allocation site", true, &l, 1);
	}
}

static void finding(FILE *f, const json_t *fd, bool open)
{
	const char *kind = vigil_jstr(fd, "kind"), *msg = vigil_jstr(fd, "message"), *why, *fix;
	const json_t *pids = json_object_get(fd, "pids");
	size_t sev = severity_of(fd);
	json_int_t count = 1;

	fprintf(f, "<details class=\"finding sev-%s\" data-kind=\"", severities[sev].name);
	esc(f, kind ? kind : "?");
	fprintf(f, "\" data-severity=\"%s\"%s><summary><span class=\"badge %s\">%s</span> "
		   "<span class=\"kind\">", severities[sev].name, open ? " open" : "",
		severities[sev].name, severities[sev].label);
	esc(f, kind ? kind : "?");
	fprintf(f, "</span> <span class=\"msg\">");
	esc(f, msg ? msg : (kind ? kind : "finding"));
	fprintf(f, "</span>");
	if (vigil_jint(fd, "count", &count) && count > 1 && !(kind && !strncmp(kind, "leak", 4)))
		fprintf(f, " <span class=\"count\">&times;%lld</span>", (long long)count);
	fprintf(f, "</summary>\n");
	if (!vigil_explain__kind(kind, &why, &fix)) {
		fprintf(f, "<p class=\"why\"><b>Why it matters:</b> ");
		esc(f, why);
		fprintf(f, "</p>\n<p class=\"fix\"><b>Usual fix:</b> ");
		esc(f, fix);
		fprintf(f, "</p>\n");
	}
	stacks(f, fd);
	details(f, fd);
	fprintf(f, "<p class=\"meta\">id <code>");
	esc(f, vigil_jstr(fd, "id") ? vigil_jstr(fd, "id") : "?");
	fprintf(f, "</code>");
	if (json_array_size(pids)) {
		fprintf(f, ", process%s ", json_array_size(pids) == 1 ? "" : "es");
		join(f, pids, ", ");
	}
	fprintf(f, "</p>\n</details>\n");
}

static void findings_section(FILE *f, const json_t *findings)
{
	size_t n[NSEV] = {0}, total = json_array_size(findings), i;
	const json_t *v;

	fprintf(f, "<section id=\"findings\"><h2>Findings</h2>\n"
		   "<div id=\"filters\" hidden></div>\n");
	if (!total)
		fprintf(f, "<p class=\"note\">No findings.</p>\n");
	json_array_foreach(findings, i, v)
		n[severity_of(v)]++;
	for (size_t s = 0; s < NSEV; s++) {
		if (!n[s])
			continue;
		fprintf(f, "<section class=\"group\" data-severity=\"%s\"><h3 class=\"%s\">%zu %s"
			   "</h3>\n", severities[s].name, severities[s].name, n[s],
			n[s] == 1 ? severities[s].one : severities[s].many);
		json_array_foreach(findings, i, v)
			if (severity_of(v) == s)
				finding(f, v, s == 0 && total <= OPEN_MAX);
		fprintf(f, "</section>\n");
	}
	fprintf(f, "</section>\n");
}

/* Kinds a summary table lists; a report with more (a foreign file) lists the first. */
#define SUMMARY_KINDS_MAX 128

/* The kinds at a glance, in report order: severity, how many, why it matters. */
static void summary_section(FILE *f, const json_t *findings)
{
	struct {
		const char *kind;
		size_t sev, count;
	} rows[SUMMARY_KINDS_MAX];
	size_t nrows = 0, i, r;
	const char *why, *fix;
	const json_t *v;

	fprintf(f, "<section id=\"summary\"><h2>Summary</h2>\n");
	if (!json_array_size(findings)) {
		fprintf(f, "<p class=\"ok\">No findings.</p></section>\n");
		return;
	}
	json_array_foreach(findings, i, v) {
		const char *kind = vigil_jstr(v, "kind") ? vigil_jstr(v, "kind") : "?";

		for (r = 0; r < nrows; r++)
			if (rows[r].sev == severity_of(v) && !strcmp(rows[r].kind, kind))
				break;
		if (r == nrows && nrows < SUMMARY_KINDS_MAX)
			rows[nrows++] = (typeof(rows[0])){kind, severity_of(v), 0};
		if (r < nrows)
			rows[r].count++;
	}
	fprintf(f, "<table class=\"kinds\"><thead><tr><th>kind</th><th>severity</th>"
		   "<th>findings</th><th>why it matters</th></tr></thead><tbody>\n");
	for (r = 0; r < nrows; r++) {
		fprintf(f, "<tr><td><code>");
		esc(f, rows[r].kind);
		fprintf(f, "</code></td><td><span class=\"badge %s\">%s</span></td><td>%zu</td>"
			   "<td>", severities[rows[r].sev].name, severities[rows[r].sev].label,
			rows[r].count);
		if (!vigil_explain__kind(rows[r].kind, &why, &fix))
			esc(f, why);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</tbody></table></section>\n");
}

static void pipes_section(FILE *f, const json_t *sites)
{
	const json_t *s, *fr;
	size_t i, j;

	if (!json_array_size(sites))
		return;
	fprintf(f, "<section id=\"pipes\"><h2>Broken pipes</h2>\n");
	json_array_foreach(sites, i, s) {
		const char *kind = vigil_jstr(s, "kind");
		json_int_t count = 0;

		vigil_jint(s, "count", &count);
		fprintf(f, "<details class=\"stack\"><summary>%lld %s, processes ", (long long)count,
			kind && !strcmp(kind, "sigpipe") ? "deaths by SIGPIPE" : "writes failed with EPIPE");
		join(f, json_object_get(s, "pids"), ", ");
		fprintf(f, "</summary><ol class=\"frames\">\n");
		json_array_foreach(json_object_get(s, "frames"), j, fr)
			frame(f, j, fr);
		fprintf(f, "</ol></details>\n");
	}
	fprintf(f, "</section>\n");
}

static void notes_section(FILE *f, const json_t *notes)
{
	const json_t *v;
	size_t i;

	if (!json_array_size(notes))
		return;
	fprintf(f, "<section id=\"notes\"><h2>Notes</h2><ul>\n");
	json_array_foreach(notes, i, v) {
		fprintf(f, "<li>");
		esc_value(f, v);
		fprintf(f, "</li>\n");
	}
	fprintf(f, "</ul></section>\n");
}

/* The document for the script. '<', '>' and '&' occur in JSON only inside strings,
 * where \u escapes mean the same: no "</script>" or "<!--" can end the element. */
static int embed_json(FILE *f, const json_t *r)
{
	char *s = json_dumps(r, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);

	if (!s)
		return -ENOMEM;
	fprintf(f, "<script type=\"application/json\" id=\"vigil-report\">");
	for (const char *p = s; *p; p++) {
		if (*p == '<')
			fputs("\\u003c", f);
		else if (*p == '>')
			fputs("\\u003e", f);
		else if (*p == '&')
			fputs("\\u0026", f);
		else
			fputc(*p, f);
	}
	fprintf(f, "</script>\n");
	free(s);
	return 0;
}

static const char style[] =
	":root{--err:#c62828;--warn:#b26a00;--info:#1565c0;--fg:#1d1d1f;--muted:#666;"
	"--bg:#fff;--panel:#f6f7f9;--line:#dde1e6}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--muted:#9aa;--bg:#16181c;"
	"--panel:#1f2228;--line:#333a44;--err:#ef5350;--warn:#ffb74d;--info:#64b5f6}}\n"
	"body{font:14px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);"
	"margin:0 auto;max-width:1100px;padding:16px 24px}\n"
	"h1{font-size:22px;margin:8px 0}h2{font-size:18px;border-bottom:1px solid var(--line);"
	"padding-bottom:4px;margin-top:28px}h3{font-size:15px}\n"
	"code,.frames{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}\n"
	"table{border-collapse:collapse;margin:8px 0}th,td{text-align:left;padding:3px 10px 3px 0;"
	"vertical-align:top}table.kv th{color:var(--muted);font-weight:normal;white-space:nowrap}\n"
	"table.procs td,table.procs th,table.kinds td,table.kinds th{border-bottom:1px solid "
	"var(--line);padding:4px 12px 4px 0}\n"
	".badge{display:inline-block;font-size:11px;font-weight:700;padding:1px 6px;"
	"border-radius:3px;color:#fff;letter-spacing:.03em}\n"
	".badge.error{background:var(--err)}.badge.warning{background:var(--warn)}"
	".badge.info{background:var(--info)}\n"
	"h3.error{color:var(--err)}h3.warning{color:var(--warn)}h3.info{color:var(--info)}\n"
	"details.finding{background:var(--panel);border:1px solid var(--line);border-left:4px "
	"solid var(--info);border-radius:4px;margin:8px 0;padding:6px 10px}\n"
	"details.finding.sev-error{border-left-color:var(--err)}"
	"details.finding.sev-warning{border-left-color:var(--warn)}\n"
	"details.finding>summary{cursor:pointer}.kind{font-family:ui-monospace,monospace;"
	"font-weight:700;margin-right:6px}.count{color:var(--muted)}\n"
	".why,.fix{margin:6px 0}.meta{color:var(--muted);font-size:12px}\n"
	"details.stack{margin:6px 0 6px 4px}details.stack>summary{cursor:pointer;"
	"color:var(--muted)}\n"
	"ol.frames{list-style:none;margin:4px 0;padding-left:14px}ol.frames li{white-space:"
	"pre-wrap;word-break:break-all}ol.frames li.sys{opacity:.55}\n"
	".fn{font-weight:700}.file{color:var(--info)}.mod,.pc,.n{color:var(--muted)}\n"
	"#filters{display:flex;gap:10px;flex-wrap:wrap;align-items:center;margin:8px 0}\n"
	"#filters input[type=search]{min-width:260px}\n"
	"figure.chart{margin:12px 0}figcaption{font-weight:600}svg.chart{width:100%;"
	"max-width:720px;height:auto;background:var(--panel);border-radius:4px}\n"
	"svg .grid{stroke:var(--line);stroke-width:1}svg .axis,svg .tick{stroke:var(--muted)}\n"
	"svg text{fill:var(--muted);font-size:11px}svg .ytick{text-anchor:end}"
	"svg .xtick{text-anchor:middle}\n"
	"ul.legend{list-style:none;padding:0;display:flex;gap:14px;flex-wrap:wrap;margin:4px 0}"
	".swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;"
	"vertical-align:-1px}\n"
	"table.kinds td:first-child{white-space:nowrap}table.details th,table.details td{"
	"padding:0 14px 0 0;font-size:13px}\n"
	".note{color:var(--muted)}.ok{color:#2e7d32}\n";

/* Filters over the rendered findings (kind, severity, text) and expand/collapse; the
 * kinds come from the embedded document, so a page whose markup and data disagree
 * says so. Strings reach the DOM only through textContent and option values. */
static const char script[] =
	"(function () {\n"
	"  'use strict';\n"
	"  var data = JSON.parse(document.getElementById('vigil-report').textContent);\n"
	"  var list = Array.isArray(data.findings) ? data.findings : [];\n"
	"  var items = Array.prototype.slice.call(document.querySelectorAll('details.finding'));\n"
	"  var bar = document.getElementById('filters');\n"
	"  if (!bar || !items.length) { document.body.setAttribute('data-ready', '1'); return; }\n"
	"  function el(tag, text) { var e = document.createElement(tag);\n"
	"    if (text !== undefined) e.textContent = text; return e; }\n"
	"  var counts = {};\n"
	"  list.forEach(function (f) { var k = String(f && f.kind);\n"
	"    counts[k] = (counts[k] || 0) + 1; });\n"
	"  var kind = el('select'); kind.setAttribute('aria-label', 'kind');\n"
	"  var all = el('option', 'all kinds (' + list.length + ')'); all.value = '';\n"
	"  kind.appendChild(all);\n"
	"  Object.keys(counts).sort().forEach(function (k) {\n"
	"    var o = el('option', k + ' (' + counts[k] + ')'); o.value = k; kind.appendChild(o); });\n"
	"  var sev = {};\n"
	"  var search = el('input'); search.type = 'search';\n"
	"  search.placeholder = 'filter: function, file, message';\n"
	"  search.setAttribute('aria-label', 'filter');\n"
	"  var status = el('span'); status.className = 'note'; status.id = 'filter-status';\n"
	"  bar.appendChild(kind);\n"
	"  ['error', 'warning', 'info'].forEach(function (s) {\n"
	"    var l = el('label'), c = el('input'); c.type = 'checkbox'; c.checked = true;\n"
	"    c.addEventListener('change', apply); sev[s] = c;\n"
	"    l.appendChild(c); l.appendChild(document.createTextNode(' ' + s)); bar.appendChild(l); });\n"
	"  bar.appendChild(search);\n"
	"  [['expand all', true], ['collapse all', false]].forEach(function (b) {\n"
	"    var btn = el('button', b[0]); btn.type = 'button';\n"
	"    btn.addEventListener('click', function () { items.forEach(function (d) {\n"
	"      if (!d.hidden) d.open = b[1]; }); });\n"
	"    bar.appendChild(btn); });\n"
	"  bar.appendChild(status);\n"
	"  function apply() {\n"
	"    var q = search.value.toLowerCase(), k = kind.value, shown = 0;\n"
	"    items.forEach(function (d) {\n"
	"      var s = d.getAttribute('data-severity');\n"
	"      var ok = (!k || d.getAttribute('data-kind') === k) && (!sev[s] || sev[s].checked) &&\n"
	"        (!q || d.textContent.toLowerCase().indexOf(q) >= 0);\n"
	"      d.hidden = !ok; if (ok) shown++; });\n"
	"    Array.prototype.forEach.call(document.querySelectorAll('section.group'), function (g) {\n"
	"      g.hidden = !g.querySelector('details.finding:not([hidden])'); });\n"
	"    status.textContent = 'showing ' + shown + ' of ' + items.length +\n"
	"      (items.length === list.length ? '' : ' (the embedded report has ' + list.length + ')');\n"
	"  }\n"
	"  kind.addEventListener('change', apply); search.addEventListener('input', apply);\n"
	"  bar.hidden = false; apply();\n"
	"  document.body.setAttribute('data-ready', '1');\n"
	"})();\n";

int vigil_html__render(const json_t *report, FILE *f)
{
	const json_t *run = json_object_get(report, "run");
	const json_t *findings = json_object_get(report, "findings");
	char counts[1024];
	int err;

	if (!json_is_array(findings))
		findings = NULL;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		   "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<title>vigil report: ");
	join(f, json_object_get(run, "command"), " ");
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>vigil report"
		   "</h1>\n<p><code>", style);
	join(f, json_object_get(run, "command"), " ");
	vigil_text__counts(report, counts, sizeof(counts));
	fprintf(f, "</code></p>\n<p id=\"counts\">");
	esc(f, counts);
	fprintf(f, "</p></header>\n");
	summary_section(f, findings);
	findings_section(f, findings);
	err = charts(f, json_object_get(report, "processes"));
	if (err)
		return err;
	pipes_section(f, json_object_get(json_object_get(report, "stats"), "pipe_sites"));
	run_section(f, report);
	notes_section(f, json_object_get(run, "notes"));
	err = embed_json(f, report);
	if (err)
		return err;
	fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", script);
	if (fflush(f) || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}
