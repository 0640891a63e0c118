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
#include "jsonutil.h"
#include "cli.h"
#include "fileutil.h"
#include "report_json.h"
#include "syscalls.h"

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

static json_t *strings(struct vigil_jbuild *b, const char *const *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		vigil_jpush(b, a, str(v[i]));
	return a;
}

static json_t *checks(struct vigil_jbuild *b, unsigned mask)
{
	json_t *a = json_array();

	for (unsigned c = 0; c < VIGIL_CHECK_MAX; c++)
		if (mask & (1u << c))
			vigil_jpush(b, a, json_string(vigil_check_name(c)));
	return a;
}

static json_t *counters(struct vigil_jbuild *b, const uint64_t *v, vigil_keyset set_mask)
{
	json_t *o = json_object();

	for (unsigned k = 0; k < VIGIL_KEY_MAX; k++)
		if (set_mask & (VIGIL_KEYBIT(k)))
			vigil_jset(b, o, vigil_key_name(k), num(v[k]));
	return o;
}

static json_t *frame(struct vigil_jbuild *b, const struct vigil_frame *f)
{
	json_t *o = json_object();

	vigil_jset(b, o, "pc", hex(f->pc));
	vigil_jset(b, o, "module", str(f->module));
	vigil_jset(b, o, "offset", f->module ? hex(f->offset) : json_null());
	vigil_jset(b, o, "function", str(f->function));
	vigil_jset(b, o, "file", str(f->file));
	vigil_jset(b, o, "line", f->line ? json_integer(f->line) : json_null());
	if (f->inlined)
		vigil_jset(b, o, "inlined", json_true());
	return o;
}

static json_t *stack(struct vigil_jbuild *b, const struct vigil_stack *s)
{
	json_t *o = json_object(), *frames = json_array();
	const char *role = vigil_role_name(s->role);

	vigil_jset(b, o, "role", json_string(role ? role : "unknown"));
	vigil_jset(b, o, "tid", json_integer(s->tid));
	for (size_t i = 0; i < s->nframes; i++)
		vigil_jpush(b, frames, frame(b, &s->frames[i]));
	vigil_jset(b, o, "frames", frames);
	return o;
}

/* [t_ms, bytes]: pairs keep a curve of VIGIL_CURVE_MAX points short. */
static json_t *point(struct vigil_jbuild *b, const struct vigil_point *p)
{
	json_t *a = json_array();

	vigil_jpush(b, a, num(p->t_ms));
	vigil_jpush(b, a, num(p->bytes));
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
static json_t *details(struct vigil_jbuild *b, const struct vigil_finding *f)
{
	json_t *o = json_object();

	if (f->text)
		vigil_jset(b, o, vigil_text_name(f->kind), str(f->text));
	if (f->lock_name)
		vigil_jset(b, o, "lock", str(f->lock_name));
	if (f->other_lock_name)
		vigil_jset(b, o, "other_lock", str(f->other_lock_name));

	for (unsigned k = 0; k < VIGIL_KEY_MAX; k++) {
		uint64_t v = f->details[k];

		if (!(f->details_set & (VIGIL_KEYBIT(k))))
			continue;
		if (k == VIGIL_KEY_FAULT_ADDR || k == VIGIL_KEY_ADDR || k == VIGIL_KEY_BLOCK_ADDR ||
		    k == VIGIL_KEY_OTHER_ADDR || k == VIGIL_KEY_FLAGS)
			vigil_jset(b, o, vigil_key_name(k), hex(v));
		else if (k == VIGIL_KEY_MODE || k == VIGIL_KEY_UMASK)
			vigil_jset(b, o, vigil_key_name(k), octal(v));
		else if (k == VIGIL_KEY_SI_CODE || k == VIGIL_KEY_OFFSET)
			/* Signed in the target (SI_TKILL is -6, an underflow a negative
			 * offset), stored sign-extended. */
			vigil_jset(b, o, vigil_key_name(k), json_integer((json_int_t)(int64_t)v));
		else if (k == VIGIL_KEY_SINGLE_THREAD || k == VIGIL_KEY_ERRNO_CLOBBERED)
			vigil_jset(b, o, vigil_key_name(k), json_boolean(v != 0));
		else if (k == VIGIL_KEY_SYSCALL && vigil_syscall_name((unsigned)v))
			vigil_jset(b, o, vigil_key_name(k), json_string(vigil_syscall_name((unsigned)v)));
		else if (k == VIGIL_KEY_ERRNO && vigil_errno_name((unsigned)v))
			vigil_jset(b, o, vigil_key_name(k), json_string(vigil_errno_name((unsigned)v)));
		else if (vigil_key_value_name(k, v))
			vigil_jset(b, o, vigil_key_name(k), json_string(vigil_key_value_name(k, v)));
		else
			vigil_jset(b, o, vigil_key_name(k), num(v));
	}
	if (f->ncurve) {
		json_t *curve = json_array();

		for (size_t i = 0; i < f->ncurve; i++)
			vigil_jpush(b, curve, point(b, &f->curve[i]));
		vigil_jset(b, o, "curve", curve);
	}
	return o;
}

/* run.config: what the root process ran with, so a reader knows what "no finding"
 * covers. null when no process wrote its config. */
static json_t *config(struct vigil_jbuild *b, const struct vigil_report *r)
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
			vigil_jset(b, o, vigil_key_name(k),
			    json_string(v == VIGIL_MODE_CANARY ? "canary" : "full"));
		else if (k == VIGIL_KEY_CFG_ON_ERROR_ABORT)
			vigil_jset(b, o, "on_error", json_string(v ? "abort" : "continue"));
		else
			vigil_jset(b, o, vigil_key_name(k), num(v));
	}
	return o;
}

static json_t *finding(struct vigil_jbuild *b, const struct vigil_finding *f)
{
	json_t *o = json_object(), *pids = json_array(), *stacks = json_array();
	char msg[512];

	vigil_finding__message(f, msg, sizeof(msg));
	vigil_jset(b, o, "id", json_string(f->id));
	vigil_jset(b, o, "fingerprint", json_string(f->fingerprint));
	vigil_jset(b, o, "kind", json_string(vigil_kind_name(f->kind)));
	vigil_jset(b, o, "severity", json_string(vigil_severity_name(f->severity)));
	vigil_jset(b, o, "count", num(f->count));
	for (size_t i = 0; i < f->npids; i++)
		vigil_jpush(b, pids, json_integer(f->pids[i]));
	vigil_jset(b, o, "pids", pids);
	vigil_jset(b, o, "message", str(msg));
	for (size_t i = 0; i < f->nstacks; i++)
		vigil_jpush(b, stacks, stack(b, &f->stacks[i]));
	vigil_jset(b, o, "stacks", stacks);
	vigil_jset(b, o, "details", details(b, f));
	return o;
}

/* stats.pipe_sites: each stack that wrote into a broken pipe, as "epipe" (the write
 * failed with EPIPE) or "sigpipe" (the process died of SIGPIPE in it). */
static json_t *pipe_sites(struct vigil_jbuild *b, const struct vigil_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nsites; i++) {
		const struct vigil_stat_site *s = &r->sites[i];
		json_t *o, *pids = json_array(), *frames = json_array();

		if (s->key != VIGIL_KEY_EPIPE && s->key != VIGIL_KEY_SIGPIPE_DEATHS)
			continue;
		o = json_object();
		vigil_jset(b, o, "kind", json_string(s->key == VIGIL_KEY_EPIPE ? "epipe" : "sigpipe"));
		vigil_jset(b, o, "count", num(s->count));
		for (size_t j = 0; j < s->npids; j++)
			vigil_jpush(b, pids, json_integer(s->pids[j]));
		vigil_jset(b, o, "pids", pids);
		for (size_t j = 0; j < s->stack.nframes; j++)
			vigil_jpush(b, frames, frame(b, &s->stack.frames[j]));
		vigil_jset(b, o, "frames", frames);
		vigil_jpush(b, a, o);
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
static json_t *syscall_table(struct vigil_jbuild *b, const struct vigil_process *p)
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

		vigil_jset(b, o, "syscall", syscall_key(rows[i].nr));
		vigil_jset(b, o, "calls", num(rows[i].calls));
		for (size_t k = 0; k < p->nsysrows; k++) {
			const struct vigil_rec_sysrow *e = &p->sysrows[k];
			char name[16];

			if (e->nr != rows[i].nr || !e->err)
				continue;
			if (!vigil_errno_name(e->err))
				snprintf(name, sizeof(name), "%u", e->err);
			vigil_jset(b, errs, vigil_errno_name(e->err) ? vigil_errno_name(e->err) : name,
			    num(e->count));
		}
		vigil_jset(b, o, "errors", errs);
		vigil_jpush(b, a, o);
	}
	free(rows);
	return a;
}

/* stats.syscall_latency: per syscall, the calls timed (a sample) and log2 buckets of
 * ns with the median and 99th percentile as bucket upper edges. */
static json_t *latency(struct vigil_jbuild *b, const struct vigil_report *r)
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
			vigil_jpush(b, buckets, num(l->buckets[k]));
		/* The fine clock times one call in VIGIL_BPF_FINE_EVERY per CPU. */
		vigil_jset(b, e, "timed_calls", num(total));
		vigil_jset(b, e, "sampled_one_in", num(VIGIL_BPF_FINE_EVERY));
		vigil_jset(b, e, "p50_ns_under", num(p50));
		vigil_jset(b, e, "p99_ns_under", num(p99));
		vigil_jset(b, e, "log2_ns", buckets);
		if (vigil_syscall_name(l->nr))
			snprintf(name, sizeof(name), "%s", vigil_syscall_name(l->nr));
		else
			snprintf(name, sizeof(name), "syscall_%u", l->nr);
		vigil_jset(b, o, name, e);
	}
	return o;
}

static json_t *bpf_info(struct vigil_jbuild *b, const struct vigil_report *r)
{
	json_t *o = json_object(), *probes = json_array();

	vigil_jset(b, o, "ran", json_boolean(r->bpf));
	if (!r->bpf && r->bpf_off)
		vigil_jset(b, o, "reason", str(r->bpf_off));
	for (size_t i = 0; r->bpf && r->bpf_probes && r->bpf_probes[i]; i++)
		vigil_jpush(b, probes, json_string(r->bpf_probes[i]));
	if (r->bpf && r->bpf_probes)
		vigil_jset(b, o, "probes", probes);
	else
		json_decref(probes);
	if (r->bpf)
		vigil_jset(b, o, "ringbuf_drops",
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
static json_t *series(struct vigil_jbuild *b, const struct vigil_process *p)
{
	json_t *a = json_array();

	for (size_t i = 0; i < p->nseries; i++) {
		const struct vigil_sample *s = &p->series[i];
		json_t *o = json_object();

		vigil_jset(b, o, "t_ms", num(s->t_ms));
		vigil_jset(b, o, "heap_bytes", sample_value(s->heap_bytes));
		vigil_jset(b, o, "fds", sample_value(s->fds));
		vigil_jpush(b, a, o);
	}
	return a;
}

static json_t *process(struct vigil_jbuild *b, const struct vigil_process *p)
{
	json_t *o = json_object();

	vigil_jset(b, o, "pid", json_integer(p->pid));
	vigil_jset(b, o, "ppid", json_integer(p->ppid));
	vigil_jset(b, o, "exe", str(p->exe));
	vigil_jset(b, o, "argv", strings(b, p->argv, p->argc));
	vigil_jset(b, o, "exit", status(p->exit));
	vigil_jset(b, o, "log", str(p->log));
	if (p->kernel_only)
		vigil_jset(b, o, "preload", json_false());
	vigil_jset(b, o, "stats", counters(b, p->stats, p->stats_set));
	if (p->nsysrows)
		vigil_jset(b, json_object_get(o, "stats"), "syscalls", syscall_table(b, p));
	vigil_jset(b, o, "series", series(b, p));
	return o;
}

json_t *vigil_report__to_json(const struct vigil_report *r)
{
	struct vigil_jbuild b = {.ok = true};
	json_t *root = json_object(), *run = json_object(), *procs = json_array();
	json_t *findings = json_array(), *stats;

	vigil_jset(&b, root, "schema", json_string(VIGIL_SCHEMA));
	vigil_jset(&b, root, "tool", json_pack("{s:s,s:s}", "name", "vigil", "version", VIGIL_VERSION));

	vigil_jset(&b, run, "command", strings(&b, r->command, r->ncommand));
	vigil_jset(&b, run, "started", iso_time(r->started));
	vigil_jset(&b, run, "ended", iso_time(r->ended));
	vigil_jset(&b, run, "mode", json_string(r->mode == VIGIL_MODE_CANARY ? "canary" : "full"));
	vigil_jset(&b, run, "checks", checks(&b, r->checks));
	vigil_jset(&b, run, "bpf", bpf_info(&b, r));
	if (r->attach_pid)
		vigil_jset(&b, run, "attach", json_pack("{s:i}", "pid", r->attach_pid));
	vigil_jset(&b, run, "exit", status(r->exit));
	vigil_jset(&b, run, "config", config(&b, r));
	vigil_jset(&b, run, "notes", strings(&b, r->notes, (int)r->nnotes));
	vigil_jset(&b, root, "run", run);

	for (size_t i = 0; i < r->nprocs; i++)
		vigil_jpush(&b, procs, process(&b, &r->procs[i]));
	vigil_jset(&b, root, "processes", procs);
	for (size_t i = 0; i < r->nfindings; i++)
		vigil_jpush(&b, findings, finding(&b, &r->findings[i]));
	vigil_jset(&b, root, "findings", findings);
	stats = counters(&b, r->stats, r->stats_set);
	if (r->nsites)
		vigil_jset(&b, stats, "pipe_sites", pipe_sites(&b, r));
	if (r->nsyslat && stats)
		vigil_jset(&b, stats, "syscall_latency", latency(&b, r));
	vigil_jset(&b, root, "stats", stats);
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
