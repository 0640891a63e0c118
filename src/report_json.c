// SPDX-License-Identifier: MIT
/* report.json writer and reader. Addresses are hex strings (JSON numbers lose
 * precision past 2^53); strings from the target that are not UTF-8 (paths, argv)
 * get '?' for each byte that does not fit, since JSON cannot carry them. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/bpf_event.h"
#include "cli.h"
#include "fileutil.h"
#include "report_json.h"
#include "syscalls.h"

struct builder {
	bool ok;
};

static json_t *str(const char *s)
{
	json_t *j;
	char *copy;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	copy = strdup(s);
	if (!copy)
		return NULL;
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

static json_t *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	return json_string(buf);
}

/* jansson's integers are signed 64-bit: a larger value (a negative size passed to
 * malloc, say) is written as its decimal text rather than clamped to a wrong one. */
static json_t *num(uint64_t v)
{
	char buf[24];

	if (v <= (uint64_t)LLONG_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

static json_t *iso_time(int64_t t)
{
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < 0 || !gmtime_r(&tt, &tm))
		return json_null();
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

static void set(struct builder *b, json_t *o, const char *k, json_t *v)
{
	if (!o || json_object_set_new(o, k, v))
		b->ok = false;
}

static void push(struct builder *b, json_t *a, json_t *v)
{
	if (!a || json_array_append_new(a, v))
		b->ok = false;
}

static json_t *status(struct vigil_status st)
{
	switch (st.kind) {
	case VIGIL_STATUS_CODE:
		return json_pack("{s:i}", "code", st.value);
	case VIGIL_STATUS_SIGNAL:
		return json_pack("{s:i}", "signal", st.value);
	case VIGIL_STATUS_EXEC:
		return json_pack("{s:b}", "exec", 1);
	case VIGIL_STATUS_UNKNOWN:
		break;
	}
	return json_null();
}

static json_t *strings(struct builder *b, const char *const *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		push(b, a, str(v[i]));
	return a;
}

static json_t *checks(struct builder *b, unsigned mask)
{
	json_t *a = json_array();

	for (unsigned c = 0; c < VIGIL_CHECK_MAX; c++)
		if (mask & (1u << c))
			push(b, a, json_string(vigil_check_name(c)));
	return a;
}

static json_t *counters(struct builder *b, const uint64_t *v, vigil_keyset set_mask)
{
	json_t *o = json_object();

	for (unsigned k = 0; k < VIGIL_KEY_MAX; k++)
		if (set_mask & (VIGIL_KEYBIT(k)))
			set(b, o, vigil_key_name(k), num(v[k]));
	return o;
}

static json_t *frame(struct builder *b, const struct vigil_frame *f)
{
	json_t *o = json_object();

	set(b, o, "pc", hex(f->pc));
	set(b, o, "module", str(f->module));
	set(b, o, "offset", f->module ? hex(f->offset) : json_null());
	set(b, o, "function", str(f->function));
	set(b, o, "file", str(f->file));
	set(b, o, "line", f->line ? json_integer(f->line) : json_null());
	if (f->inlined)
		set(b, o, "inlined", json_true());
	return o;
}

static json_t *stack(struct builder *b, const struct vigil_stack *s)
{
	json_t *o = json_object(), *frames = json_array();
	const char *role = vigil_role_name(s->role);

	set(b, o, "role", json_string(role ? role : "unknown"));
	set(b, o, "tid", json_integer(s->tid));
	for (size_t i = 0; i < s->nframes; i++)
		push(b, frames, frame(b, &s->frames[i]));
	set(b, o, "frames", frames);
	return o;
}

/* [t_ms, bytes]: pairs keep a curve of VIGIL_CURVE_MAX points short. */
static json_t *point(struct builder *b, const struct vigil_point *p)
{
	json_t *a = json_array();

	push(b, a, num(p->t_ms));
	push(b, a, num(p->bytes));
	return a;
}

/* "0666": file mode bits the way chmod(1) and ls(1) users read them. */
static json_t *octal(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0%03" PRIo64, v);
	return json_string(buf);
}

/* The curve, when there is one, is "curve": [[t_ms, bytes], ...]; the series keys it
 * came from are not details of their own. The text is named for what it is in the
 * finding's kind ("command", "path", "format"). */
static json_t *details(struct builder *b, const struct vigil_finding *f)
{
	json_t *o = json_object();

	if (f->text)
		set(b, o, vigil_text_name(f->kind), str(f->text));
	if (f->lock_name)
		set(b, o, "lock", str(f->lock_name));
	if (f->other_lock_name)
		set(b, o, "other_lock", str(f->other_lock_name));

	for (unsigned k = 0; k < VIGIL_KEY_MAX; k++) {
		uint64_t v = f->details[k];

		if (!(f->details_set & (VIGIL_KEYBIT(k))))
			continue;
		if (k == VIGIL_KEY_FAULT_ADDR || k == VIGIL_KEY_ADDR || k == VIGIL_KEY_BLOCK_ADDR ||
		    k == VIGIL_KEY_OTHER_ADDR || k == VIGIL_KEY_FLAGS)
			set(b, o, vigil_key_name(k), hex(v));
		else if (k == VIGIL_KEY_MODE || k == VIGIL_KEY_UMASK)
			set(b, o, vigil_key_name(k), octal(v));
		else if (k == VIGIL_KEY_SI_CODE || k == VIGIL_KEY_OFFSET)
			/* Signed in the target (SI_TKILL is -6, an underflow a negative
			 * offset), stored sign-extended. */
			set(b, o, vigil_key_name(k), json_integer((json_int_t)(int64_t)v));
		else if (k == VIGIL_KEY_SINGLE_THREAD || k == VIGIL_KEY_ERRNO_CLOBBERED)
			set(b, o, vigil_key_name(k), json_boolean(v != 0));
		else if (k == VIGIL_KEY_SYSCALL && vigil_syscall_name((unsigned)v))
			set(b, o, vigil_key_name(k), json_string(vigil_syscall_name((unsigned)v)));
		else if (k == VIGIL_KEY_ERRNO && vigil_errno_name((unsigned)v))
			set(b, o, vigil_key_name(k), json_string(vigil_errno_name((unsigned)v)));
		else if (vigil_key_value_name(k, v))
			set(b, o, vigil_key_name(k), json_string(vigil_key_value_name(k, v)));
		else
			set(b, o, vigil_key_name(k), num(v));
	}
	if (f->ncurve) {
		json_t *curve = json_array();

		for (size_t i = 0; i < f->ncurve; i++)
			push(b, curve, point(b, &f->curve[i]));
		set(b, o, "curve", curve);
	}
	return o;
}

/* run.config: what the root process ran with, so a reader knows what "no finding"
 * covers. null when no process wrote its config. */
static json_t *config(struct builder *b, const struct vigil_report *r)
{
	json_t *o;

	if (!r->config_set)
		return json_null();
	o = json_object();
	for (unsigned k = 0; k < VIGIL_KEY_MAX; k++) {
		uint64_t v = r->config[k];

		if (!(r->config_set & (VIGIL_KEYBIT(k))))
			continue;
		if (k == VIGIL_KEY_CFG_MODE && v <= VIGIL_MODE_CANARY)
			set(b, o, vigil_key_name(k),
			    json_string(v == VIGIL_MODE_CANARY ? "canary" : "full"));
		else if (k == VIGIL_KEY_CFG_ON_ERROR_ABORT)
			set(b, o, "on_error", json_string(v ? "abort" : "continue"));
		else
			set(b, o, vigil_key_name(k), num(v));
	}
	return o;
}

static json_t *finding(struct builder *b, const struct vigil_finding *f)
{
	json_t *o = json_object(), *pids = json_array(), *stacks = json_array();
	char msg[512];

	vigil_finding__message(f, msg, sizeof(msg));
	set(b, o, "id", json_string(f->id));
	set(b, o, "fingerprint", json_string(f->fingerprint));
	set(b, o, "kind", json_string(vigil_kind_name(f->kind)));
	set(b, o, "severity", json_string(vigil_severity_name(f->severity)));
	set(b, o, "count", num(f->count));
	for (size_t i = 0; i < f->npids; i++)
		push(b, pids, json_integer(f->pids[i]));
	set(b, o, "pids", pids);
	set(b, o, "message", str(msg));
	for (size_t i = 0; i < f->nstacks; i++)
		push(b, stacks, stack(b, &f->stacks[i]));
	set(b, o, "stacks", stacks);
	set(b, o, "details", details(b, f));
	return o;
}

/* stats.pipe_sites: each stack that wrote into a broken pipe, as "epipe" (the write
 * failed with EPIPE) or "sigpipe" (the process died of SIGPIPE in it). */
static json_t *pipe_sites(struct builder *b, const struct vigil_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nsites; i++) {
		const struct vigil_stat_site *s = &r->sites[i];
		json_t *o, *pids = json_array(), *frames = json_array();

		if (s->key != VIGIL_KEY_EPIPE && s->key != VIGIL_KEY_SIGPIPE_DEATHS)
			continue;
		o = json_object();
		set(b, o, "kind", json_string(s->key == VIGIL_KEY_EPIPE ? "epipe" : "sigpipe"));
		set(b, o, "count", num(s->count));
		for (size_t j = 0; j < s->npids; j++)
			push(b, pids, json_integer(s->pids[j]));
		set(b, o, "pids", pids);
		for (size_t j = 0; j < s->stack.nframes; j++)
			push(b, frames, frame(b, &s->stack.frames[j]));
		set(b, o, "frames", frames);
		push(b, a, o);
	}
	return a;
}

static json_t *syscall_key(unsigned nr)
{
	char buf[32];

	if (vigil_syscall_name(nr))
		return json_string(vigil_syscall_name(nr));
	snprintf(buf, sizeof(buf), "syscall_%u", nr);
	return json_string(buf);
}

/* stats.syscalls of a process: [{"syscall", "calls", "errors": {"ENOENT": n}}], the
 * most called first. */
static json_t *syscall_table(struct builder *b, const struct vigil_process *p)
{
	json_t *a = json_array();
	size_t n = 0;
	struct row {
		unsigned nr;
		uint64_t calls;
	} *rows = calloc(p->nsysrows + 1, sizeof(*rows));

	if (!rows) {
		b->ok = false;
		return a;
	}
	for (size_t i = 0; i < p->nsysrows; i++)
		if (!p->sysrows[i].err)
			rows[n++] = (struct row){p->sysrows[i].nr, p->sysrows[i].count};
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && rows[j].calls > rows[j - 1].calls; j--) {
			struct row t = rows[j];

			rows[j] = rows[j - 1];
			rows[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object(), *errs = json_object();

		set(b, o, "syscall", syscall_key(rows[i].nr));
		set(b, o, "calls", num(rows[i].calls));
		for (size_t k = 0; k < p->nsysrows; k++) {
			const struct vigil_rec_sysrow *e = &p->sysrows[k];
			char name[16];

			if (e->nr != rows[i].nr || !e->err)
				continue;
			if (!vigil_errno_name(e->err))
				snprintf(name, sizeof(name), "%u", e->err);
			set(b, errs, vigil_errno_name(e->err) ? vigil_errno_name(e->err) : name,
			    num(e->count));
		}
		set(b, o, "errors", errs);
		push(b, a, o);
	}
	free(rows);
	return a;
}

/* stats.syscall_latency: per syscall, the calls timed (a sample) and log2 buckets of
 * ns with the median and 99th percentile as bucket upper edges. */
static json_t *latency(struct builder *b, const struct vigil_report *r)
{
	json_t *o = json_object();

	for (size_t i = 0; i < r->nsyslat; i++) {
		const struct vigil_syslat *l = &r->syslat[i];
		json_t *e = json_object(), *buckets = json_array();
		uint64_t total = 0, acc = 0, p50 = 0, p99 = 0;
		char name[32];
		unsigned last = 0;

		for (unsigned k = 0; k < 64; k++) {
			total += l->buckets[k];
			if (l->buckets[k])
				last = k;
		}
		for (unsigned k = 0; k < 64 && total; k++) {
			acc += l->buckets[k];
			if (!p50 && acc * 2 >= total)
				p50 = 2ull << k;
			if (!p99 && acc * 100 >= total * 99)
				p99 = 2ull << k;
		}
		for (unsigned k = 0; k <= last; k++)
			push(b, buckets, num(l->buckets[k]));
		/* The fine clock times one call in VIGIL_BPF_FINE_EVERY per CPU. */
		set(b, e, "timed_calls", num(total));
		set(b, e, "sampled_one_in", num(VIGIL_BPF_FINE_EVERY));
		set(b, e, "p50_ns_under", num(p50));
		set(b, e, "p99_ns_under", num(p99));
		set(b, e, "log2_ns", buckets);
		if (vigil_syscall_name(l->nr))
			snprintf(name, sizeof(name), "%s", vigil_syscall_name(l->nr));
		else
			snprintf(name, sizeof(name), "syscall_%u", l->nr);
		set(b, o, name, e);
	}
	return o;
}

static json_t *bpf_info(struct builder *b, const struct vigil_report *r)
{
	json_t *o = json_object(), *probes = json_array();

	set(b, o, "ran", json_boolean(r->bpf));
	if (!r->bpf && r->bpf_off)
		set(b, o, "reason", str(r->bpf_off));
	for (size_t i = 0; r->bpf && r->bpf_probes && r->bpf_probes[i]; i++)
		push(b, probes, json_string(r->bpf_probes[i]));
	if (r->bpf && r->bpf_probes)
		set(b, o, "probes", probes);
	else
		json_decref(probes);
	if (r->bpf)
		set(b, o, "ringbuf_drops",
		    num(r->stats_set & VIGIL_KEYBIT(VIGIL_KEY_BPF_DROPS) ? r->stats[VIGIL_KEY_BPF_DROPS]
									 : 0));
	return o;
}

static json_t *sample_value(uint64_t v)
{
	return v == VIGIL_SAMPLE_NONE ? json_null() : num(v);
}

/* processes[].series: [{"t_ms", "heap_bytes", "fds"}] in time order, for charts; a
 * value the process did not know (its check was off) is null. */
static json_t *series(struct builder *b, const struct vigil_process *p)
{
	json_t *a = json_array();

	for (size_t i = 0; i < p->nseries; i++) {
		const struct vigil_sample *s = &p->series[i];
		json_t *o = json_object();

		set(b, o, "t_ms", num(s->t_ms));
		set(b, o, "heap_bytes", sample_value(s->heap_bytes));
		set(b, o, "fds", sample_value(s->fds));
		push(b, a, o);
	}
	return a;
}

static json_t *process(struct builder *b, const struct vigil_process *p)
{
	json_t *o = json_object();

	set(b, o, "pid", json_integer(p->pid));
	set(b, o, "ppid", json_integer(p->ppid));
	set(b, o, "exe", str(p->exe));
	set(b, o, "argv", strings(b, p->argv, p->argc));
	set(b, o, "exit", status(p->exit));
	set(b, o, "log", str(p->log));
	if (p->kernel_only)
		set(b, o, "preload", json_false());
	set(b, o, "stats", counters(b, p->stats, p->stats_set));
	if (p->nsysrows)
		set(b, json_object_get(o, "stats"), "syscalls", syscall_table(b, p));
	set(b, o, "series", series(b, p));
	return o;
}

json_t *vigil_report__to_json(const struct vigil_report *r)
{
	struct builder b = {.ok = true};
	json_t *root = json_object(), *run = json_object(), *procs = json_array();
	json_t *findings = json_array(), *stats;

	set(&b, root, "schema", json_string(VIGIL_SCHEMA));
	set(&b, root, "tool", json_pack("{s:s,s:s}", "name", "vigil", "version", VIGIL_VERSION));

	set(&b, run, "command", strings(&b, r->command, r->ncommand));
	set(&b, run, "started", iso_time(r->started));
	set(&b, run, "ended", iso_time(r->ended));
	set(&b, run, "mode", json_string(r->mode == VIGIL_MODE_CANARY ? "canary" : "full"));
	set(&b, run, "checks", checks(&b, r->checks));
	set(&b, run, "bpf", bpf_info(&b, r));
	if (r->attach_pid)
		set(&b, run, "attach", json_pack("{s:i}", "pid", r->attach_pid));
	set(&b, run, "exit", status(r->exit));
	set(&b, run, "config", config(&b, r));
	set(&b, run, "notes", strings(&b, r->notes, (int)r->nnotes));
	set(&b, root, "run", run);

	for (size_t i = 0; i < r->nprocs; i++)
		push(&b, procs, process(&b, &r->procs[i]));
	set(&b, root, "processes", procs);
	for (size_t i = 0; i < r->nfindings; i++)
		push(&b, findings, finding(&b, &r->findings[i]));
	set(&b, root, "findings", findings);
	stats = counters(&b, r->stats, r->stats_set);
	if (r->nsites)
		set(&b, stats, "pipe_sites", pipe_sites(&b, r));
	if (r->nsyslat && stats)
		set(&b, stats, "syscall_latency", latency(&b, r));
	set(&b, root, "stats", stats);
	if (!b.ok) {
		json_decref(root);
		return NULL;
	}
	return root;
}

static int render_json(FILE *f, const void *ctx)
{
	errno = 0;
	if (json_dumpf(ctx, f, JSON_INDENT(2) | JSON_ENSURE_ASCII) || fputc('\n', f) == EOF)
		return errno ? -errno : -EIO;
	return 0;
}

int vigil_json__write_atomic(const json_t *j, const char *path)
{
	return vigil_file__write_atomic(path, render_json, j);
}

json_t *vigil_json__load(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *j, *schema;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	j = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!j) {
		snprintf(err, errlen, "cannot parse '%s': %s (line %d)", path, je.text, je.line);
		return NULL;
	}
	schema = json_is_object(j) ? json_object_get(j, "schema") : NULL;
	if (!json_is_string(schema) || strcmp(json_string_value(schema), VIGIL_SCHEMA)) {
		snprintf(err, errlen, "'%s' is not a vigil report (schema %s expected)", path,
			 VIGIL_SCHEMA);
		json_decref(j);
		return NULL;
	}
	return j;
}
