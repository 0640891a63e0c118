// SPDX-License-Identifier: MIT
/* Raw logs -> report model: processes, symbolized stacks, and findings merged by id
 * across processes. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fileutil.h"
#include "rawlog_read.h"
#include "report.h"
#include "symbolize.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
#define TOP_FRAMES 3

/* Details that add up when findings merge: the totals of leaks. Elsewhere a byte or
 * block count describes one occurrence (the element count of a calloc overflow). */
#define LEAK_TOTALS                                                                      \
	((VIGIL_KEYBIT(VIGIL_KEY_BYTES)) | (VIGIL_KEYBIT(VIGIL_KEY_BLOCKS)) |                          \
	 (VIGIL_KEYBIT(VIGIL_KEY_DIRECT_BYTES)) | (VIGIL_KEYBIT(VIGIL_KEY_DIRECT_BLOCKS)) |            \
	 (VIGIL_KEYBIT(VIGIL_KEY_INDIRECT_BYTES)) | (VIGIL_KEYBIT(VIGIL_KEY_INDIRECT_BLOCKS)))

static const vigil_keyset summed_keys[VIGIL_FK_MAX] = {
	[VIGIL_FK_LEAK] = LEAK_TOTALS,
	[VIGIL_FK_LEAK_REACHABLE] = LEAK_TOTALS,
	/* The same failing call in several processes: their calls add up with the
	 * failures (the count). */
	[VIGIL_FK_SYSCALL_ERRORS] = VIGIL_KEYBIT(VIGIL_KEY_CALLS),
};

/* Details that are part of a finding's identity, per kind: what makes two findings at
 * the same site different bugs. Sizes and addresses are not: they vary run to run. */
static const vigil_keyset identity_keys[VIGIL_FK_MAX] = {
	[VIGIL_FK_DOUBLE_FREE] = VIGIL_KEYBIT(VIGIL_KEY_FREE_OP), /* free twice vs realloc */
	[VIGIL_FK_INVALID_FREE] = VIGIL_KEYBIT(VIGIL_KEY_WHERE) | VIGIL_KEYBIT(VIGIL_KEY_FREE_OP),
	[VIGIL_FK_MISMATCHED_FREE] = VIGIL_KEYBIT(VIGIL_KEY_ALLOC_OP) | VIGIL_KEYBIT(VIGIL_KEY_FREE_OP),
	[VIGIL_FK_HEAP_OVERFLOW] = VIGIL_KEYBIT(VIGIL_KEY_DETECTED_BY),
	[VIGIL_FK_USE_AFTER_FREE] = VIGIL_KEYBIT(VIGIL_KEY_DETECTED_BY),
	[VIGIL_FK_CRASH] = VIGIL_KEYBIT(VIGIL_KEY_SIGNAL),
	/* malloc and free on one handler line are two bugs, and so on. */
	[VIGIL_FK_UNLOCK_NOT_OWNER] = VIGIL_KEYBIT(VIGIL_KEY_REASON),
	[VIGIL_FK_DESTROY_LOCKED] = VIGIL_KEYBIT(VIGIL_KEY_REASON) | VIGIL_KEYBIT(VIGIL_KEY_LOCK_KIND),
	[VIGIL_FK_COND_WAIT_NOT_OWNER] = VIGIL_KEYBIT(VIGIL_KEY_REASON),
	[VIGIL_FK_THREAD_LEAK] = VIGIL_KEYBIT(VIGIL_KEY_REASON),
	[VIGIL_FK_MT_UNSAFE_CALL] = VIGIL_KEYBIT(VIGIL_KEY_FUNC) | VIGIL_KEYBIT(VIGIL_KEY_REASON),
	[VIGIL_FK_SIGNAL_UNSAFE_CALL] =
		VIGIL_KEYBIT(VIGIL_KEY_FUNC) | VIGIL_KEYBIT(VIGIL_KEY_ERRNO_CLOBBERED),
	/* api: the call and the variant; not the command, path or format text, which
	 * vary with the data at one site. */
	[VIGIL_FK_UNSAFE_API] = VIGIL_KEYBIT(VIGIL_KEY_FUNC) | VIGIL_KEYBIT(VIGIL_KEY_REASON),
	[VIGIL_FK_DEPRECATED_API] = VIGIL_KEYBIT(VIGIL_KEY_FUNC),
	[VIGIL_FK_FORMAT_STRING] = VIGIL_KEYBIT(VIGIL_KEY_FUNC) | VIGIL_KEYBIT(VIGIL_KEY_REASON),
	[VIGIL_FK_MEMCPY_OVERLAP] = VIGIL_KEYBIT(VIGIL_KEY_FUNC),
	[VIGIL_FK_INSECURE_PERMISSIONS] =
		VIGIL_KEYBIT(VIGIL_KEY_FUNC) | VIGIL_KEYBIT(VIGIL_KEY_REASON),
	[VIGIL_FK_INSECURE_TEMPFILE] = VIGIL_KEYBIT(VIGIL_KEY_FUNC),
	[VIGIL_FK_SHELL_EXEC] = VIGIL_KEYBIT(VIGIL_KEY_FUNC),
	[VIGIL_FK_TLS_VERIFY_DISABLED] = VIGIL_KEYBIT(VIGIL_KEY_FUNC) | VIGIL_KEYBIT(VIGIL_KEY_REASON),
	/* fds: the variant and the call; not the number, which varies run to run. A
	 * site's growing descriptors and those it left at exit are two findings. */
	[VIGIL_FK_FD_LEAK] = VIGIL_KEYBIT(VIGIL_KEY_REASON),
	[VIGIL_FK_DOUBLE_CLOSE] = VIGIL_KEYBIT(VIGIL_KEY_FD_CALL),
	[VIGIL_FK_BAD_FD] = VIGIL_KEYBIT(VIGIL_KEY_REASON) | VIGIL_KEYBIT(VIGIL_KEY_FD_CALL),
	[VIGIL_FK_FD_REUSE] = VIGIL_KEYBIT(VIGIL_KEY_REASON) | VIGIL_KEYBIT(VIGIL_KEY_FD_CALL),
	[VIGIL_FK_NONBLOCKING_SPIN] = VIGIL_KEYBIT(VIGIL_KEY_FD_CALL),
};

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* qsort with an empty array that may be NULL, which qsort itself may not get. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n)
		qsort(base, n, size, cmp);
}

struct vigil_report *vigil_report__new(void)
{
	struct vigil_report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->arena = vigil_arena__new();
	r->sym = vigil_sym__new();
	if (!r->arena || !r->sym) {
		vigil_report__free(r);
		return NULL;
	}
	r->started = r->ended = -1;
	r->checks = VIGIL_CHECKS_AVAILABLE;
	r->mode = VIGIL_MODE_FULL;
	return r;
}

void vigil_report__free(struct vigil_report *r)
{
	if (!r)
		return;
	free(r->notes);
	free(r->procs);
	free(r->findings);
	free(r->sites);
	vigil_sym__free(r->sym);
	vigil_arena__free(r->arena);
	free(r);
}

int vigil_report__add_note(struct vigil_report *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	const char *s;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (vigil_array__grow((void **)&r->notes, &r->cap_notes, r->nnotes, sizeof(*r->notes)))
		return -ENOMEM;
	s = vigil_arena__strdup(r->arena, buf);
	if (!s)
		return -ENOMEM;
	r->notes[r->nnotes++] = s;
	return 0;
}

static const struct vigil_plog_module *module_at(const struct vigil_plog *l,
						 const struct vigil_plog_stack *st, uint32_t i)
{
	return st->mods[i] >= 0 ? &l->modules[st->mods[i]] : NULL;
}

static bool is_vigil_module(const char *path)
{
	return path && !strcmp(base_name(path), "libvigil.so");
}

/* The global a lock lives in, by the symbol table of the module that holds addr (the
 * latest one written whose range does); NULL for heap and stack locks. */
static const char *object_name(struct vigil_report *r, const struct vigil_plog *l,
			       uint64_t addr)
{
	for (size_t i = l->nmodules; addr && i-- > 0;) {
		const struct vigil_plog_module *m = &l->modules[i];

		if (addr < m->start || addr >= m->end)
			continue;
		if ((m->flags & VIGIL_MODULE_VDSO) || !m->path[0] || m->path[0] == '[' ||
		    is_vigil_module(m->path))
			return NULL;
		return vigil_sym__object(r->sym, m->path, addr - m->base);
	}
	return NULL;
}

/* Symbolizes one raw stack into frames, inlined calls expanded, libvigil's own frames
 * dropped (the preload strips them; this catches any that slip through). */
static int build_frames(struct vigil_report *r, const struct vigil_plog *l,
			const struct vigil_plog_stack *st, bool exact_pc0,
			struct vigil_stack *out)
{
	const struct vigil_symframe **sf;
	size_t *nsf, total = 0, k = 0;
	int err = 0;

	sf = calloc(st->depth ? st->depth : 1, sizeof(*sf));
	nsf = calloc(st->depth ? st->depth : 1, sizeof(*nsf));
	if (!sf || !nsf) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (uint32_t i = 0; i < st->depth; i++) {
		const struct vigil_plog_module *m = module_at(l, st, i);
		uint64_t rel;

		if (m && is_vigil_module(m->path))
			continue;
		nsf[i] = 0;
		/* A relative path (dlopen("./x.so")) is tried from our cwd, which is the
		 * target's unless it moved: a miss only costs the names. */
		if (m && !(m->flags & VIGIL_MODULE_VDSO) && m->path[0] && m->path[0] != '[') {
			rel = st->pcs[i] - m->base;
			/* A return address points after the call: look up the call. */
			if ((i || !exact_pc0) && rel)
				rel--;
			err = vigil_sym__lookup(r->sym, m->path, rel, &sf[i], &nsf[i]);
			if (err)
				goto cleanup;
		}
		total += nsf[i] ? nsf[i] : 1;
	}
	out->frames = vigil_arena__alloc(r->arena, (total ? total : 1) * sizeof(*out->frames));
	if (!out->frames) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (uint32_t i = 0; i < st->depth; i++) {
		const struct vigil_plog_module *m = module_at(l, st, i);
		struct vigil_frame base = {.pc = st->pcs[i]};

		if (m && is_vigil_module(m->path))
			continue;
		if (m) {
			base.module = vigil_arena__strdup(r->arena, m->path);
			if (!base.module) {
				err = -ENOMEM;
				goto cleanup;
			}
			base.offset = st->pcs[i] - m->base;
		}
		if (!nsf[i]) {
			out->frames[k++] = base;
			continue;
		}
		for (size_t j = 0; j < nsf[i]; j++) {
			struct vigil_frame f = base;

			f.function = sf[i][j].function;
			f.file = sf[i][j].file;
			f.line = sf[i][j].line;
			f.inlined = sf[i][j].inlined;
			out->frames[k++] = f;
		}
	}
	out->nframes = k;
cleanup:
	free(sf);
	free(nsf);
	return err;
}

static uint64_t fnv_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= FNV_PRIME;
	}
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	/* The NUL separates fields: ("ab","c") and ("a","bc") differ. */
	return fnv_bytes(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static uint64_t fnv_u64(uint64_t h, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return fnv_bytes(h, b, sizeof(b));
}

static uint64_t hash_top_lines(uint64_t h, const struct vigil_stack *s, bool lines)
{
	for (size_t i = 0; i < s->nframes && i < TOP_FRAMES; i++) {
		const struct vigil_frame *fr = &s->frames[i];

		if (fr->function) {
			h = fnv_str(h, fr->function);
			h = fnv_str(h, fr->file ? base_name(fr->file) : NULL);
			if (lines)
				h = fnv_u64(h, fr->line);
		} else {
			h = fnv_str(h, fr->module ? base_name(fr->module) : NULL);
			h = fnv_u64(h, fr->module ? fr->offset : fr->pc);
		}
	}
	return h;
}

static uint64_t hash_top(uint64_t h, const struct vigil_stack *s)
{
	return hash_top_lines(h, s, true);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A cycle of locks or of blocked threads is written from whichever edge closed it or
 * thread waited first: which one that is depends on scheduling. Its identity is the
 * set of its (stack, stack) pairs, in no order. */
static bool cyclic(const struct vigil_finding *f)
{
	return (f->kind == VIGIL_FK_LOCK_ORDER_INVERSION || f->kind == VIGIL_FK_DEADLOCK) &&
	       f->nstacks >= 2 && !(f->nstacks & 1);
}

static uint64_t hash_cycle(uint64_t h, const struct vigil_finding *f, bool lines)
{
	uint64_t pair[32];
	size_t n = 0;

	for (size_t i = 0; i + 1 < f->nstacks && n < sizeof(pair) / sizeof(pair[0]); i += 2)
		pair[n++] = hash_top_lines(hash_top_lines(FNV_OFFSET, &f->stacks[i], lines),
					   &f->stacks[i + 1], lines);
	qsort(pair, n, sizeof(pair[0]), cmp_u64);
	for (size_t i = 0; i < n; i++)
		h = fnv_u64(h, pair[i]);
	return h;
}

/* A finding's id is the FNV-1a 64 hash of its kind, the identity details of its kind
 * (the signal of a crash, the operations of a mismatched free...) and the top three
 * frames of its first stack (of every pair of stacks, for a cycle): function, file
 * basename and line when symbolized, module basename and offset when not. Basenames
 * keep the id stable when the same build runs from another directory. */
static uint64_t finding_hash(const struct vigil_finding *f, bool lines)
{
	uint64_t h = FNV_OFFSET;
	vigil_keyset keys = f->kind < VIGIL_FK_MAX ? identity_keys[f->kind] : 0;

	h = fnv_str(h, vigil_kind_name(f->kind));
	for (unsigned k = 0; k < VIGIL_KEY_MAX; k++)
		if (keys & f->details_set & (VIGIL_KEYBIT(k)))
			h = fnv_u64(fnv_u64(h, k), f->details[k]);
	if (cyclic(f))
		h = hash_cycle(h, f, lines);
	else if (f->nstacks)
		h = hash_top_lines(h, &f->stacks[0], lines);
	return h;
}

/* The fingerprint is the same hash without line numbers: the same bug after edits
 * elsewhere in its file (vigil diff across builds, SARIF's partialFingerprints). */
static void finding_id(struct vigil_finding *f)
{
	snprintf(f->id, sizeof(f->id), "%016" PRIx64, finding_hash(f, true));
	snprintf(f->fingerprint, sizeof(f->fingerprint), "%016" PRIx64, finding_hash(f, false));
}

/* The pid of a log that lost its PROCESS record, from its name
 * <exe>.<pid>[.<seq>].log; 0 when the name does not say. "a.12.77.log" is ambiguous
 * (exe "a.12", pid 77; or exe "a", pid 12, seq 77): a last number under 1000 is read
 * as the sequence, since sequences count execs of one pid and stay small. */
static uint32_t pid_from_name(const char *path)
{
	const char *name = base_name(path);
	size_t len = strlen(name);
	unsigned long nums[2] = {0, 0};
	int n = 0;

	if (len < 4 || strcmp(name + len - 4, ".log"))
		return 0;
	len -= 4;
	while (n < 2) {
		size_t e = len;
		unsigned long v = 0, mul = 1;

		while (len && name[len - 1] >= '0' && name[len - 1] <= '9' && e - len < 9) {
			v += (unsigned long)(name[len - 1] - '0') * mul;
			mul *= 10;
			len--;
		}
		if (len == e || !len || name[len - 1] != '.')
			break;
		nums[n++] = v;
		len--;
	}
	if (n == 2 && nums[0] < 1000)
		return (uint32_t)nums[1];
	return n ? (uint32_t)nums[0] : 0;
}

/* The samples of a log, at most VIGIL_SERIES_MAX: the first one, then the last one
 * of each of VIGIL_SERIES_MAX - 1 equal spans of time (the preload's period doubles
 * over a long run, so thinning by count would crowd the start). */
static int take_series(struct vigil_report *r, struct vigil_process *p,
		       const struct vigil_plog *l)
{
	const struct vigil_plog_sample *s = l->samples;
	size_t n = l->nsamples, k = 0;
	uint64_t t0, span;

	if (!n)
		return 0;
	p->series = vigil_arena__alloc(r->arena, (n < VIGIL_SERIES_MAX ? n : VIGIL_SERIES_MAX) *
						     sizeof(*p->series));
	if (!p->series)
		return -ENOMEM;
	t0 = s[0].t_ms;
	span = s[n - 1].t_ms - t0 + 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t b = (s[i].t_ms - t0) * (VIGIL_SERIES_MAX - 1) / span;

		if (n > VIGIL_SERIES_MAX && i && i + 1 < n &&
		    (s[i + 1].t_ms - t0) * (VIGIL_SERIES_MAX - 1) / span == b)
			continue;
		p->series[k++] = (struct vigil_sample){s[i].t_ms, s[i].heap_bytes, s[i].fds};
	}
	p->nseries = k;
	return 0;
}

static int add_process(struct vigil_report *r, const struct vigil_plog *l, uint32_t pid)
{
	struct vigil_process *p;

	if (vigil_array__grow((void **)&r->procs, &r->cap_procs, r->nprocs, sizeof(*p)))
		return -ENOMEM;
	p = &r->procs[r->nprocs];
	*p = (struct vigil_process){
		.pid = pid,
		.ppid = l->ppid,
		.start_ns = l->start_realtime_ns,
		.log = vigil_arena__strdup(r->arena, base_name(l->path)),
		.stats_set = l->stats_set,
		.config_set = l->config_set,
		.checks = l->checks,
	};
	memcpy(p->stats, l->stats, sizeof(p->stats));
	memcpy(p->config, l->config, sizeof(p->config));
	if (l->has_process) {
		p->exe = vigil_arena__strdup(r->arena, l->exe);
		p->argc = l->argc;
		p->argv = vigil_arena__alloc(r->arena, ((size_t)l->argc + 1) * sizeof(*p->argv));
		if (!p->exe || !p->argv)
			return -ENOMEM;
		for (int i = 0; i < l->argc; i++)
			if (!(p->argv[i] = vigil_arena__strdup(r->arena, l->argv[i])))
				return -ENOMEM;
	}
	if (l->has_exit && l->exit_how == VIGIL_EXIT_SIGNAL)
		p->exit = (struct vigil_status){VIGIL_STATUS_SIGNAL, l->exit_signal};
	else if (l->has_exit)
		p->exit = (struct vigil_status){VIGIL_STATUS_CODE, l->exit_code};
	if (!p->log || take_series(r, p, l))
		return -ENOMEM;
	r->nprocs++;
	return 0;
}

/* Length of the UTF-8 sequence at s (at most n bytes), 0 when it is not a valid one
 * (overlong forms and surrogates included). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	uint32_t cp;

	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	cp = len == 2 ? (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f)
	     : len == 3 ? (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 |
			      (s[2] & 0x3f)
			: (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
			      (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* The text chunks in order, up to the first NUL, as printable UTF-8 on one line:
 * control characters become C escapes (\n, \t, \r) and bytes that are no valid UTF-8
 * (the program's own, or a character the preload cut in two) \xNN. NULL in *out
 * when there are none. */
static int take_text(struct vigil_report *r, const struct vigil_plog_finding *pf,
		     const char **out)
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char raw[VIGIL_TEXT_MAX + 8];
	char *t;
	size_t n = 0, k = 0, chunks = 0;

	*out = NULL;
	for (size_t i = 0; i < pf->ndetails; i++) {
		if (pf->details[i].key != VIGIL_KEY_TEXT)
			continue;
		chunks++;
		for (int j = 0; j < 8 && n < VIGIL_TEXT_MAX; j++)
			raw[n++] = (unsigned char)(pf->details[i].value >> (8 * j));
	}
	if (!chunks)
		return 0;
	raw[n] = '\0';
	n = strlen((const char *)raw);
	t = vigil_arena__alloc(r->arena, 4 * n + 1);
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < n;) {
		unsigned char c = raw[i];
		size_t len = c >= 0x80 ? utf8_len(raw + i, n - i) : (size_t)(c >= 0x20 && c != 0x7f);

		if (len) {
			memcpy(t + k, raw + i, len);
			k += len;
			i += len;
			continue;
		}
		t[k++] = '\\';
		if (c == '\n' || c == '\t' || c == '\r') {
			t[k++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		} else {
			t[k++] = 'x';
			t[k++] = hexd[c >> 4];
			t[k++] = hexd[c & 15];
		}
		i++;
	}
	t[k] = '\0';
	*out = t;
	return 0;
}

/* Details by key, the last value of a key winning, except the repeated series pairs,
 * which become the curve: a SERIES_T_MS opens a point, the SERIES_BYTES after it
 * closes it. A half pair (a damaged writer) is dropped, and points past
 * VIGIL_CURVE_MAX are ignored. The text chunks become the text. */
static int take_details(struct vigil_report *r, const struct vigil_plog_finding *pf,
			struct vigil_finding *f)
{
	struct vigil_point pt = {0};
	size_t npairs = 0;
	bool open = false;
	int err = take_text(r, pf, &f->text);

	if (err)
		return err;

	for (size_t i = 0; i < pf->ndetails; i++)
		npairs += pf->details[i].key == VIGIL_KEY_SERIES_T_MS;
	if (npairs) {
		npairs = npairs < VIGIL_CURVE_MAX ? npairs : VIGIL_CURVE_MAX;
		f->curve = vigil_arena__alloc(r->arena, npairs * sizeof(*f->curve));
		if (!f->curve)
			return -ENOMEM;
	}
	for (size_t i = 0; i < pf->ndetails; i++) {
		const struct vigil_rec_kv *kv = &pf->details[i];

		if (kv->key == VIGIL_KEY_SERIES_T_MS) {
			pt.t_ms = kv->value;
			open = true;
		} else if (kv->key == VIGIL_KEY_SERIES_BYTES) {
			if (open && f->ncurve < npairs) {
				pt.bytes = kv->value;
				f->curve[f->ncurve++] = pt;
			}
			open = false;
		} else if (kv->key != VIGIL_KEY_TEXT) {
			f->details[kv->key] = kv->value;
			f->details_set |= VIGIL_KEYBIT(kv->key);
		}
	}
	return 0;
}

static int add_finding(struct vigil_report *r, const struct vigil_plog *l,
		       const struct vigil_plog_finding *pf, uint32_t pid)
{
	struct vigil_finding *f;
	int err;

	if (vigil_array__grow((void **)&r->findings, &r->cap_findings, r->nfindings, sizeof(*f)))
		return -ENOMEM;
	f = &r->findings[r->nfindings];
	*f = (struct vigil_finding){
		.kind = pf->kind,
		.severity = pf->severity,
		.count = pf->count,
		.npids = 1,
		.nstacks = pf->nstacks,
	};
	f->pids = vigil_arena__alloc(r->arena, sizeof(*f->pids));
	f->stacks = vigil_arena__alloc(r->arena, (pf->nstacks ? pf->nstacks : 1) *
							 sizeof(*f->stacks));
	if (!f->pids || !f->stacks)
		return -ENOMEM;
	f->pids[0] = pid;
	err = take_details(r, pf, f);
	if (err)
		return err;
	if (vigil_finding__has(f, VIGIL_KEY_LOCK_KIND)) {
		f->lock_name = object_name(r, l, vigil_finding__get(f, VIGIL_KEY_ADDR));
		f->other_lock_name = object_name(r, l, vigil_finding__get(f, VIGIL_KEY_OTHER_ADDR));
	}
	for (size_t i = 0; i < pf->nstacks; i++) {
		const struct vigil_rec_fstack *fs = &pf->stacks[i];
		const struct vigil_plog_stack *st = vigil_plog__stack(l, fs->stack_id);

		f->stacks[i].role = fs->role;
		f->stacks[i].tid = fs->tid;
		if (!st)
			continue;
		err = build_frames(r, l, st, fs->flags & VIGIL_STACK_EXACT_PC0, &f->stacks[i]);
		if (err)
			return err;
	}
	finding_id(f);
	f->seq = r->nfindings++;
	return 0;
}

/* A stat counted at a stack: symbolized like a finding's stack, and keyed by its
 * stat and top frames so that the same write in several processes is one site. */
static int add_site(struct vigil_report *r, const struct vigil_plog *l,
		    const struct vigil_plog_site *ps, uint32_t pid)
{
	const struct vigil_plog_stack *st = vigil_plog__stack(l, ps->stack_id);
	struct vigil_stat_site *s;
	int err;

	if (vigil_array__grow((void **)&r->sites, &r->cap_sites, r->nsites, sizeof(*s)))
		return -ENOMEM;
	s = &r->sites[r->nsites];
	*s = (struct vigil_stat_site){.key = ps->key, .count = ps->count, .npids = 1};
	s->pids = vigil_arena__alloc(r->arena, sizeof(*s->pids));
	if (!s->pids)
		return -ENOMEM;
	s->pids[0] = pid;
	if (st) {
		err = build_frames(r, l, st, ps->flags & VIGIL_STACK_EXACT_PC0, &s->stack);
		if (err)
			return err;
	}
	s->hash = hash_top(fnv_u64(FNV_OFFSET, ps->key), &s->stack);
	s->seq = r->nsites++;
	return 0;
}

/* The preload's image of the pid a kernel log describes: the one running the same
 * executable. NULL when the preload never ran in that image (a static binary exec'd
 * by a preloaded process: it stands as a process of its own). */
static struct vigil_process *preload_image(struct vigil_report *r, const struct vigil_plog *l)
{
	struct vigil_process *best = NULL;

	for (size_t i = 0; i < r->nprocs; i++) {
		struct vigil_process *p = &r->procs[i];

		if (p->pid != l->pid || p->kernel_only || !p->exe || !l->exe ||
		    strcmp(p->exe, l->exe))
			continue;
		/* The same program exec'd twice: the image that started last before the
		 * kernel's did. */
		if (!best || (p->start_ns <= l->start_realtime_ns && p->start_ns > best->start_ns))
			best = p;
	}
	return best;
}

/* Whether a preload finding of kind in pid already tells of the same event. */
static bool preload_has(const struct vigil_report *r, uint32_t pid, unsigned kind)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].kind == kind && r->findings[i].pids[0] == pid)
			return true;
	return false;
}

/* A kernel observation the preload already reported, or made itself: its crash (the
 * preload's handler re-raised the signal the kernel then saw delivered), an abort of
 * --on-error abort, and EBADF failures where the fds check ran (it reports misused
 * descriptors as double-close, bad-fd or fd-reuse, and probes descriptors itself). */
static bool seen_by_preload(const struct vigil_report *r, const struct vigil_plog *l,
			    const struct vigil_plog_finding *pf)
{
	const struct vigil_process *p = preload_image((struct vigil_report *)r, l);

	if (pf->kind == VIGIL_FK_CRASH) {
		for (size_t i = 0; p && i < pf->ndetails; i++)
			if (pf->details[i].key == VIGIL_KEY_SIGNAL && pf->details[i].value == SIGABRT &&
			    (p->config_set & VIGIL_KEYBIT(VIGIL_KEY_CFG_ON_ERROR_ABORT)) &&
			    p->config[VIGIL_KEY_CFG_ON_ERROR_ABORT])
				return true;
		return preload_has(r, l->pid, VIGIL_FK_CRASH);
	}
	if (pf->kind != VIGIL_FK_SYSCALL_ERRORS || !p || !(p->checks & (1u << VIGIL_CHECK_FDS)))
		return false;
	for (size_t i = 0; i < pf->ndetails; i++)
		if (pf->details[i].key == VIGIL_KEY_ERRNO && pf->details[i].value == EBADF)
			return true;
	return false;
}

/* A kernel log joins the preload's image of its pid (exit, syscall table, counters) or
 * stands for a process the preload never ran in (static, setuid). Run after every
 * preload log. */
static int add_kernel_log(struct vigil_report *r, const struct vigil_plog *l)
{
	struct vigil_process *p = preload_image(r, l);
	struct vigil_rec_sysrow *rows;
	int err = 0;

	r->bpf = true;
	if (!p) {
		err = add_process(r, l, l->pid);
		if (err)
			return err;
		p = &r->procs[r->nprocs - 1];
		p->kernel_only = true;
	} else {
		if (p->exit.kind == VIGIL_STATUS_UNKNOWN && l->has_exit)
			p->exit = l->exit_how == VIGIL_EXIT_SIGNAL
					  ? (struct vigil_status){VIGIL_STATUS_SIGNAL, l->exit_signal}
					  : (struct vigil_status){VIGIL_STATUS_CODE, l->exit_code};
		for (unsigned k = 0; k < VIGIL_KEY_MAX; k++)
			if (l->stats_set & VIGIL_KEYBIT(k)) {
				p->stats[k] = l->stats[k];
				p->stats_set |= VIGIL_KEYBIT(k);
			}
	}
	if (l->nsysrows) {
		rows = vigil_arena__alloc(r->arena, (p->nsysrows + l->nsysrows) * sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		if (p->nsysrows)
			memcpy(rows, p->sysrows, p->nsysrows * sizeof(*rows));
		memcpy(rows + p->nsysrows, l->sysrows, l->nsysrows * sizeof(*rows));
		p->sysrows = rows;
		p->nsysrows += l->nsysrows;
	}
	if (l->nsyslat) {
		struct vigil_syslat *sl = vigil_arena__alloc(r->arena, (r->nsyslat + l->nsyslat) *
								       sizeof(*sl));

		if (!sl)
			return -ENOMEM;
		if (r->nsyslat)
			memcpy(sl, r->syslat, r->nsyslat * sizeof(*sl));
		for (size_t i = 0; i < l->nsyslat; i++) {
			sl[r->nsyslat + i].nr = l->syslat[i].nr;
			memcpy(sl[r->nsyslat + i].buckets, l->syslat[i].buckets,
			       sizeof(sl->buckets));
		}
		r->syslat = sl;
		r->nsyslat += l->nsyslat;
	}
	for (size_t i = 0; !err && i < l->nfindings; i++)
		if (!seen_by_preload(r, l, &l->findings[i]))
			err = add_finding(r, l, &l->findings[i], l->pid);
	return err;
}

int vigil_report__add_log(struct vigil_report *r, const struct vigil_plog *l)
{
	uint32_t pid = l->has_process ? l->pid : pid_from_name(l->path);
	int err;

	if (l->note && (err = vigil_report__add_note(r, "%s", l->note)))
		return err;
	if (l->has_process && l->kernel)
		return add_kernel_log(r, l);
	err = add_process(r, l, pid);
	for (size_t i = 0; !err && i < l->nfindings; i++)
		err = add_finding(r, l, &l->findings[i], pid);
	for (size_t i = 0; !err && i < l->nsites; i++)
		err = add_site(r, l, &l->sites[i], pid);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vigil_report__add_dir(struct vigil_report *r, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".log"))
			continue;
		if (vigil_array__grow((void **)&names, &cap, n, sizeof(*names)) ||
		    !(names[n] = strdup(de->d_name))) {
			err = -ENOMEM;
			goto cleanup;
		}
		n++;
	}
	sort(names, n, sizeof(*names), cmp_str);
	/* Two passes: the kernel's logs merge into the preload's images of their pids. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n && !err; i++) {
			char path[8192];
			struct vigil_plog *l;
			size_t len = strlen(names[i]);
			bool kernel = len > 11 && !strcmp(names[i] + len - 11, ".kernel.log");

			if (kernel != (pass == 1))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			l = vigil_plog__read_file(path);
			if (!l) {
				if (errno == ENOMEM)
					err = -ENOMEM;
				else
					err = vigil_report__add_note(r, "raw log %s could not be "
								     "read: %s",
								     names[i], strerror(errno));
				continue;
			}
			err = vigil_report__add_log(r, l);
			vigil_plog__free(l);
		}
	}
cleanup:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return err;
}

uint64_t vigil_finding__bytes(const struct vigil_finding *f)
{
	if (f->details_set & (VIGIL_KEYBIT(VIGIL_KEY_BYTES)))
		return f->details[VIGIL_KEY_BYTES];
	if (f->details_set & (VIGIL_KEYBIT(VIGIL_KEY_SIZE)))
		return f->details[VIGIL_KEY_SIZE];
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	const struct vigil_finding *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Most severe first, then most bytes, then most frequent; id last for a stable order. */
static int cmp_rank(const void *a, const void *b)
{
	const struct vigil_finding *x = a, *y = b;
	uint64_t bx = vigil_finding__bytes(x), by = vigil_finding__bytes(y);

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (bx != by)
		return bx > by ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int cmp_proc(const void *a, const void *b)
{
	const struct vigil_process *x = a, *y = b;

	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp(x->log, y->log);
}

/* Sorted unique pids: *pids (n of them) united with add. */
static int merge_pids(struct vigil_report *r, uint32_t **pids, size_t *npids,
		      const uint32_t *add, size_t nadd)
{
	uint32_t *p = vigil_arena__alloc(r->arena, (*npids + nadd) * sizeof(*p));
	const uint32_t *have = *pids;
	size_t i = 0, j = 0, n = 0;

	if (!p)
		return -ENOMEM;
	while (i < *npids || j < nadd) {
		uint32_t v;

		if (j >= nadd || (i < *npids && have[i] <= add[j]))
			v = have[i++];
		else
			v = add[j++];
		if (!n || p[n - 1] != v)
			p[n++] = v;
	}
	*pids = p;
	*npids = n;
	return 0;
}

/* Equal ids merge: counts and leak totals add up, pids are united, the first
 * finding's stacks and other details stay. Curves do not add up (each process has its
 * own clock): the site that ended largest is the one shown, with its final bytes. */
static int merge(struct vigil_report *r, struct vigil_finding *into,
		 const struct vigil_finding *from)
{
	vigil_keyset summed = into->kind < VIGIL_FK_MAX ? summed_keys[into->kind] : 0;

	if (from->ncurve &&
	    (!into->ncurve || vigil_finding__bytes(from) > vigil_finding__bytes(into))) {
		into->curve = from->curve;
		into->ncurve = from->ncurve;
		if (from->details_set & (VIGIL_KEYBIT(VIGIL_KEY_BYTES))) {
			into->details[VIGIL_KEY_BYTES] = from->details[VIGIL_KEY_BYTES];
			into->details_set |= VIGIL_KEYBIT(VIGIL_KEY_BYTES);
		}
	}
	into->count += from->count;
	if (!into->text)
		into->text = from->text;
	for (unsigned k = 0; k < VIGIL_KEY_MAX; k++) {
		vigil_keyset bit = VIGIL_KEYBIT(k);

		if (!(from->details_set & bit))
			continue;
		if ((summed & bit) && (into->details_set & bit))
			into->details[k] += from->details[k];
		else if (!(into->details_set & bit))
			into->details[k] = from->details[k];
		into->details_set |= bit;
	}
	return merge_pids(r, &into->pids, &into->npids, from->pids, from->npids);
}

/* exec runs no exit handler, so the image it replaced leaves no EXIT record; the
 * image that took over writes a log of its own under the same pid, started later.
 * Only an image that said who it was counts: a log that lost its PROCESS record has no
 * start time to order it by. procs must be sorted by start. */
static void mark_execs(struct vigil_report *r)
{
	for (size_t i = 0; i < r->nprocs; i++) {
		struct vigil_process *p = &r->procs[i];

		if (!p->exe || p->exit.kind != VIGIL_STATUS_UNKNOWN)
			continue;
		for (size_t j = i + 1; j < r->nprocs; j++)
			if (r->procs[j].pid == p->pid && r->procs[j].exe &&
			    r->procs[j].start_ns > p->start_ns) {
				p->exit = (struct vigil_status){VIGIL_STATUS_EXEC, 0};
				break;
			}
	}
}

/* Limits that were hit lower what "no finding" means: the report says so. */
static int note_limits(struct vigil_report *r)
{
	static const struct {
		unsigned key;
		const char *fmt;
	} limits[] = {
		{VIGIL_KEY_HEAP_OVERFLOW, "%" PRIu64 " allocations were not tracked: the block "
					  "table was full (raise max_blocks)"},
		{VIGIL_KEY_STACK_OVERFLOW, "%" PRIu64 " stacks were not kept: the stack table was "
					   "full (raise max_stacks)"},
		{VIGIL_KEY_FINDINGS_DROPPED, "%" PRIu64 " findings were dropped over max_findings"},
		{VIGIL_KEY_THREADS_UNSTOPPED, "%" PRIu64 " threads could not be stopped for the "
					      "leak scan (ptrace refused): it read their stacks "
					      "while they ran"},
		{VIGIL_KEY_LOCK_OVERFLOW, "%" PRIu64 " locks were not checked for order or "
					  "contention: the lock table was full (raise max_locks)"},
		{VIGIL_KEY_EDGE_OVERFLOW, "%" PRIu64 " lock-order edges were not recorded: the "
					  "lock graph was full (raise max_locks)"},
		{VIGIL_KEY_THREAD_OVERFLOW, "%" PRIu64 " threads were not tracked for joins: the "
					    "thread table was full"},
		{VIGIL_KEY_FD_OVERFLOW, "%" PRIu64 " descriptors were not tracked: their numbers "
					"were past the descriptor table"},
		{VIGIL_KEY_CYCLE_SEARCHES_CUT, "%" PRIu64 " lock-order cycle searches stopped at "
					       "their work limit: a cycle may have been missed"},
		{VIGIL_KEY_BPF_DROPS, "%" PRIu64 " BPF events were lost (the ring buffer was "
				      "full): stacks of some failures, W+X mappings or crashes "
				      "may be missing"},
		{VIGIL_KEY_BPF_TABLE_FULL, "%" PRIu64 " in-kernel syscall table updates were lost "
					   "(a BPF map was full)"},
		{VIGIL_KEY_BPF_UNTRACKED, "%" PRIu64 " tasks of the tree were not watched by BPF "
					  "(no memory for their state)"},
		{VIGIL_KEY_BPF_SAMPLES_DROPPED, "%" PRIu64 " stacks of failures or W+X mappings "
						"were not kept (over the CLI's cap of live "
						"samples): some findings may lack a stack"},
		{VIGIL_KEY_PIPE_SITE_OVERFLOW, "%" PRIu64 " EPIPE writes were counted without "
					       "their stack: the pipe site table was full"},
	};
	int err;

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		unsigned k = limits[i].key;
		if (!(r->stats_set & (VIGIL_KEYBIT(k))) || !r->stats[k])
			continue;
		err = vigil_report__add_note(r, limits[i].fmt, r->stats[k]);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_site_hash(const void *a, const void *b)
{
	const struct vigil_stat_site *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* By stat, then most counted first; the hash last for a stable order. */
static int cmp_site_rank(const void *a, const void *b)
{
	const struct vigil_stat_site *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* Equal sites add up their counts and unite their pids; the first one's stack (the
 * earliest log in name order) is shown. */
static int merge_sites(struct vigil_report *r)
{
	size_t n = 0;
	int err;

	sort(r->sites, r->nsites, sizeof(*r->sites), cmp_site_hash);
	for (size_t i = 0; i < r->nsites; i++) {
		struct vigil_stat_site *s = &r->sites[i], *into = n ? &r->sites[n - 1] : NULL;

		if (into && into->hash == s->hash) {
			into->count += s->count;
			err = merge_pids(r, &into->pids, &into->npids, s->pids, s->npids);
			if (err)
				return err;
			continue;
		}
		r->sites[n++] = *s;
	}
	r->nsites = n;
	sort(r->sites, n, sizeof(*r->sites), cmp_site_rank);
	return 0;
}

int vigil_report__finish(struct vigil_report *r)
{
	size_t n = 0;
	int err;

	/* Equal ids sort by arrival, so the first finding's stacks (the earliest log in
	 * name order) are the ones shown. */
	sort(r->findings, r->nfindings, sizeof(*r->findings), cmp_id);
	for (size_t i = 0; i < r->nfindings;) {
		size_t j = i + 1;

		r->findings[n] = r->findings[i];
		for (; j < r->nfindings && !strcmp(r->findings[j].id, r->findings[i].id); j++) {
			err = merge(r, &r->findings[n], &r->findings[j]);
			if (err)
				return err;
		}
		n++;
		i = j;
	}
	r->nfindings = n;
	sort(r->findings, n, sizeof(*r->findings), cmp_rank);
	sort(r->procs, r->nprocs, sizeof(*r->procs), cmp_proc);
	mark_execs(r);
	err = merge_sites(r);
	if (err)
		return err;

	memset(r->stats, 0, sizeof(r->stats));
	r->stats_set = 0;
	for (size_t i = 0; i < r->nprocs; i++) {
		const struct vigil_process *p = &r->procs[i];

		for (unsigned k = 0; k < VIGIL_KEY_MAX; k++) {
			if (!(p->stats_set & (VIGIL_KEYBIT(k))))
				continue;
			/* Who killed a process is that process's alone. */
			if (k == VIGIL_KEY_KILLER_PID)
				continue;
			/* A peak does not add up across processes; everything else does. */
			if (k == VIGIL_KEY_PEAK_BYTES || k == VIGIL_KEY_FDS_PEAK)
				r->stats[k] = r->stats[k] > p->stats[k] ? r->stats[k] : p->stats[k];
			else
				r->stats[k] += p->stats[k];
			r->stats_set |= VIGIL_KEYBIT(k);
		}
	}
	return note_limits(r);
}

struct vigil_report *vigil_report__from_dir(const char *dir)
{
	struct vigil_report *r = vigil_report__new();
	int err;

	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	err = vigil_report__add_dir(r, dir);
	if (!err)
		err = vigil_report__finish(r);
	if (err) {
		vigil_report__free(r);
		errno = -err;
		return NULL;
	}
	return r;
}

void vigil_report__set_exit(struct vigil_report *r, uint32_t pid, struct vigil_status st)
{
	struct vigil_process *last = NULL;

	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid &&
		    (!last || r->procs[i].start_ns >= last->start_ns))
			last = &r->procs[i];
	if (last && last->exit.kind == VIGIL_STATUS_UNKNOWN)
		last->exit = st;
}

void vigil_report__set_root(struct vigil_report *r, uint32_t pid)
{
	const struct vigil_process *first = NULL;

	/* The first image: an exec'd successor may run with a changed environment. */
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid && r->procs[i].config_set &&
		    (!first || r->procs[i].start_ns < first->start_ns))
			first = &r->procs[i];
	if (!first)
		return;
	memcpy(r->config, first->config, sizeof(r->config));
	r->config_set = first->config_set;
	if ((r->config_set & (VIGIL_KEYBIT(VIGIL_KEY_CFG_MODE))) &&
	    r->config[VIGIL_KEY_CFG_MODE] <= VIGIL_MODE_CANARY)
		r->mode = (unsigned)r->config[VIGIL_KEY_CFG_MODE];
}

void vigil_report__infer_run(struct vigil_report *r)
{
	const struct vigil_process *root = NULL;

	for (size_t i = 0; i < r->nprocs; i++) {
		const struct vigil_process *p = &r->procs[i];
		bool has_parent = false;

		for (size_t j = 0; j < r->nprocs && !has_parent; j++)
			has_parent = r->procs[j].pid == p->ppid && j != i;
		if (!has_parent && p->exe && (!root || p->start_ns < root->start_ns))
			root = p;
	}
	if (!root)
		return;
	r->command = root->argv;
	r->ncommand = root->argc;
	r->started = root->start_ns ? (int64_t)(root->start_ns / 1000000000ull) : -1;
	/* The run's end is a process's end: an image exec replaced did not end it. */
	r->exit = root->exit.kind == VIGIL_STATUS_EXEC ? (struct vigil_status){0} : root->exit;
	vigil_report__set_root(r, root->pid);
	/* After exec the same pid has a later image: its exit is the run's. */
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == root->pid && r->procs[i].start_ns >= root->start_ns &&
		    r->procs[i].exit.kind != VIGIL_STATUS_UNKNOWN &&
		    r->procs[i].exit.kind != VIGIL_STATUS_EXEC)
			r->exit = r->procs[i].exit;
}
