// SPDX-License-Identifier: MIT
/* Text rendering of report.json, ASan-like: findings grouped by severity, a header
 * line per finding with why it matters and the usual fix, then each stack under a role
 * line, one "#N pc in function file:line (module+offset)" per frame. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"
#include "jsonutil.h"
#include "fileutil.h"
#include "report.h"
#include "report_text.h"
#include "suppress.h"

/* SGR sequences, written only when the reader is a terminal (vigil_text__want_color). */
#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_DIM "\033[2m"
#define SGR_RED "\033[1;31m"
#define SGR_GREEN "\033[32m"
#define SGR_YELLOW "\033[1;33m"
#define SGR_CYAN "\033[1;36m"

struct style {
	bool color;
};

/* s wrapped in sgr when colors are on, as is otherwise. */
static void paint(FILE *f, const struct style *st, const char *sgr, const char *s)
{
	if (st->color)
		fprintf(f, "%s%s" SGR_RESET, sgr, s);
	else
		fputs(s, f);
}

/* Points of a heap-growth curve on its one line: enough to see the shape. */
#define CURVE_SHOWN 8

static const json_t *jarr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_array(v) ? v : NULL;
}

static void print_status(FILE *f, const json_t *exit)
{
	json_int_t v;

	if (vigil_jint(exit, "code", &v))
		fprintf(f, "exit code %lld", (long long)v);
	else if (vigil_jint(exit, "signal", &v))
		fprintf(f, "killed by signal %lld", (long long)v);
	else if (json_is_true(json_object_get(exit, "exec")))
		fprintf(f, "replaced by exec");
	else
		fprintf(f, "exit status unknown");
}

/* "64 MiB", "4 KiB", "1000 bytes": sizes set as options are round. */
static void print_bytes(FILE *f, json_int_t v)
{
	static const char *const units[] = {"GiB", "MiB", "KiB"};

	for (int i = 0; i < 3; i++) {
		json_int_t u = (json_int_t)1 << (10 * (3 - i));

		if (v > 0 && v % u == 0) {
			fprintf(f, "%lld %s", (long long)(v / u), units[i]);
			return;
		}
	}
	fprintf(f, "%lld byte%s", (long long)v, v == 1 ? "" : "s");
}

/* What the run looked at, so a reader knows what "no finding" means: in canary mode
 * only sampled allocations have stacks and redzones. */
static bool has_check(const json_t *checks, const char *name)
{
	size_t i;
	const json_t *v;

	json_array_foreach(checks, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), name))
			return true;
	return false;
}

/* The settings that ran; the heap's only when the heap checks did. */
static void print_config(FILE *f, const json_t *cfg, bool heap)
{
	const char *mode = vigil_jstr(cfg, "mode"), *on_error = vigil_jstr(cfg, "on_error");
	json_int_t sample = 0, guard = 0, redzone = 0, quarantine = 0, growth = 0, deadlock = 0;
	bool has_redzone = vigil_jint(cfg, "redzone", &redzone);

	if (!json_is_object(cfg))
		return;
	fprintf(f, "mode %s", mode ? mode : "?");
	if (!heap) {
		if (vigil_jint(cfg, "deadlock_ms", &deadlock) && deadlock > 0)
			fprintf(f, ": deadlocks reported after %lld ms", (long long)deadlock);
		fprintf(f, "; heap checks off\n");
		return;
	}
	if (mode && !strcmp(mode, "canary") && vigil_jint(cfg, "sample_bytes", &sample)) {
		if (sample <= 1) {
			fprintf(f, ": every allocation sampled for stacks/");
		} else {
			fprintf(f, ": 1 allocation per ");
			print_bytes(f, sample);
			fprintf(f, " sampled for stacks/");
		}
		if (has_redzone)
			fprintf(f, "%lld-byte ", (long long)redzone);
		fprintf(f, "redzones");
	} else if (mode && !strcmp(mode, "full")) {
		fprintf(f, ": every allocation tracked with a stack");
		if (has_redzone)
			fprintf(f, " and a %lld-byte redzone", (long long)redzone);
	}
	if (vigil_jint(cfg, "guard_rate", &guard)) {
		if (guard <= 0)
			fprintf(f, ", no guard pages");
		else if (guard == 1)
			fprintf(f, ", every allocation on a guard page");
		else
			fprintf(f, ", 1 in %lld on guard pages", (long long)guard);
	}
	if (vigil_jint(cfg, "quarantine_bytes", &quarantine)) {
		fprintf(f, "; quarantine ");
		if (quarantine > 0)
			print_bytes(f, quarantine);
		else
			fprintf(f, "off");
	}
	if (vigil_jint(cfg, "growth_interval_ms", &growth) && growth > 0)
		fprintf(f, "; heap-growth sampled every %lld ms", (long long)growth);
	if (vigil_jint(cfg, "deadlock_ms", &deadlock) && deadlock > 0)
		fprintf(f, "; deadlocks reported after %lld ms", (long long)deadlock);
	if (on_error)
		fprintf(f, "; on error %s", on_error);
	fprintf(f, "\n");
}

static void print_header(FILE *f, const json_t *r)
{
	const json_t *run = json_object_get(r, "run"), *cmd = jarr(run, "command");
	const json_t *checks = jarr(run, "checks"), *procs = jarr(r, "processes");
	const json_t *tool = json_object_get(r, "tool"), *v;
	const char *s;
	size_t i;

	fprintf(f, "vigil %s report", vigil_jstr(tool, "version") ? vigil_jstr(tool, "version") : "?");
	if (cmd && json_array_size(cmd)) {
		fprintf(f, ":");
		json_array_foreach(cmd, i, v)
			fprintf(f, " %s", json_is_string(v) ? json_string_value(v) : "?");
	}
	fprintf(f, "\nrun: ");
	if ((s = vigil_jstr(run, "started")))
		fprintf(f, "started %s, ", s);
	if ((s = vigil_jstr(run, "ended")))
		fprintf(f, "ended %s, ", s);
	fprintf(f, "mode %s, checks ", vigil_jstr(run, "mode") ? vigil_jstr(run, "mode") : "?");
	if (!checks || !json_array_size(checks))
		fprintf(f, "none");
	json_array_foreach(checks, i, v)
		fprintf(f, "%s%s", i ? "," : "", json_is_string(v) ? json_string_value(v) : "?");
	fprintf(f, ", bpf %s, ",
		json_is_true(json_object_get(json_object_get(run, "bpf"), "ran")) ? "on" : "off");
	print_status(f, json_object_get(run, "exit"));
	fprintf(f, "\n");
	print_config(f, json_object_get(run, "config"), !json_is_array(checks) ||
							       has_check(checks, "heap"));
	json_array_foreach(procs, i, v) {
		json_int_t pid = 0, ppid = 0;

		vigil_jint(v, "pid", &pid);
		vigil_jint(v, "ppid", &ppid);
		fprintf(f, "process %lld (parent %lld) %s: ", (long long)pid, (long long)ppid,
			vigil_jstr(v, "exe") ? vigil_jstr(v, "exe") : "?");
		print_status(f, json_object_get(v, "exit"));
		fprintf(f, "\n");
	}
}

static bool has_pid(const json_t *pids, json_int_t tid)
{
	size_t i;
	const json_t *v;

	json_array_foreach(pids, i, v)
		if (json_is_integer(v) && json_integer_value(v) == tid)
			return true;
	return false;
}

static const struct {
	const char *role, *by_thread, *anonymous;
} role_lines[] = {
	{"allocation", "allocated by %s here:", "allocated here:"},
	{"free", "freed by %s here:", "freed here:"},
	{"first-free", "previously freed by %s here:", "previously freed here:"},
	{"crash", "crashed in %s here:", "crashed here:"},
	{"access", "accessed by %s here:", "accessed here:"},
	{"acquire", "locked by %s here:", "locked here:"},
	{"held", "while holding a lock %s took here:", "while holding a lock taken here:"},
	{"blocked", "%s is blocked here:", "blocked here:"},
	{"thread-create", "created by %s here:", "created here:"},
	{"call", "called by %s here:", "called here:"},
	{"other-call", "also called by %s here:", "also called here:"},
	{"handler", "in a signal handler of %s:", "in a signal handler:"},
	{"open", "opened by %s here:", "opened here:"},
	{"close", "closed by %s here:", "closed here:"},
};

void vigil_text__role(const json_t *st, const json_t *pids, char *buf, size_t len)
{
	const char *role = vigil_jstr(st, "role");
	const char *by_thread = "stack of %s:", *anonymous = "stack:";
	char who[64];
	json_int_t tid = 0;

	for (size_t i = 0; role && i < sizeof(role_lines) / sizeof(role_lines[0]); i++)
		if (!strcmp(role, role_lines[i].role)) {
			by_thread = role_lines[i].by_thread;
			anonymous = role_lines[i].anonymous;
		}
	/* tid 0: the writer did not know the thread (an exit-time leak scan). */
	if (!vigil_jint(st, "tid", &tid) || tid <= 0) {
		snprintf(buf, len, "%s", anonymous);
		return;
	}
	snprintf(who, sizeof(who), "thread %lld%s", (long long)tid,
		 has_pid(pids, tid) ? " (main)" : "");
	snprintf(buf, len, by_thread, who);
}

static void print_frame(FILE *f, const struct style *st, size_t n, const json_t *fr)
{
	const char *fn = vigil_jstr(fr, "function"), *file = vigil_jstr(fr, "file");
	const char *mod = vigil_jstr(fr, "module"), *off = vigil_jstr(fr, "offset");
	const char *pc = vigil_jstr(fr, "pc");
	json_int_t line = 0;

	fprintf(f, "    #%zu %s", n, pc ? pc : "0x0");
	if (fn) {
		fprintf(f, " in ");
		paint(f, st, SGR_BOLD, fn);
	}
	if (file) {
		fprintf(f, " %s", file);
		if (vigil_jint(fr, "line", &line) && line > 0)
			fprintf(f, ":%lld", (long long)line);
	}
	if (mod)
		fprintf(f, " (%s+%s)", mod, off ? off : "?");
	else
		fprintf(f, " (<unknown module>)");
	if (json_is_true(json_object_get(fr, "inlined")))
		fprintf(f, " [inlined]");
	fprintf(f, "\n");
}

/* One [t_ms, bytes] point of a curve; false when it is not one (a hand-edited file). */
static bool curve_point(const json_t *curve, size_t i, uint64_t *t, uint64_t *bytes)
{
	const json_t *p = json_array_get(curve, i), *jt, *jb;

	if (json_array_size(p) != 2)
		return false;
	jt = json_array_get(p, 0);
	jb = json_array_get(p, 1);
	if (!json_is_integer(jt) || !json_is_integer(jb) || json_integer_value(jt) < 0 ||
	    json_integer_value(jb) < 0)
		return false;
	*t = (uint64_t)json_integer_value(jt);
	*bytes = (uint64_t)json_integer_value(jb);
	return true;
}

/* "growth: 1.0s 64 KiB, 1.2s 260 KiB, 2.6s 1.9 MiB": up to CURVE_SHOWN points
 * evenly spaced over the samples, the first and the last always among them. Times are
 * since the process started, as sampled. Nothing when a point is malformed. */
static void print_curve(FILE *f, const json_t *curve)
{
	size_t n = json_array_size(curve), shown = n < CURVE_SHOWN ? n : CURVE_SHOWN;
	char t[32], b[32];
	uint64_t ms, bytes;

	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		if (!curve_point(curve, i, &ms, &bytes))
			return;
	fprintf(f, "growth:");
	for (size_t i = 0; i < shown; i++) {
		/* Nearest sample to i/(shown-1) of the way along. */
		size_t at = shown > 1 ? (2 * i * (n - 1) + shown - 1) / (2 * (shown - 1)) : 0;

		curve_point(curve, at, &ms, &bytes);
		fprintf(f, "%s%s %s", i ? ", " : " ", vigil_format_ms(t, sizeof(t), ms, true),
			vigil_format_bytes(b, sizeof(b), bytes, true));
	}
	fprintf(f, "\n");
}

/* The severity groups, most severe first. A finding whose severity is missing or
 * unknown (a hand-edited file) counts as an error, as it always did. */
static const struct {
	const char *name, *label, *one, *many, *sgr;
} severities[] = {
	{"error", "ERROR", "error", "errors", SGR_RED},
	{"warning", "WARNING", "warning", "warnings", SGR_YELLOW},
	{"info", "INFO", "note", "notes", SGR_CYAN},
};
#define NSEVERITIES (sizeof(severities) / sizeof(severities[0]))

static size_t severity_of(const json_t *fd)
{
	const char *sev = vigil_jstr(fd, "severity");

	for (size_t i = 1; sev && i < NSEVERITIES; i++)
		if (!strcmp(sev, severities[i].name))
			return i;
	return 0;
}

/* "why:" and "fix:" of the kind, when vigil knows it. */
static void print_explanation(FILE *f, const struct style *st, const char *kind)
{
	const char *why, *fix;

	if (vigil_explain__kind(kind, &why, &fix))
		return;
	paint(f, st, SGR_GREEN, "why:");
	fprintf(f, " %s\n", why);
	paint(f, st, SGR_GREEN, "fix:");
	fprintf(f, " %s\n", fix);
}

static void print_finding(FILE *f, const struct style *sty, const json_t *fd)
{
	const json_t *pids = jarr(fd, "pids"), *stacks = jarr(fd, "stacks"), *st, *v;
	const char *msg = vigil_jstr(fd, "message"), *kind = vigil_jstr(fd, "kind");
	size_t sev = severity_of(fd), i, j;
	json_int_t pid = 0, count = 1;
	char role[128];

	if (pids && json_array_size(pids))
		pid = json_integer_value(json_array_get(pids, 0));
	fprintf(f, "\n==%lld== ", (long long)pid);
	paint(f, sty, severities[sev].sgr, severities[sev].label);
	fprintf(f, ": vigil: ");
	paint(f, sty, SGR_BOLD, msg ? msg : (kind ? kind : "finding"));
	fprintf(f, "\n");
	print_explanation(f, sty, kind);
	json_array_foreach(stacks, i, st) {
		const json_t *frames = jarr(st, "frames");

		vigil_text__role(st, pids, role, sizeof(role));
		fprintf(f, "%s\n", role);
		if (!frames || !json_array_size(frames))
			fprintf(f, "    <no stack>\n");
		json_array_foreach(frames, j, v)
			print_frame(f, sty, j, v);
	}
	print_curve(f, jarr(json_object_get(fd, "details"), "curve"));
	/* A leak's count is its blocks, already in the message. */
	vigil_jint(fd, "count", &count);
	if (kind && !strncmp(kind, "leak", 4))
		count = 1;
	if (count > 1 || json_array_size(pids) > 1) {
		fprintf(f, "seen");
		if (count > 1)
			fprintf(f, " %lld times", (long long)count);
		if (json_array_size(pids) > 1) {
			fprintf(f, " in processes");
			json_array_foreach(pids, i, v)
				fprintf(f, "%s%lld", i ? ", " : " ",
					(long long)json_integer_value(v));
		}
		fprintf(f, "\n");
	}
	if (sty->color)
		fputs(SGR_DIM, f);
	fprintf(f, "kind: %s, id: %s", kind ? kind : "?",
		vigil_jstr(fd, "id") ? vigil_jstr(fd, "id") : "?");
	if (sty->color)
		fputs(SGR_RESET, f);
	fprintf(f, "\n");
}

/* The frame a reader looks for: the top one outside the C library (a SIGPIPE
 * death's stack starts inside its write), else the top one. */
static const json_t *site_frame(const json_t *frames)
{
	const json_t *fr;
	const char *mod, *base;
	size_t i;

	json_array_foreach(frames, i, fr) {
		mod = vigil_jstr(fr, "module");
		base = mod && strrchr(mod, '/') ? strrchr(mod, '/') + 1 : mod;
		if (!base || (strncmp(base, "libc.so", 7) && strncmp(base, "libc-", 5)))
			return fr;
	}
	return json_array_get(frames, 0);
}

/* "broken pipes:", one line per stats.pipe_sites entry: how many, where, which
 * processes. Nothing when there are none. */
static void print_pipe_sites(FILE *f, const json_t *sites)
{
	const json_t *s, *fr, *v;
	size_t i, j;

	if (!json_array_size(sites))
		return;
	fprintf(f, "\nbroken pipes:\n");
	json_array_foreach(sites, i, s) {
		const char *kind = vigil_jstr(s, "kind"), *fn, *file;
		const json_t *pids = jarr(s, "pids");
		json_int_t count = 0, line = 0;

		vigil_jint(s, "count", &count);
		if (kind && !strcmp(kind, "sigpipe"))
			fprintf(f, "    %lld process%s died of SIGPIPE", (long long)count,
				count == 1 ? "" : "es");
		else
			fprintf(f, "    %lld write%s failed with EPIPE", (long long)count,
				count == 1 ? "" : "s");
		fr = site_frame(jarr(s, "frames"));
		fn = vigil_jstr(fr, "function");
		file = vigil_jstr(fr, "file");
		if (fn || file)
			fprintf(f, " in %s", fn ? fn : "??");
		if (file) {
			fprintf(f, " %s", file);
			if (vigil_jint(fr, "line", &line) && line > 0)
				fprintf(f, ":%lld", (long long)line);
		} else if (vigil_jstr(fr, "module")) {
			fprintf(f, " (%s+%s)", vigil_jstr(fr, "module"),
				vigil_jstr(fr, "offset") ? vigil_jstr(fr, "offset") : "?");
		}
		if (json_array_size(pids))
			fprintf(f, " (process%s", json_array_size(pids) == 1 ? "" : "es");
		json_array_foreach(pids, j, v)
			fprintf(f, "%s%lld", j ? ", " : " ", (long long)json_integer_value(v));
		fprintf(f, "%s\n", json_array_size(pids) ? ")" : "");
	}
}

void vigil_text__counts(const json_t *report, char *buf, size_t len)
{
	const json_t *findings = jarr(report, "findings"), *fd;
	const char *kinds[64];
	size_t counts[64], nk = 0, i, total = json_array_size(findings);
	int n;

	if (!total) {
		snprintf(buf, len, "no findings");
		return;
	}
	/* Kinds in report order: the most severe come first. */
	json_array_foreach(findings, i, fd) {
		const char *k = vigil_jstr(fd, "kind");
		size_t j;

		if (!k)
			k = "?";
		for (j = 0; j < nk && strcmp(kinds[j], k); j++)
			;
		if (j == nk && nk < 64) {
			kinds[nk] = k;
			counts[nk++] = 0;
		}
		if (j < nk)
			counts[j]++;
	}
	n = snprintf(buf, len, "%zu finding%s (", total, total == 1 ? "" : "s");
	for (size_t j = 0; j < nk && n >= 0 && (size_t)n < len; j++)
		n += snprintf(buf + n, len - (size_t)n, "%s%s: %zu", j ? ", " : "", kinds[j],
			      counts[j]);
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ")");
}

/* "======== 2 errors ========" before each group that has findings, then the group's
 * findings in report order (collect.c ranks them by bytes and count within one). */
static void print_findings(FILE *f, const struct style *st, const json_t *findings)
{
	size_t n[NSEVERITIES] = {0}, i;
	const json_t *v;
	char head[64];

	json_array_foreach(findings, i, v)
		n[severity_of(v)]++;
	for (size_t s = 0; s < NSEVERITIES; s++) {
		if (!n[s])
			continue;
		snprintf(head, sizeof(head), "======== %zu %s ========", n[s],
			 n[s] == 1 ? severities[s].one : severities[s].many);
		fprintf(f, "\n");
		paint(f, st, severities[s].sgr, head);
		fprintf(f, "\n");
		json_array_foreach(findings, i, v)
			if (severity_of(v) == s)
				print_finding(f, st, v);
	}
}

bool vigil_text__want_color(FILE *f)
{
	return !getenv("NO_COLOR") && isatty(fileno(f));
}

void vigil_text__summary(const json_t *report, const char *txt_path, FILE *f, bool color)
{
	const json_t *findings = jarr(report, "findings"), *v;
	const char *sgr = SGR_GREEN;
	size_t worst = NSEVERITIES, i;
	char counts[1024];

	json_array_foreach(findings, i, v)
		if (severity_of(v) < worst)
			worst = severity_of(v);
	if (worst < NSEVERITIES)
		sgr = severities[worst].sgr;
	vigil_text__counts(report, counts, sizeof(counts));
	fprintf(f, "vigil: ");
	paint(f, &(struct style){color}, sgr, counts);
	fprintf(f, " - report: %s\n", txt_path);
}

int vigil_text__render_styled(const json_t *report, FILE *f, bool color)
{
	const json_t *notes, *v;
	const struct style st = {color};
	char counts[1024];
	size_t i;

	print_header(f, report);
	print_findings(f, &st, jarr(report, "findings"));
	print_pipe_sites(f, jarr(json_object_get(report, "stats"), "pipe_sites"));
	vigil_supp__print_text(report, f);
	vigil_text__counts(report, counts, sizeof(counts));
	fprintf(f, "\n");
	paint(f, &st, SGR_BOLD, "SUMMARY:");
	fprintf(f, " vigil: %s\n", counts);
	notes = jarr(json_object_get(report, "run"), "notes");
	json_array_foreach(notes, i, v)
		fprintf(f, "note: %s\n", json_is_string(v) ? json_string_value(v) : "?");
	if (fflush(f) || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

int vigil_text__render(const json_t *report, FILE *f)
{
	return vigil_text__render_styled(report, f, false);
}

static int render_text(FILE *f, const void *ctx)
{
	return vigil_text__render(ctx, f);
}

int vigil_text__write_atomic(const json_t *report, const char *path)
{
	return vigil_file__write_atomic(path, render_text, report);
}
