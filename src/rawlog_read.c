// SPDX-License-Identifier: MIT
/* Raw-log decoder. Raw logs come from other processes that may have been killed at
 * any byte, so every size and count is checked against the record before use, and
 * records are copied out with memcpy (no aligned access into the file buffer). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"
#include "rawlog_read.h"

struct parser {
	struct vigil_plog *l;
	const unsigned char *buf;
	size_t len;
	const char *name;
	size_t cap_modules, cap_stacks, cap_findings, cap_sites, cap_samples;
};

static size_t align8(size_t n)
{
	return (n + VIGIL_REC_ALIGN - 1) & ~(size_t)(VIGIL_REC_ALIGN - 1);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* A string of exactly len bytes whose last byte is its only NUL. */
static bool is_cstr(const unsigned char *p, size_t len)
{
	return len && p[len - 1] == '\0' && !memchr(p, '\0', len - 1);
}

static int decode_process(struct parser *p, const unsigned char *r, size_t size)
{
	struct vigil_plog *l = p->l;
	struct vigil_rec_process rec;
	const unsigned char *exe, *args, *a;
	size_t nuls = 0;

	if (size < sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	if ((uint64_t)sizeof(rec) + rec.exe_len + rec.argv_len > size ||
	    align8(sizeof(rec) + (size_t)rec.exe_len + rec.argv_len) != size)
		return -EINVAL;
	exe = r + sizeof(rec);
	args = exe + rec.exe_len;
	if (!is_cstr(exe, rec.exe_len))
		return -EINVAL;
	for (size_t i = 0; i < rec.argv_len; i++)
		nuls += args[i] == '\0';
	if (nuls != rec.argc || (rec.argv_len && args[rec.argv_len - 1] != '\0'))
		return -EINVAL;
	if (l->has_process)
		return -EINVAL;

	l->exe = strdup((const char *)exe);
	l->argv = calloc((size_t)rec.argc + 1, sizeof(*l->argv));
	if (!l->exe || !l->argv)
		return -ENOMEM;
	a = args;
	for (uint32_t i = 0; i < rec.argc; i++) {
		l->argv[i] = strdup((const char *)a);
		if (!l->argv[i])
			return -ENOMEM;
		l->argc = (int)i + 1;
		a += strlen((const char *)a) + 1;
	}
	l->has_process = true;
	l->kernel = rec.hdr.flags & VIGIL_PROCESS_KERNEL;
	l->pid = rec.pid;
	l->ppid = rec.ppid;
	l->start_realtime_ns = rec.start_realtime_ns;
	l->checks = rec.checks;
	l->mode = rec.mode;
	return 0;
}

static int decode_module(struct parser *p, const unsigned char *r, size_t size, bool gone)
{
	struct vigil_plog *l = p->l;
	struct vigil_rec_module rec;
	const unsigned char *path;
	struct vigil_plog_module *m;

	if (size < sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	if ((uint64_t)sizeof(rec) + rec.path_len > size ||
	    align8(sizeof(rec) + (size_t)rec.path_len) != size)
		return -EINVAL;
	path = r + sizeof(rec);
	if (!is_cstr(path, rec.path_len) || rec.start > rec.end ||
	    rec.build_id_len > sizeof(rec.build_id))
		return -EINVAL;

	if (gone) {
		/* dlclose: the most recent live module with that range goes away. */
		for (size_t i = l->nmodules; i-- > 0;) {
			m = &l->modules[i];
			if (!m->gone && m->start == rec.start && m->end == rec.end) {
				m->gone = true;
				break;
			}
		}
		return 0;
	}
	if (vigil_array__grow((void **)&l->modules, &p->cap_modules, l->nmodules, sizeof(*m)))
		return -ENOMEM;
	m = &l->modules[l->nmodules];
	*m = (struct vigil_plog_module){
		.path = strdup((const char *)path),
		.base = rec.base,
		.start = rec.start,
		.end = rec.end,
		.flags = rec.flags,
		.build_id_len = rec.build_id_len,
	};
	if (!m->path)
		return -ENOMEM;
	memcpy(m->build_id, rec.build_id, sizeof(m->build_id));
	l->nmodules++;
	return 0;
}

/* The module of a pc as the log knew it when the stack was written: the most recent
 * live module holding it, else (the module was unloaded since the stack was captured)
 * the most recent one that ever held it. */
static int32_t module_of(const struct vigil_plog *l, uint64_t pc)
{
	for (size_t i = l->nmodules; i-- > 0;)
		if (!l->modules[i].gone && pc >= l->modules[i].start && pc < l->modules[i].end)
			return (int32_t)i;
	for (size_t i = l->nmodules; i-- > 0;)
		if (pc >= l->modules[i].start && pc < l->modules[i].end)
			return (int32_t)i;
	return -1;
}

static int decode_stack(struct parser *p, const unsigned char *r, size_t size)
{
	struct vigil_plog *l = p->l;
	struct vigil_rec_stack rec;
	struct vigil_plog_stack *s;

	if (size < sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	if (!rec.id || (uint64_t)rec.depth * 8 != size - sizeof(rec))
		return -EINVAL;
	if (vigil_array__grow((void **)&l->stacks, &p->cap_stacks, l->nstacks, sizeof(*s)))
		return -ENOMEM;
	s = &l->stacks[l->nstacks];
	*s = (struct vigil_plog_stack){.id = rec.id, .depth = rec.depth};
	s->pcs = malloc((rec.depth ? rec.depth : 1) * sizeof(*s->pcs));
	s->mods = malloc((rec.depth ? rec.depth : 1) * sizeof(*s->mods));
	if (!s->pcs || !s->mods) {
		free(s->pcs);
		free(s->mods);
		return -ENOMEM;
	}
	memcpy(s->pcs, r + sizeof(rec), (size_t)rec.depth * 8);
	for (uint32_t i = 0; i < rec.depth; i++)
		s->mods[i] = module_of(l, s->pcs[i]);
	l->nstacks++;
	return 0;
}

static int decode_finding(struct parser *p, const unsigned char *r, size_t size)
{
	struct vigil_plog *l = p->l;
	struct vigil_rec_finding rec;
	struct vigil_plog_finding *f;
	size_t nst, ndt;

	if (size < sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	nst = rec.nstacks;
	ndt = rec.ndetails;
	if (align8(sizeof(rec) + (nst + ndt) * 16) != size)
		return -EINVAL;
	if (!rec.fkind || !vigil_kind_name(rec.fkind) || !vigil_severity_name(rec.severity))
		return -EINVAL;
	if (vigil_array__grow((void **)&l->findings, &p->cap_findings, l->nfindings, sizeof(*f)))
		return -ENOMEM;
	f = &l->findings[l->nfindings];
	*f = (struct vigil_plog_finding){
		.tid = rec.hdr.tid,
		.kind = rec.fkind,
		.severity = rec.severity,
		.nstacks = rec.nstacks,
		.count = rec.count ? rec.count : 1,
	};
	f->stacks = malloc((nst ? nst : 1) * sizeof(*f->stacks));
	f->details = malloc((ndt ? ndt : 1) * sizeof(*f->details));
	if (!f->stacks || !f->details) {
		free(f->stacks);
		free(f->details);
		return -ENOMEM;
	}
	memcpy(f->stacks, r + sizeof(rec), nst * sizeof(*f->stacks));
	/* Unknown keys (a newer writer) are dropped, not fatal. */
	for (size_t i = 0; i < ndt; i++) {
		struct vigil_rec_kv kv;

		memcpy(&kv, r + sizeof(rec) + nst * 16 + i * 16, sizeof(kv));
		if (vigil_key_name(kv.key))
			f->details[f->ndetails++] = kv;
	}
	l->nfindings++;
	return 0;
}

static int decode_exit(struct parser *p, const unsigned char *r, size_t size)
{
	struct vigil_rec_exit rec;

	if (size != sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	if (rec.how < VIGIL_EXIT_RETURN || rec.how > VIGIL_EXIT_SIGNAL)
		return -EINVAL;
	p->l->has_exit = true;
	p->l->exit_how = rec.how;
	p->l->exit_code = rec.code;
	p->l->exit_signal = rec.signal;
	return 0;
}

/* A STATS or CONFIG record: a kv list. Keys outside `accept` (a newer writer, or a key
 * that does not belong in this record) are dropped, not fatal. The last value of a
 * key wins: the last STATS holds the final counters (a SIGPIPE death, after the exit
 * path, writes one with the pipe counters only). */
static int decode_kv_list(const unsigned char *r, size_t size, vigil_keyset accept,
			  uint64_t *vals, vigil_keyset *set)
{
	struct vigil_rec_stats rec;

	if (size < sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	if ((uint64_t)rec.n * 16 != size - sizeof(rec))
		return -EINVAL;
	for (uint32_t i = 0; i < rec.n; i++) {
		struct vigil_rec_kv kv;

		memcpy(&kv, r + sizeof(rec) + (size_t)i * 16, sizeof(kv));
		if (!vigil_key_name(kv.key) || !(accept & (VIGIL_KEYBIT(kv.key))))
			continue;
		vals[kv.key] = kv.value;
		*set |= VIGIL_KEYBIT(kv.key);
	}
	return 0;
}

static int decode_syscalls(struct parser *p, const unsigned char *r, size_t size)
{
	struct vigil_plog *l = p->l;
	struct vigil_rec_syscalls rec;
	struct vigil_rec_sysrow *rows;

	if (size < sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	if ((uint64_t)rec.n * sizeof(*rows) != size - sizeof(rec))
		return -EINVAL;
	rows = realloc(l->sysrows, (l->nsysrows + rec.n + 1) * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	memcpy(rows + l->nsysrows, r + sizeof(rec), (size_t)rec.n * sizeof(*rows));
	l->sysrows = rows;
	l->nsysrows += rec.n;
	return 0;
}

static int decode_syslat(struct parser *p, const unsigned char *r, size_t size)
{
	struct vigil_plog *l = p->l;
	struct vigil_rec_syslat rec;
	struct vigil_plog_syslat *s;

	if (size < sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	if (!rec.nbuckets || rec.nbuckets > VIGIL_PLOG_LAT_BUCKETS ||
	    align8(sizeof(rec) + (size_t)rec.nbuckets * 8) != size)
		return -EINVAL;
	s = realloc(l->syslat, (l->nsyslat + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	l->syslat = s;
	s = &s[l->nsyslat++];
	memset(s, 0, sizeof(*s));
	s->nr = rec.nr;
	memcpy(s->buckets, r + sizeof(rec), (size_t)rec.nbuckets * 8);
	return 0;
}

/* A key without a name (a newer writer) is dropped, not fatal. */
static int decode_site(struct parser *p, const unsigned char *r, size_t size)
{
	struct vigil_plog *l = p->l;
	struct vigil_rec_stat_site rec;

	if (size != sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	if (!vigil_key_name(rec.key))
		return 0;
	if (vigil_array__grow((void **)&l->sites, &p->cap_sites, l->nsites, sizeof(*l->sites)))
		return -ENOMEM;
	l->sites[l->nsites++] = (struct vigil_plog_site){
		.key = rec.key,
		.flags = rec.flags,
		.stack_id = rec.stack_id,
		.count = rec.count,
	};
	return 0;
}

static int decode_sample(struct parser *p, const unsigned char *r, size_t size)
{
	struct vigil_plog *l = p->l;
	struct vigil_rec_sample rec;

	if (size != sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	if (vigil_array__grow((void **)&l->samples, &p->cap_samples, l->nsamples,
			      sizeof(*l->samples)))
		return -ENOMEM;
	l->samples[l->nsamples++] = (struct vigil_plog_sample){
		.t_ms = rec.t_ms,
		.heap_bytes = rec.heap_bytes,
		.fds = rec.fds,
	};
	return 0;
}

static int decode_version(const unsigned char *r, size_t size)
{
	struct vigil_rec_version rec;

	if (size != sizeof(rec))
		return -EINVAL;
	memcpy(&rec, r, sizeof(rec));
	if (rec.magic != VIGIL_RAW_MAGIC || rec.version != VIGIL_RAW_VERSION)
		return -EINVAL;
	return 0;
}

static int set_note(struct parser *p, const char *what, size_t off)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "raw log %s %s at offset %zu", base_name(p->name), what, off);
	p->l->note = strdup(buf);
	return p->l->note ? 0 : -ENOMEM;
}

/* Decodes records until the end or the first damage. -ENOMEM is the only error. */
static int decode_all(struct parser *p)
{
	size_t off = 0;

	if (!p->len)
		return set_note(p, "truncated", 0);
	while (off < p->len) {
		struct vigil_rec_hdr h;
		const unsigned char *r = p->buf + off;
		int err;

		if (p->len - off < sizeof(h))
			return set_note(p, "truncated", off);
		memcpy(&h, r, sizeof(h));
		if (h.size < sizeof(h) || h.size % VIGIL_REC_ALIGN || h.size > VIGIL_REC_MAX ||
		    !h.kind || h.kind >= VIGIL_REC_KIND_MAX)
			return set_note(p, "corrupt", off);
		if (h.size > p->len - off)
			return set_note(p, "truncated", off);
		if ((off == 0) != (h.kind == VIGIL_REC_VERSION))
			return set_note(p, "corrupt", off);

		switch ((enum vigil_rec_kind)h.kind) {
		case VIGIL_REC_VERSION:
			err = decode_version(r, h.size);
			break;
		case VIGIL_REC_PROCESS:
			err = decode_process(p, r, h.size);
			break;
		case VIGIL_REC_MODULE:
			err = decode_module(p, r, h.size, false);
			break;
		case VIGIL_REC_MODULE_GONE:
			err = decode_module(p, r, h.size, true);
			break;
		case VIGIL_REC_STACK:
			err = decode_stack(p, r, h.size);
			break;
		case VIGIL_REC_FINDING:
			err = decode_finding(p, r, h.size);
			break;
		case VIGIL_REC_EXIT:
			err = decode_exit(p, r, h.size);
			break;
		case VIGIL_REC_STATS:
			err = decode_kv_list(r, h.size, ~VIGIL_CONFIG_KEYS, p->l->stats,
					     &p->l->stats_set);
			break;
		case VIGIL_REC_CONFIG:
			err = decode_kv_list(r, h.size, VIGIL_CONFIG_KEYS, p->l->config,
					     &p->l->config_set);
			break;
		case VIGIL_REC_SYSCALLS:
			err = decode_syscalls(p, r, h.size);
			break;
		case VIGIL_REC_SYSLAT:
			err = decode_syslat(p, r, h.size);
			break;
		case VIGIL_REC_STAT_SITE:
			err = decode_site(p, r, h.size);
			break;
		case VIGIL_REC_SAMPLE:
			err = decode_sample(p, r, h.size);
			break;
		case VIGIL_REC_KIND_MAX:
			err = -EINVAL;
			break;
		}
		if (err == -ENOMEM)
			return err;
		if (err)
			return set_note(p, "corrupt", off);
		off += h.size;
		p->l->good_bytes = off;
	}
	return 0;
}

static int cmp_stack_order(const void *a, const void *b, void *arg)
{
	const struct vigil_plog *l = arg;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	uint32_t ka = l->stacks[ia].id, kb = l->stacks[ib].id;

	if (ka != kb)
		return ka < kb ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

static int cmp_site(const void *a, const void *b)
{
	const struct vigil_plog_site *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->stack_id != y->stack_id)
		return x->stack_id < y->stack_id ? -1 : 1;
	return x->count < y->count ? -1 : x->count > y->count;
}

/* A site is written again as its count grows (event.h): its last, largest count is
 * kept. */
static void fold_sites(struct vigil_plog *l)
{
	size_t n = 0;

	if (!l->nsites)
		return;
	qsort(l->sites, l->nsites, sizeof(*l->sites), cmp_site);
	for (size_t i = 0; i < l->nsites; i++) {
		if (n && l->sites[n - 1].key == l->sites[i].key &&
		    l->sites[n - 1].stack_id == l->sites[i].stack_id)
			n--;
		l->sites[n++] = l->sites[i];
	}
	l->nsites = n;
}

struct vigil_plog *vigil_plog__parse(const void *buf, size_t len, const char *name)
{
	struct parser p = {.buf = buf, .len = len, .name = name};
	struct vigil_plog *l;

	l = p.l = calloc(1, sizeof(*p.l));
	if (!l)
		return NULL;
	l->path = strdup(name);
	if (!l->path || decode_all(&p))
		goto cleanup;
	l->stack_order = malloc((l->nstacks ? l->nstacks : 1) * sizeof(uint32_t));
	if (!l->stack_order)
		goto cleanup;
	for (size_t i = 0; i < l->nstacks; i++)
		l->stack_order[i] = (uint32_t)i;
	qsort_r(l->stack_order, l->nstacks, sizeof(uint32_t), cmp_stack_order, l);
	fold_sites(l);
	return l;
cleanup:
	vigil_plog__free(l);
	return NULL;
}

const struct vigil_plog_stack *vigil_plog__stack(const struct vigil_plog *l, uint32_t id)
{
	size_t lo = 0, hi = l->nstacks;

	/* Upper bound: a stack id written twice resolves to its last record. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->stacks[l->stack_order[mid]].id <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || l->stacks[l->stack_order[lo - 1]].id != id)
		return NULL;
	return &l->stacks[l->stack_order[lo - 1]];
}

struct vigil_plog *vigil_plog__read_file(const char *path)
{
	struct vigil_plog *l = NULL;
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, hint = 65536;
	struct stat st;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* The size is a hint only: a process still running may be appending. */
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		hint = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : hint;
			unsigned char *nb = realloc(buf, ncap);

			if (!nb) {
				errno = ENOMEM;
				goto cleanup;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto cleanup;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	l = vigil_plog__parse(buf, len, path);
	if (!l)
		errno = ENOMEM;
cleanup:
	e = errno;
	free(buf);
	close(fd);
	errno = e;
	return l;
}

void vigil_plog__free(struct vigil_plog *l)
{
	if (!l)
		return;
	free(l->path);
	free(l->exe);
	for (int i = 0; l->argv && i < l->argc; i++)
		free(l->argv[i]);
	free(l->argv);
	for (size_t i = 0; i < l->nmodules; i++)
		free(l->modules[i].path);
	free(l->modules);
	for (size_t i = 0; i < l->nstacks; i++) {
		free(l->stacks[i].pcs);
		free(l->stacks[i].mods);
	}
	free(l->stacks);
	free(l->stack_order);
	for (size_t i = 0; i < l->nfindings; i++) {
		free(l->findings[i].stacks);
		free(l->findings[i].details);
	}
	free(l->findings);
	free(l->sites);
	free(l->sysrows);
	free(l->syslat);
	free(l->samples);
	free(l->note);
	free(l);
}
