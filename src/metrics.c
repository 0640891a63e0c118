// SPDX-License-Identifier: MIT
/* Prometheus text exposition of a report: every family is written with its HELP and
 * TYPE lines even when it has no sample yet, so that a dashboard finds the names
 * from the first scrape; samples of one family stay together and sorted, as the
 * format and promtool require. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fileutil.h"
#include "metrics.h"
#include "syscalls.h"

/* A sample with two labels, summed over what shares them. */
struct row {
	char a[64], b[64];
	uint64_t v, w;
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static int add_row(struct rows *rs, const char *a, const char *b, uint64_t v, uint64_t w)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->v[i].a, a) && !strcmp(rs->v[i].b, b)) {
			rs->v[i].v += v;
			rs->v[i].w += w;
			return 0;
		}
	if (vigil_array__grow((void **)&rs->v, &rs->cap, rs->n, sizeof(*rs->v)))
		return -ENOMEM;
	snprintf(rs->v[rs->n].a, sizeof(rs->v[rs->n].a), "%s", a);
	snprintf(rs->v[rs->n].b, sizeof(rs->v[rs->n].b), "%s", b);
	rs->v[rs->n].v = v;
	rs->v[rs->n].w = w;
	rs->n++;
	return 0;
}

static int cmp_row(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	int c = strcmp(a->a, b->a);

	return c ? c : strcmp(a->b, b->b);
}

/* A count of report.json: an integer, or the decimal text of one past 2^63. */
static uint64_t count_of(const json_t *j)
{
	if (json_is_integer(j))
		return json_integer_value(j) > 0 ? (uint64_t)json_integer_value(j) : 0;
	if (json_is_string(j))
		return strtoull(json_string_value(j), NULL, 10);
	return 0;
}

static const char *str_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "unknown";
}

/* A label value with the format's three escapes. */
static void label(FILE *f, const char *name, const char *v)
{
	fprintf(f, "%s=\"", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void rows_out(FILE *f, const char *name, const char *la, const char *lb,
		     const struct rows *rs, bool second)
{
	for (size_t i = 0; i < rs->n; i++) {
		fprintf(f, "%s{", name);
		label(f, la, rs->v[i].a);
		fputc(',', f);
		label(f, lb, rs->v[i].b);
		fprintf(f, "} %" PRIu64 "\n", second ? rs->v[i].w : rs->v[i].v);
	}
}

static bool running(const json_t *p, const struct vigil_metrics_live *live)
{
	const json_t *exit = json_object_get(p, "exit");
	json_int_t pid = json_integer_value(json_object_get(p, "pid"));

	if (exit && !json_is_null(exit))
		return false;
	return !live || !live->alive || live->alive((uint32_t)pid);
}

static bool replaced(const json_t *p)
{
	return json_is_true(json_object_get(json_object_get(p, "exit"), "exec"));
}

/* Sum of the last known value of key in the series of the processes running, or,
 * when none runs any more, of every process image exec did not replace (their values
 * at exit). false when no such process knew it. */
static bool last_sum(const json_t *procs, const char *key, const struct vigil_metrics_live *live,
		     uint64_t *out)
{
	bool any_running = false, known = false;
	const json_t *p;
	size_t i;

	json_array_foreach(procs, i, p)
		any_running |= running(p, live);
	*out = 0;
	json_array_foreach(procs, i, p) {
		const json_t *series = json_object_get(p, "series"), *v;
		size_t n = json_array_size(series);

		if (any_running ? !running(p, live) : replaced(p))
			continue;
		for (size_t k = n; k-- > 0;) {
			v = json_object_get(json_array_get(series, k), key);
			if (json_is_integer(v)) {
				*out += count_of(v);
				known = true;
				break;
			}
		}
	}
	return known;
}

static int syscall_rows(struct rows *rs, const json_t *procs,
			const struct vigil_metrics_live *live)
{
	const json_t *p, *s, *errs, *v;
	const char *name;
	size_t i, k;

	if (live && live->bpf) {
		for (i = 0; i < live->nerrs; i++) {
			char nr[32], err[32];
			const struct vigil_metrics_errcount *e = &live->errs[i];

			snprintf(nr, sizeof(nr), "syscall_%u", e->nr);
			snprintf(err, sizeof(err), "%u", e->err);
			if (add_row(rs, vigil_syscall_name(e->nr) ? vigil_syscall_name(e->nr) : nr,
				    vigil_errno_name(e->err) ? vigil_errno_name(e->err) : err,
				    e->count, 0))
				return -ENOMEM;
		}
		return 0;
	}
	json_array_foreach(procs, i, p) {
		json_array_foreach(json_object_get(json_object_get(p, "stats"), "syscalls"), k, s) {
			errs = json_object_get(s, "errors");
			json_object_foreach((json_t *)errs, name, v)
				if (add_row(rs, str_of(s, "syscall"), name, count_of(v), 0))
					return -ENOMEM;
		}
	}
	return 0;
}

int vigil_metrics__render(FILE *f, const json_t *report, const struct vigil_metrics_live *live)
{
	const json_t *procs = json_object_get(report, "processes"), *x;
	const json_t *bpf = json_object_get(json_object_get(report, "run"), "bpf");
	struct rows findings = {0}, sys = {0};
	uint64_t v, nrunning = 0;
	int err = 0;
	size_t i;

	json_array_foreach(json_object_get(report, "findings"), i, x)
		if (add_row(&findings, str_of(x, "kind"), str_of(x, "severity"), 1,
			    count_of(json_object_get(x, "count")))) {
			err = -ENOMEM;
			goto cleanup;
		}
	err = syscall_rows(&sys, procs, live);
	if (err)
		goto cleanup;
	qsort(findings.v, findings.n, sizeof(*findings.v), cmp_row);
	qsort(sys.v, sys.n, sizeof(*sys.v), cmp_row);

	family(f, "vigil_running", "gauge",
	       "Whether the program vigil run watches is still running (0 in the final file).");
	fprintf(f, "vigil_running %d\n", live && live->running);
	family(f, "vigil_findings_total", "counter",
	       "Distinct findings reported so far, by kind and severity.");
	rows_out(f, "vigil_findings_total", "kind", "severity", &findings, false);
	family(f, "vigil_finding_occurrences_total", "counter",
	       "Occurrences folded into the findings reported so far, by kind and severity.");
	rows_out(f, "vigil_finding_occurrences_total", "kind", "severity", &findings, true);
	family(f, "vigil_live_heap_bytes", "gauge",
	       "Live heap bytes of the running processes at their last sample (in canary "
	       "mode, of the sampled allocations only).");
	if (last_sum(procs, "heap_bytes", live, &v))
		fprintf(f, "vigil_live_heap_bytes %" PRIu64 "\n", v);
	family(f, "vigil_open_fds", "gauge",
	       "Descriptors open in the running processes at their last sample.");
	if (last_sum(procs, "fds", live, &v))
		fprintf(f, "vigil_open_fds %" PRIu64 "\n", v);
	json_array_foreach(procs, i, x)
		nrunning += running(x, live);
	family(f, "vigil_processes", "gauge", "Processes of the program's tree running now.");
	fprintf(f, "vigil_processes %" PRIu64 "\n", nrunning);
	family(f, "vigil_processes_started_total", "counter",
	       "Process images of the program's tree seen so far (each exec starts one).");
	fprintf(f, "vigil_processes_started_total %zu\n", json_array_size(procs));
	family(f, "vigil_syscall_errors_total", "counter",
	       "Failed system calls, by syscall and errno, as the kernel counted them (BPF).");
	rows_out(f, "vigil_syscall_errors_total", "syscall", "errno", &sys, false);
	family(f, "vigil_bpf_ringbuf_drops_total", "counter",
	       "BPF events lost because the ring buffer was full.");
	if (live && live->bpf)
		fprintf(f, "vigil_bpf_ringbuf_drops_total %" PRIu64 "\n", live->ringbuf_drops);
	else if (json_is_true(json_object_get(bpf, "ran")))
		fprintf(f, "vigil_bpf_ringbuf_drops_total %" PRIu64 "\n",
			count_of(json_object_get(bpf, "ringbuf_drops")));
	if (ferror(f))
		err = -EIO;
cleanup:
	free(findings.v);
	free(sys.v);
	return err;
}

struct render_ctx {
	const json_t *report;
	const struct vigil_metrics_live *live;
};

static int render(FILE *f, const void *arg)
{
	const struct render_ctx *c = arg;

	return vigil_metrics__render(f, c->report, c->live);
}

int vigil_metrics__write(const char *path, const json_t *report,
			 const struct vigil_metrics_live *live)
{
	struct render_ctx c = {report, live};

	/* node_exporter's textfile collector runs as a user of its own. */
	return vigil_file__write_atomic_mode(path, 0644, render, &c);
}
