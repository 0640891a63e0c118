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

#include "cli.h"
#include "fileutil.h"
#include "report_json.h"

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

static json_t *process(struct builder *b, const struct vigil_process *p)
{
	json_t *o = json_object();

	set(b, o, "pid", json_integer(p->pid));
	set(b, o, "ppid", json_integer(p->ppid));
	set(b, o, "exe", str(p->exe));
	set(b, o, "argv", strings(b, p->argv, p->argc));
	set(b, o, "exit", status(p->exit));
	set(b, o, "log", str(p->log));
	set(b, o, "stats", counters(b, p->stats, p->stats_set));
	return o;
}

json_t *vigil_report__to_json(const struct vigil_report *r)
{
	struct builder b = {.ok = true};
	json_t *root = json_object(), *run = json_object(), *procs = json_array();
	json_t *findings = json_array();

	set(&b, root, "schema", json_string(VIGIL_SCHEMA));
	set(&b, root, "tool", json_pack("{s:s,s:s}", "name", "vigil", "version", VIGIL_VERSION));

	set(&b, run, "command", strings(&b, r->command, r->ncommand));
	set(&b, run, "started", iso_time(r->started));
	set(&b, run, "ended", iso_time(r->ended));
	set(&b, run, "mode", json_string(r->mode == VIGIL_MODE_CANARY ? "canary" : "full"));
	set(&b, run, "checks", checks(&b, r->checks));
	set(&b, run, "bpf", json_boolean(r->bpf));
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
	set(&b, root, "stats", counters(&b, r->stats, r->stats_set));
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
