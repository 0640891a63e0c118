// SPDX-License-Identifier: MIT
/* The event side runs on the consumer thread while the tree runs; the write side runs
 * once after it, reading the kernel's tables. Samples are bounded: past the cap they
 * are counted, not kept. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vigil/bpf_event.h"
#include "vigil/event.h"
#include "vigil/finding.h"
#include "bpf_store.h"
#include "cfi.h"
#include "fileutil.h"
#include "../preload/rawlog.h"

#define SAMPLES_MAX 4096
#define ARGS_MAX 4096

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int vigil_bpf_store__init(struct vigil_bpf_store *s)
{
	memset(s, 0, sizeof(*s));
	s->mono_to_real = (int64_t)(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC));
	return -pthread_mutex_init(&s->lock, NULL);
}

static void image_free(struct vigil_bpf_image *im)
{
	free(im->exe);
	free(im->args);
	vigil_procmaps__free(im->mods, im->nmods);
	for (size_t i = 0; i < im->nsamples; i++)
		free(im->samples[i]);
	free(im->samples);
	free(im);
}

void vigil_bpf_store__free(struct vigil_bpf_store *s)
{
	for (size_t i = 0; i < s->nimgs; i++)
		image_free(s->imgs[i]);
	free(s->imgs);
	pthread_mutex_destroy(&s->lock);
}

/* The image of tgid that runs now: the last one. */
static struct vigil_bpf_image *current(struct vigil_bpf_store *s, uint32_t tgid)
{
	for (size_t i = s->nimgs; i-- > 0;)
		if (s->imgs[i]->tgid == tgid)
			return s->imgs[i];
	return NULL;
}

static struct vigil_bpf_image *new_image(struct vigil_bpf_store *s, uint32_t tgid,
					 uint32_t ppid, uint64_t mono_ns)
{
	struct vigil_bpf_image *im;

	if (vigil_array__grow((void **)&s->imgs, &s->cap_imgs, s->nimgs, sizeof(*s->imgs)))
		return NULL;
	im = calloc(1, sizeof(*im));
	if (!im)
		return NULL;
	im->tgid = tgid;
	im->ppid = ppid;
	im->start_ns = mono_ns ? mono_ns + (uint64_t)s->mono_to_real : clock_ns(CLOCK_REALTIME);
	s->imgs[s->nimgs++] = im;
	return im;
}

static void read_identity(struct vigil_bpf_image *im, const char *filename);

int vigil_bpf_store__process(struct vigil_bpf_store *s, uint32_t tgid, uint32_t ppid)
{
	char path[64], buf[256];
	FILE *f;
	int err = 0;

	pthread_mutex_lock(&s->lock);
	if (!current(s, tgid) && !new_image(s, tgid, ppid, 0))
		err = -ENOMEM;
	pthread_mutex_unlock(&s->lock);
	if (err || ppid)
		return err;
	/* An adopted process: its parent from /proc. */
	snprintf(path, sizeof(path), "/proc/%u/status", tgid);
	f = fopen(path, "re");
	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "PPid: %u", &ppid) == 1)
			break;
	if (f)
		fclose(f);
	pthread_mutex_lock(&s->lock);
	current(s, tgid)->ppid = ppid;
	read_identity(current(s, tgid), NULL);
	if (!vigil_procmaps__read((pid_t)tgid, &current(s, tgid)->mods, &current(s, tgid)->nmods,
				  &current(s, tgid)->cap_mods))
		current(s, tgid)->maps_read = true;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* exe, argv and maps of a live process; what cannot be read stays as it was. */
static void read_identity(struct vigil_bpf_image *im, const char *filename)
{
	char path[64], exe[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/exe", im->tgid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		free(im->exe);
		im->exe = strdup(exe);
	} else if (filename && filename[0]) {
		free(im->exe);
		im->exe = strdup(filename);
	}
	snprintf(path, sizeof(path), "/proc/%u/cmdline", im->tgid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		char *buf = malloc(ARGS_MAX + 1);
		ssize_t got = buf ? read(fd, buf, ARGS_MAX) : -1;

		close(fd);
		if (got > 0) {
			if (buf[got - 1] != '\0')
				buf[got++] = '\0';
			free(im->args);
			im->args = buf;
			im->args_len = (size_t)got;
			im->argc = 0;
			for (ssize_t i = 0; i < got; i++)
				im->argc += buf[i] == '\0';
			buf = NULL;
		}
		free(buf);
	}
	if (!im->args && im->exe) {
		im->args = strdup(im->exe);
		im->args_len = im->args ? strlen(im->args) + 1 : 0;
		im->argc = im->args ? 1 : 0;
	}
}

static bool mapped(const struct vigil_bpf_image *im, uint64_t pc)
{
	for (size_t i = 0; i < im->nmods; i++)
		if (pc >= im->mods[i].start && pc < im->mods[i].end)
			return true;
	return false;
}

static void copy_parent(struct vigil_bpf_image *im, const struct vigil_bpf_image *p)
{
	if (p->exe)
		im->exe = strdup(p->exe);
	if (p->args && (im->args = malloc(p->args_len))) {
		memcpy(im->args, p->args, p->args_len);
		im->args_len = p->args_len;
		im->argc = p->argc;
	}
	im->start_code = p->start_code;
	im->end_code = p->end_code;
	for (size_t i = 0; i < p->nmods; i++) {
		if (vigil_array__grow((void **)&im->mods, &im->cap_mods, im->nmods,
				      sizeof(*im->mods)))
			return;
		im->mods[im->nmods] = p->mods[i];
		if (!(im->mods[im->nmods].path = strdup(p->mods[i].path)))
			return;
		im->nmods++;
	}
}

static void on_sample(struct vigil_bpf_store *s, const struct vigil_bpf_sample *e)
{
	struct vigil_bpf_image *im = current(s, e->hdr.tgid);
	struct vigil_bpf_sample *copy;

	if (!im && !(im = new_image(s, e->hdr.tgid, e->hdr.ppid, e->hdr.ts_ns)))
		return;
	if (!im->exe || !im->maps_read || !mapped(im, e->ip)) {
		if (!im->exe)
			read_identity(im, NULL);
		if (!vigil_procmaps__read(e->hdr.tgid, &im->mods, &im->nmods, &im->cap_mods))
			im->maps_read = true;
	}
	if (s->nsamples >= SAMPLES_MAX || !(copy = malloc(sizeof(*copy)))) {
		s->samples_dropped++;
		return;
	}
	memcpy(copy, e, sizeof(*copy));
	if (vigil_array__grow((void **)&im->samples, &im->cap_samples, im->nsamples,
			      sizeof(*im->samples))) {
		free(copy);
		s->samples_dropped++;
		return;
	}
	im->samples[im->nsamples++] = copy;
	s->nsamples++;
}

void vigil_bpf_store__event(struct vigil_bpf_store *s, const void *data, size_t size)
{
	const struct vigil_bpf_hdr *h = data;
	struct vigil_bpf_image *im, *parent;

	if (size < sizeof(*h))
		return;
	pthread_mutex_lock(&s->lock);
	switch (h->type) {
	case VIGIL_BPF_EV_FORK:
		if (size < sizeof(*h) || current(s, h->tgid))
			break;
		parent = current(s, h->ppid);
		im = new_image(s, h->tgid, h->ppid, h->ts_ns);
		if (im && parent)
			copy_parent(im, parent);
		if (im)
			im->maps_read = parent && parent->maps_read;
		break;
	case VIGIL_BPF_EV_EXEC: {
		const struct vigil_bpf_exec *e = data;
		char filename[VIGIL_BPF_PATH + 1];

		if (size < sizeof(*e))
			break;
		im = current(s, h->tgid);
		/* The root and adopted processes have an empty image waiting for this. */
		if (im && (im->exe || im->nsamples)) {
			im->replaced = true;
			im = NULL;
		}
		if (!im && !(im = new_image(s, h->tgid, h->ppid, h->ts_ns)))
			break;
		im->ppid = h->ppid;
		im->start_ns = h->ts_ns + (uint64_t)s->mono_to_real;
		im->start_code = e->start_code;
		im->end_code = e->end_code;
		memcpy(filename, e->filename, VIGIL_BPF_PATH);
		filename[VIGIL_BPF_PATH] = '\0';
		read_identity(im, filename);
		if (!vigil_procmaps__read(h->tgid, &im->mods, &im->nmods, &im->cap_mods))
			im->maps_read = true;
		break;
	}
	case VIGIL_BPF_EV_EXIT: {
		const struct vigil_bpf_exit *e = data;

		if (size < sizeof(*e))
			break;
		im = current(s, h->tgid);
		if (!im && !(im = new_image(s, h->tgid, h->ppid, h->ts_ns)))
			break;
		im->has_exit = true;
		im->wstatus = e->code;
		im->killer_sig = e->killer_sig;
		im->killer_tgid = e->killer_tgid;
		break;
	}
	case VIGIL_BPF_EV_ERROR:
	case VIGIL_BPF_EV_WX:
	case VIGIL_BPF_EV_SLOW:
	case VIGIL_BPF_EV_CRASH:
		if (size >= sizeof(struct vigil_bpf_sample))
			on_sample(s, data);
		break;
	}
	pthread_mutex_unlock(&s->lock);
}

/* ---- writing ---- */

struct out {
	int fd;
	int err;
	uint8_t buf[16384];
};

static void put(struct out *o, size_t n)
{
	size_t done = 0;

	if (o->err)
		return;
	if (!n) {
		o->err = -EOVERFLOW;
		return;
	}
	while (done < n) {
		ssize_t w = write(o->fd, o->buf + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			o->err = -errno;
			return;
		}
		done += (size_t)w;
	}
}

static const struct vigil_pmod *module_of(const struct vigil_bpf_image *im, uint64_t pc)
{
	for (size_t i = im->nmods; i-- > 0;)
		if (pc >= im->mods[i].start && pc < im->mods[i].end)
			return &im->mods[i];
	return NULL;
}

/* The frame-pointer walk misses the caller of a frameless leaf: .eh_frame gives it. */
static unsigned sample_pcs(struct vigil_cfi *cfi, const struct vigil_bpf_image *im,
			   const struct vigil_bpf_sample *e, uintptr_t *pcs, unsigned cap)
{
	unsigned n = 0, nf = e->nframes < VIGIL_BPF_FRAMES ? e->nframes : VIGIL_BPF_FRAMES;
	const struct vigil_pmod *m;
	uint64_t ra = 0;

	if (!nf && e->ip)
		pcs[n++] = e->ip;
	for (unsigned i = 0; i < nf && n < cap; i++) {
		/* Past the last frame with a frame pointer the walk reads garbage. */
		if (i && (!(m = module_of(im, e->frames[i])) ||
			  !vigil_cfi__after_call(cfi, m->path, m->base, e->frames[i])))
			break;
		pcs[n++] = e->frames[i];
		if (i || e->frames[0] != e->ip || !(m = module_of(im, e->ip)))
			continue;
		ra = vigil_cfi__caller(cfi, m->path, m->base, e->ip, e->stack,
				       e->stack_bytes < sizeof(e->stack) ? e->stack_bytes
									 : sizeof(e->stack));
		if (ra && module_of(im, ra) && (nf < 2 || e->frames[1] != ra) && n < cap)
			pcs[n++] = ra;
	}
	return n;
}

static bool benign(unsigned nr, unsigned err)
{
	/* Results that are the normal answer of a well-used call: EAGAIN of non-blocking
	 * I/O (spins are the preload's nonblocking-spin), interrupted calls, connects in
	 * progress, futex timeouts, no child to wait for, and the kernel's internal
	 * restart codes that never reach the program. */
	return err == EAGAIN || err == EINTR || err == EINPROGRESS || err == ECHILD ||
	       err >= 512 || nr == 202 /* futex */;
}

struct sysrow_list {
	struct vigil_rec_sysrow *rows;
	size_t n, cap;
};

struct tgid_rows {
	uint32_t tgid;
	struct sysrow_list l;
	struct vigil_bpf_err_val *vals; /* parallel to error rows, for rates */
	size_t nvals, cap_vals;
};

struct tables {
	struct tgid_rows *t;
	size_t n, cap;
	uint64_t (*hist)[VIGIL_BPF_HIST];
};

static struct tgid_rows *rows_of(struct tables *tb, uint32_t tgid)
{
	for (size_t i = 0; i < tb->n; i++)
		if (tb->t[i].tgid == tgid)
			return &tb->t[i];
	if (vigil_array__grow((void **)&tb->t, &tb->cap, tb->n, sizeof(*tb->t)))
		return NULL;
	memset(&tb->t[tb->n], 0, sizeof(tb->t[0]));
	tb->t[tb->n].tgid = tgid;
	return &tb->t[tb->n++];
}

static int add_row(struct tgid_rows *r, unsigned nr, unsigned err, uint64_t count,
		   const struct vigil_bpf_err_val *v)
{
	if (vigil_array__grow((void **)&r->l.rows, &r->l.cap, r->l.n, sizeof(*r->l.rows)))
		return -ENOMEM;
	r->l.rows[r->l.n++] = (struct vigil_rec_sysrow){.nr = (uint16_t)nr, .err = (uint16_t)err,
						       .count = count};
	if (!err)
		return 0;
	if (vigil_array__grow((void **)&r->vals, &r->cap_vals, r->nvals, sizeof(*r->vals)))
		return -ENOMEM;
	r->vals[r->nvals++] = *v;
	return 0;
}

static int read_tables(const struct vigil_bpf_tables *t, struct tables *tb)
{
	struct vigil_bpf_err_key ek, *prev_e = NULL;
	struct vigil_bpf_calls_key ck, *prev_c = NULL;
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *per_cpu;
	int err = 0;

	while (!err && !bpf_map_get_next_key(t->errors_fd, prev_e, &ek)) {
		struct vigil_bpf_err_val v;
		struct tgid_rows *r;

		prev_e = &ek;
		if (bpf_map_lookup_elem(t->errors_fd, &ek, &v))
			continue;
		r = rows_of(tb, ek.tgid);
		err = r ? add_row(r, ek.nr, ek.err, v.count, &v) : -ENOMEM;
	}
	while (!err && !bpf_map_get_next_key(t->calls_fd, prev_c, &ck)) {
		uint64_t v;
		struct tgid_rows *r;

		prev_c = &ck;
		if (bpf_map_lookup_elem(t->calls_fd, &ck, &v))
			continue;
		r = rows_of(tb, ck.tgid);
		err = r ? add_row(r, ck.nr, 0, v, NULL) : -ENOMEM;
	}
	if (err || ncpu <= 0)
		return err ? err : -EINVAL;
	tb->hist = calloc(VIGIL_BPF_NR, sizeof(*tb->hist));
	per_cpu = calloc((size_t)ncpu, sizeof(uint64_t));
	if (!tb->hist || !per_cpu) {
		free(per_cpu);
		return -ENOMEM;
	}
	for (__u32 k = 0; k < VIGIL_BPF_NR * VIGIL_BPF_HIST; k++) {
		if (bpf_map_lookup_elem(t->hist_fd, &k, per_cpu))
			continue;
		for (int c = 0; c < ncpu; c++)
			tb->hist[k / VIGIL_BPF_HIST][k % VIGIL_BPF_HIST] += per_cpu[c];
	}
	free(per_cpu);
	return 0;
}

static void tables_free(struct tables *tb)
{
	for (size_t i = 0; i < tb->n; i++) {
		free(tb->t[i].l.rows);
		free(tb->t[i].vals);
	}
	free(tb->t);
	free(tb->hist);
}

/* Upper edge of the bucket holding the median call of nr. */
static uint64_t median_ns(const struct tables *tb, unsigned nr)
{
	uint64_t total = 0, acc = 0;

	for (unsigned b = 0; b < VIGIL_BPF_HIST; b++)
		total += tb->hist[nr][b];
	for (unsigned b = 0; b < VIGIL_BPF_HIST; b++) {
		acc += tb->hist[nr][b];
		if (total && acc * 2 >= total)
			return 2ull << b;
	}
	return 0;
}

struct writer {
	struct out *o;
	struct vigil_cfi *cfi;
	const struct vigil_bpf_image *im;
	uint32_t next_stack;
};

/* Writes the sample's stack; its id, 0 when it has none. */
static uint32_t put_stack(struct writer *w, const struct vigil_bpf_sample *e)
{
	uintptr_t pcs[VIGIL_BPF_FRAMES + 1];
	unsigned n = sample_pcs(w->cfi, w->im, e, pcs, VIGIL_BPF_FRAMES + 1);

	if (!n)
		return 0;
	w->next_stack++;
	put(w->o, vigil_rawlog__enc_stack(w->o->buf, sizeof(w->o->buf), e->hdr.tid, e->hdr.ts_ns,
					  w->next_stack, pcs, n));
	return w->next_stack;
}

static void put_finding(struct writer *w, const struct vigil_bpf_sample *e, unsigned kind,
			unsigned sev, uint64_t count, unsigned role, uint16_t flags,
			const struct vigil_rec_kv *kv, unsigned nkv)
{
	struct vigil_rec_fstack fs = {.tid = e ? e->hdr.tid : w->im->tgid, .role = (uint16_t)role,
				      .flags = flags};
	unsigned nfs = 0;

	if (e && (fs.stack_id = put_stack(w, e)))
		nfs = 1;
	put(w->o, vigil_rawlog__enc_finding(w->o->buf, sizeof(w->o->buf), fs.tid,
					    e ? e->hdr.ts_ns : 0, kind, sev, count, &fs, nfs, kv,
					    nkv));
}

#define KV(k, v) ((struct vigil_rec_kv){.key = (k), .value = (v)})

static const struct vigil_bpf_sample *first_error(const struct vigil_bpf_image *im,
						  unsigned nr, unsigned err)
{
	for (size_t i = 0; i < im->nsamples; i++)
		if (im->samples[i]->hdr.type == VIGIL_BPF_EV_ERROR && im->samples[i]->nr == nr &&
		    (unsigned)im->samples[i]->err == err)
			return im->samples[i];
	return NULL;
}

static uint64_t calls_of(const struct tgid_rows *r, unsigned nr)
{
	for (size_t i = 0; r && i < r->l.n; i++)
		if (r->l.rows[i].nr == nr && !r->l.rows[i].err)
			return r->l.rows[i].count;
	return 0;
}

/* The image a finding about (tgid, nr, err) belongs in: the one holding the first
 * failure's sample, else the last image of the process. */
static const struct vigil_bpf_image *error_home(const struct vigil_bpf_store *s, uint32_t tgid,
						unsigned nr, unsigned err)
{
	const struct vigil_bpf_image *last = NULL;

	for (size_t i = 0; i < s->nimgs; i++) {
		if (s->imgs[i]->tgid != tgid)
			continue;
		if (first_error(s->imgs[i], nr, err))
			return s->imgs[i];
		last = s->imgs[i];
	}
	return last;
}

static void put_errors(struct writer *w, const struct vigil_bpf_store *s,
		       const struct vigil_bpf_tables *t, const struct tgid_rows *r)
{
	size_t vi = 0;

	for (size_t i = 0; r && i < r->l.n; i++) {
		const struct vigil_rec_sysrow *row = &r->l.rows[i];
		const struct vigil_bpf_err_val *v;
		uint64_t window_ns, rate;

		if (!row->err)
			continue;
		v = &r->vals[vi++];
		if (row->count < t->errors_min || benign(row->nr, row->err) ||
		    error_home(s, w->im->tgid, row->nr, row->err) != w->im)
			continue;
		window_ns = v->last_ns - v->first_ns;
		rate = window_ns ? row->count * 1000000000ull / window_ns : row->count;
		if (rate < t->errors_rate)
			continue;
		struct vigil_rec_kv kv[] = {
			KV(VIGIL_KEY_SYSCALL, row->nr),     KV(VIGIL_KEY_ERRNO, row->err),
			KV(VIGIL_KEY_CALLS, calls_of(r, row->nr)), KV(VIGIL_KEY_RATE, rate),
			KV(VIGIL_KEY_WINDOW_MS, window_ns / 1000000),
		};
		put_finding(w, first_error(w->im, row->nr, row->err), VIGIL_FK_SYSCALL_ERRORS,
			    VIGIL_SEV_WARNING, row->count, VIGIL_ROLE_CALL, 0, kv,
			    sizeof(kv) / sizeof(kv[0]));
	}
}

/* The slowest sample of nr in the whole run, if any crossed. */
static const struct vigil_bpf_sample *slowest(const struct vigil_bpf_store *s, unsigned nr)
{
	const struct vigil_bpf_sample *best = NULL;

	for (size_t i = 0; i < s->nimgs; i++)
		for (size_t j = 0; j < s->imgs[i]->nsamples; j++) {
			const struct vigil_bpf_sample *e = s->imgs[i]->samples[j];

			if (e->hdr.type == VIGIL_BPF_EV_SLOW && e->nr == nr &&
			    (!best || e->value > best->value))
				best = e;
		}
	return best;
}

static void put_samples(struct writer *w, const struct vigil_bpf_store *s,
			const struct vigil_bpf_tables *t, const struct tables *tb)
{
	for (size_t i = 0; i < w->im->nsamples; i++) {
		const struct vigil_bpf_sample *e = w->im->samples[i];

		switch (e->hdr.type) {
		case VIGIL_BPF_EV_WX: {
			struct vigil_rec_kv kv[] = {KV(VIGIL_KEY_SYSCALL, e->nr),
						    KV(VIGIL_KEY_PROT, e->value),
						    KV(VIGIL_KEY_LENGTH, e->arg)};

			put_finding(w, e, VIGIL_FK_WX_MAPPING, VIGIL_SEV_WARNING, 1,
				    VIGIL_ROLE_CALL, 0, kv, 3);
			break;
		}
		case VIGIL_BPF_EV_SLOW: {
			uint64_t med = median_ns(tb, e->nr < VIGIL_BPF_NR ? e->nr : 0);
			struct vigil_rec_kv kv[] = {KV(VIGIL_KEY_SYSCALL, e->nr),
						    KV(VIGIL_KEY_LATENCY_NS, e->value),
						    KV(VIGIL_KEY_MEDIAN_NS, med)};

			/* An outlier: far above what the call usually takes in this run. */
			if (!t->slow_ns || e->value < t->slow_ns || slowest(s, e->nr) != e ||
			    e->value < 16 * med)
				break;
			put_finding(w, e, VIGIL_FK_SLOW_SYSCALL, VIGIL_SEV_INFO, 1, VIGIL_ROLE_CALL,
				    0, kv, 3);
			break;
		}
		case VIGIL_BPF_EV_CRASH: {
			struct vigil_rec_kv kv[] = {KV(VIGIL_KEY_SIGNAL, e->nr),
						    KV(VIGIL_KEY_SI_CODE, (uint64_t)(int64_t)e->err),
						    KV(VIGIL_KEY_FAULT_ADDR, e->value)};
			/* Only a fault sent by the kernel has an address (si_code > 0). */
			bool fault = (e->nr == SIGSEGV || e->nr == SIGBUS || e->nr == SIGILL ||
				      e->nr == SIGFPE) && e->err > 0;

			put_finding(w, e, VIGIL_FK_CRASH, VIGIL_SEV_ERROR, 1, VIGIL_ROLE_CRASH,
				    VIGIL_STACK_EXACT_PC0, kv, fault ? 3 : 2);
			break;
		}
		}
	}
}

static void put_process(struct writer *w)
{
	const struct vigil_bpf_image *im = w->im;
	const char *exe = im->exe ? im->exe : "?";
	size_t n = vigil_rawlog__enc_process(w->o->buf, sizeof(w->o->buf), im->tgid, 0, im->tgid,
					     im->ppid, im->start_ns, exe, im->args ? im->args : "",
					     im->args ? im->args_len : 0, im->args ? im->argc : 0,
					     1u << VIGIL_CHECK_SYSCALLS, 0);

	if (n)
		((struct vigil_rec_hdr *)w->o->buf)->flags = VIGIL_PROCESS_KERNEL;
	put(w->o, n);
}

static void put_modules(struct writer *w)
{
	const struct vigil_bpf_image *im = w->im;
	uint64_t bias;

	for (size_t i = 0; i < im->nmods; i++) {
		const struct vigil_pmod *m = &im->mods[i];

		put(w->o, vigil_rawlog__enc_module(w->o->buf, sizeof(w->o->buf), im->tgid, 0,
						   VIGIL_REC_MODULE, m->base, m->start, m->end,
						   m->main ? VIGIL_MODULE_MAIN : 0, NULL, 0, m->path));
	}
	/* The maps were missed (a short-lived static image): its text is where the kernel
	 * said it put it. */
	if (!im->nmods && im->exe && im->start_code &&
	    !vigil_procmaps__bias_from_text(im->exe, im->start_code, &bias))
		put(w->o, vigil_rawlog__enc_module(w->o->buf, sizeof(w->o->buf), im->tgid, 0,
						   VIGIL_REC_MODULE, bias, im->start_code,
						   im->end_code, VIGIL_MODULE_MAIN, NULL, 0, im->exe));
}

static void put_table(struct writer *w, const struct tgid_rows *r, const struct vigil_bpf_tables *t,
		      bool root)
{
	struct vigil_rec_syscalls *rec = (void *)w->o->buf;
	const size_t per = (sizeof(w->o->buf) - sizeof(*rec)) / sizeof(struct vigil_rec_sysrow);
	uint64_t calls = 0, failures = 0;

	for (size_t i = 0; r && i < r->l.n; i += per) {
		size_t n = r->l.n - i < per ? r->l.n - i : per;
		size_t size = sizeof(*rec) + n * sizeof(struct vigil_rec_sysrow);

		memset(rec, 0, sizeof(*rec));
		rec->hdr.kind = VIGIL_REC_SYSCALLS;
		rec->hdr.size = (uint32_t)size;
		rec->hdr.tid = w->im->tgid;
		rec->n = (uint32_t)n;
		memcpy(rec + 1, r->l.rows + i, n * sizeof(struct vigil_rec_sysrow));
		put(w->o, size);
	}
	for (size_t i = 0; r && i < r->l.n; i++) {
		if (r->l.rows[i].err)
			failures += r->l.rows[i].count;
		else
			calls += r->l.rows[i].count;
	}
	{
		struct vigil_rec_kv kv[7] = {KV(VIGIL_KEY_SYSCALLS_TOTAL, calls),
					     KV(VIGIL_KEY_SYSCALL_FAILURES, failures)};
		unsigned nkv = 2;

		if (w->im->has_exit && w->im->killer_sig && WIFSIGNALED((int)w->im->wstatus))
			kv[nkv++] = KV(VIGIL_KEY_KILLER_PID, w->im->killer_tgid);

		if (root) {
			kv[nkv++] = KV(VIGIL_KEY_BPF_DROPS, t->drops);
			kv[nkv++] = KV(VIGIL_KEY_BPF_TABLE_FULL, t->table_full);
			kv[nkv++] = KV(VIGIL_KEY_BPF_UNTRACKED, t->untracked);
		}
		put(w->o, vigil_rawlog__enc_stats(w->o->buf, sizeof(w->o->buf), w->im->tgid, 0, kv,
						  nkv));
	}
}

static void put_latency(struct writer *w, const struct tables *tb)
{
	struct vigil_rec_syslat *rec = (void *)w->o->buf;
	size_t size = sizeof(*rec) + VIGIL_BPF_HIST * sizeof(uint64_t);

	for (unsigned nr = 0; nr < VIGIL_BPF_NR; nr++) {
		bool any = false;

		for (unsigned b = 0; b < VIGIL_BPF_HIST; b++)
			any |= tb->hist[nr][b] != 0;
		if (!any)
			continue;
		memset(rec, 0, sizeof(*rec));
		rec->hdr.kind = VIGIL_REC_SYSLAT;
		rec->hdr.size = (uint32_t)size;
		rec->nr = nr;
		rec->nbuckets = VIGIL_BPF_HIST;
		memcpy(rec + 1, tb->hist[nr], VIGIL_BPF_HIST * sizeof(uint64_t));
		put(w->o, size);
	}
}

static void put_exit(struct writer *w)
{
	const struct vigil_bpf_image *im = w->im;
	int st = (int)im->wstatus;

	if (!im->has_exit)
		return;
	put(w->o, vigil_rawlog__enc_exit(w->o->buf, sizeof(w->o->buf), im->tgid, 0,
					 WIFSIGNALED(st) ? VIGIL_EXIT_SIGNAL : VIGIL_EXIT_RETURN,
					 WIFSIGNALED(st) ? 0 : WEXITSTATUS(st),
					 WIFSIGNALED(st) ? WTERMSIG(st) : 0));
}

static bool last_of(const struct vigil_bpf_store *s, size_t i)
{
	for (size_t j = i + 1; j < s->nimgs; j++)
		if (s->imgs[j]->tgid == s->imgs[i]->tgid)
			return false;
	return true;
}

static void base_name_of(const char *exe, char *out, size_t len)
{
	const char *b = exe ? strrchr(exe, '/') : NULL;
	size_t k = 0;

	b = b ? b + 1 : exe ? exe : "unknown";
	for (; *b && k + 1 < len; b++)
		out[k++] = (*b == '.' || *b == '/' || (unsigned char)*b < 0x20) ? '_' : *b;
	out[k] = '\0';
	if (!k)
		snprintf(out, len, "unknown");
}

int vigil_bpf_store__write(struct vigil_bpf_store *s, const struct vigil_bpf_tables *in,
			   const char *raw, uint32_t root)
{
	/* Samples past the store's cap are lost events too. */
	struct vigil_bpf_tables tcopy = *in, *t = &tcopy;
	struct tables tb = {0};
	struct vigil_cfi *cfi = vigil_cfi__new();
	struct out *o = malloc(sizeof(*o));
	int err = cfi && o ? 0 : -ENOMEM;

	pthread_mutex_lock(&s->lock);
	tcopy.drops += s->samples_dropped;
	if (!err)
		err = read_tables(t, &tb);
	for (size_t i = 0; !err && i < s->nimgs; i++) {
		const struct vigil_bpf_image *im = s->imgs[i];
		bool last = last_of(s, i), is_root = im->tgid == root && last;
		struct writer w = {.o = o, .cfi = cfi, .im = im};
		const struct tgid_rows *r = NULL;
		char name[64], path[PATH_MAX];

		for (size_t k = 0; k < tb.n; k++)
			if (tb.t[k].tgid == im->tgid)
				r = &tb.t[k];
		/* An image that only passed through (a fork child before its exec) says
		 * nothing the next one does not. */
		if (!last && !im->nsamples)
			continue;
		base_name_of(im->exe, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s.%u.%zu.kernel.log", raw, name, im->tgid, i);
		o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (o->fd < 0) {
			err = -errno;
			break;
		}
		o->err = 0;
		put(o, vigil_rawlog__enc_version(o->buf, sizeof(o->buf), im->tgid, 0));
		put_process(&w);
		put_modules(&w);
		put_errors(&w, s, t, r);
		put_samples(&w, s, t, &tb);
		if (last)
			put_table(&w, r, t, is_root);
		if (is_root)
			put_latency(&w, &tb);
		put_exit(&w);
		err = o->err;
		close(o->fd);
	}
	pthread_mutex_unlock(&s->lock);
	tables_free(&tb);
	vigil_cfi__free(cfi);
	free(o);
	return err;
}
