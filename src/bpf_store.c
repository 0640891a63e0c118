// SPDX-License-Identifier: MIT
/* The event side runs on the consumer thread while the tree runs; the write side runs
 * once after it, reading the kernel's tables. Samples are bounded: past the cap they
 * are counted, not kept. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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
#include "rawlog_read.h"
#include "../preload/rawlog.h"

#define SAMPLES_MAX 4096

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int vigil_bpf_store__init(struct vigil_bpf_store *s)
{
	memset(s, 0, sizeof(*s));
	s->errors_fd = -1;
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

struct tables;
static void tables_free(struct tables *tb);

void vigil_bpf_store__free(struct vigil_bpf_store *s)
{
	tables_free(s->kept);
	free(s->kept);
	for (size_t i = 0; i < s->nimgs; i++)
		image_free(s->imgs[i]);
	free(s->imgs);
	pthread_mutex_destroy(&s->lock);
}

/* The image of tgid that runs now: the last one, unless it exited (the pid was
 * reused since). */
static struct vigil_bpf_image *current(struct vigil_bpf_store *s, uint32_t tgid)
{
	for (size_t i = s->nimgs; i-- > 0;)
		if (s->imgs[i]->tgid == tgid)
			return s->imgs[i]->has_exit ? NULL : s->imgs[i];
	return NULL;
}

static struct vigil_bpf_image *new_image(struct vigil_bpf_store *s, uint32_t tgid,
					 uint32_t ppid, uint64_t mono_ns, uint64_t boot_ns)
{
	struct vigil_bpf_image *im;

	if (vigil_array__grow((void **)&s->imgs, &s->cap_imgs, s->nimgs, sizeof(*s->imgs)))
		return NULL;
	im = calloc(1, sizeof(*im));
	if (!im)
		return NULL;
	im->tgid = tgid;
	im->ppid = ppid;
	im->boot_ns = boot_ns;
	im->start_ns = mono_ns ? mono_ns + (uint64_t)s->mono_to_real : clock_ns(CLOCK_REALTIME);
	s->imgs[s->nimgs++] = im;
	return im;
}

static void read_identity(struct vigil_bpf_image *im, const char *filename);

int vigil_bpf_store__process(struct vigil_bpf_store *s, uint32_t tgid, uint32_t ppid)
{
	int err = 0, pp;

	pthread_mutex_lock(&s->lock);
	if (!current(s, tgid) && !new_image(s, tgid, ppid, 0, 0))
		err = -ENOMEM;
	pthread_mutex_unlock(&s->lock);
	if (err || ppid)
		return err;
	/* An adopted process: its parent from /proc. */
	if (vigil_proc__stat((pid_t)tgid, &pp, NULL))
		pp = 0;
	pthread_mutex_lock(&s->lock);
	current(s, tgid)->ppid = (uint32_t)pp;
	read_identity(current(s, tgid), NULL);
	if (!vigil_procmaps__read((pid_t)tgid, &current(s, tgid)->mods, &current(s, tgid)->nmods,
				  &current(s, tgid)->cap_mods))
		current(s, tgid)->maps_read = true;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static const char *base_name_of_path(const char *p)
{
	const char *b = strrchr(p, '/');

	return b ? b + 1 : p;
}

/* Whether /proc/TGID is still the image's process: by the time an event is read the
 * process may be gone and its pid taken by another (a thread of anything). */
static bool alive(const struct vigil_bpf_image *im)
{
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t at, slack;

	if (vigil_proc__stat((pid_t)im->tgid, NULL, &ticks) || hz <= 0)
		return false;
	if (!im->boot_ns)
		return true;
	at = ticks * (1000000000ull / (uint64_t)hz);
	slack = 2 * (1000000000ull / (uint64_t)hz);
	return at + slack >= im->boot_ns && at <= im->boot_ns + slack;
}

/* exe, argv and maps of a live process; what cannot be read stays as it was. */
static void read_identity(struct vigil_bpf_image *im, const char *filename)
{
	char path[64], exe[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/exe", im->tgid);
	n = alive(im) ? readlink(path, exe, sizeof(exe) - 1) : -1;
	if (n > 0)
		exe[n] = '\0';
	/* Read late, /proc may already show a later exec of the same process (a name
	 * under /proc, /proc/self/exe, says nothing to compare). */
	if (n > 0 && filename && filename[0] && strncmp(filename, "/proc/", 6) &&
	    strcmp(base_name_of_path(exe), base_name_of_path(filename)))
		n = -1;
	if (n > 0) {
		free(im->exe);
		im->exe = strdup(exe);
	} else if (filename && filename[0] && !strncmp(filename, "/proc/", 6)) {
		/* Gone, and exec'd through /proc (itself, most likely): the name would
		 * resolve against vigil's own /proc. */
		if (!im->exe)
			im->exe = strdup(filename);
	} else if (filename && filename[0]) {
		/* The process is gone: the name exec was given, made canonical as
		 * /proc/PID/exe would have been (/bin/true is /usr/bin/true), so that it
		 * names the same image as the preload's log. */
		char *real = realpath(filename, NULL);

		free(im->exe);
		im->exe = real ? real : strdup(filename);
	}
	if (n > 0) {
		char *buf;
		ssize_t got = vigil_proc__cmdline((pid_t)im->tgid, &buf);

		if (got > 0) {
			free(im->args);
			im->args = buf;
			im->args_len = (size_t)got;
			im->argc = 0;
			for (ssize_t i = 0; i < got; i++)
				im->argc += buf[i] == '\0';
		}
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

	if (!im && !(im = new_image(s, e->hdr.tgid, e->hdr.ppid, e->hdr.ts_ns, e->hdr.boot_ns)))
		return;
	if (!im->exe || !im->maps_read || !mapped(im, e->ip)) {
		if (!im->exe)
			read_identity(im, NULL);
		if (alive(im) &&
		    !vigil_procmaps__read(e->hdr.tgid, &im->mods, &im->nmods, &im->cap_mods))
			im->maps_read = true;
	}
	/* A crash is never left out: there is one per process at most. */
	if ((s->nsamples >= SAMPLES_MAX && e->hdr.type != VIGIL_BPF_EV_CRASH) ||
	    !(copy = malloc(sizeof(*copy)))) {
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

/* Stacks of failures that stayed under the threshold make no finding: the cap on kept
 * samples is for the processes still running. */
static void forget_unreported(struct vigil_bpf_store *s, struct vigil_bpf_image *im)
{
	size_t k = 0;

	if (s->errors_fd < 0)
		return;
	for (size_t i = 0; i < im->nsamples; i++) {
		struct vigil_bpf_sample *e = im->samples[i];
		struct vigil_bpf_err_key key = {.tgid = im->tgid, .nr = (__u16)e->nr,
						.err = (__u16)e->err};
		struct vigil_bpf_err_val v;

		if (e->hdr.type == VIGIL_BPF_EV_ERROR &&
		    (bpf_map_lookup_elem(s->errors_fd, &key, &v) || v.count < s->errors_min)) {
			free(e);
			s->nsamples--;
			continue;
		}
		im->samples[k++] = e;
	}
	im->nsamples = k;
}

void vigil_bpf_store__event(struct vigil_bpf_store *s, const void *data, size_t size)
{
	const struct vigil_bpf_hdr *h = data;
	struct vigil_bpf_image *im, *parent;

	if (size < sizeof(*h))
		return;
	pthread_mutex_lock(&s->lock);
	im = current(s, h->tgid);
	if (im && !im->boot_ns && h->type != VIGIL_BPF_EV_FORK)
		im->boot_ns = h->boot_ns;
	switch (h->type) {
	case VIGIL_BPF_EV_FORK:
		if (size < sizeof(*h) || current(s, h->tgid))
			break;
		parent = current(s, h->ppid);
		im = new_image(s, h->tgid, h->ppid, h->ts_ns, h->boot_ns);
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
			parent = im;
			im = NULL;
		} else {
			parent = NULL;
		}
		if (!im && !(im = new_image(s, h->tgid, h->ppid, h->ts_ns, h->boot_ns)))
			break;
		/* The image before: what an exec through /proc/self/exe runs again. */
		if (parent && parent->exe && !strncmp(e->filename, "/proc/", 6))
			im->exe = strdup(parent->exe);
		im->ppid = h->ppid;
		im->start_ns = h->ts_ns + (uint64_t)s->mono_to_real;
		im->start_code = e->start_code;
		im->end_code = e->end_code;
		memcpy(filename, e->filename, VIGIL_BPF_PATH);
		filename[VIGIL_BPF_PATH] = '\0';
		read_identity(im, filename);
		if (alive(im) && !vigil_procmaps__read(h->tgid, &im->mods, &im->nmods, &im->cap_mods))
			im->maps_read = true;
		break;
	}
	case VIGIL_BPF_EV_EXIT: {
		const struct vigil_bpf_exit *e = data;

		if (size < sizeof(*e))
			break;
		im = current(s, h->tgid);
		if (!im && !(im = new_image(s, h->tgid, h->ppid, h->ts_ns, h->boot_ns)))
			break;
		im->has_exit = true;
		im->wstatus = e->code;
		im->killer_sig = e->killer_sig;
		im->killer_tgid = e->killer_tgid;
		for (size_t i = 0; i < s->nimgs; i++)
			if (s->imgs[i]->tgid == h->tgid)
				forget_unreported(s, s->imgs[i]);
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
	 * progress, futex timeouts, no child to wait for, isatty() on what is not a
	 * terminal, realpath() asking readlink about what is not a link, and the kernel's
	 * internal restart codes that never reach the program. */
	return err == EAGAIN || err == EINTR || err == EINPROGRESS || err == ECHILD ||
	       err >= 512 || nr == SYS_futex || (nr == SYS_ioctl && err == ENOTTY) ||
	       ((nr == SYS_readlink || nr == SYS_readlinkat) && err == EINVAL);
}

struct sysrow_list {
	struct vigil_rec_sysrow *rows;
	size_t n, cap;
};

struct wx_row {
	uint32_t nr;
	uint64_t count;
};

struct tgid_rows {
	uint32_t tgid;
	struct sysrow_list l;
	struct vigil_bpf_err_val *vals; /* parallel to error rows, for rates */
	size_t nvals, cap_vals;
	struct wx_row *wx;              /* W+X calls per syscall */
	size_t nwx, cap_wx;
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

static int add_wx(struct tgid_rows *r, unsigned nr, uint64_t count)
{
	if (vigil_array__grow((void **)&r->wx, &r->cap_wx, r->nwx, sizeof(*r->wx)))
		return -ENOMEM;
	r->wx[r->nwx++] = (struct wx_row){.nr = nr, .count = count};
	return 0;
}

/* A process that exited: its rows in the kernel's tables are final. */
static bool exited(const struct vigil_bpf_store *s, uint32_t tgid)
{
	for (size_t i = s->nimgs; i-- > 0;)
		if (s->imgs[i]->tgid == tgid)
			return s->imgs[i]->has_exit;
	return false;
}

struct keys {
	void *k;
	size_t n, cap, size;
};

static int keep_key(struct keys *ks, const void *key)
{
	if (vigil_array__grow(&ks->k, &ks->cap, ks->n, ks->size))
		return -ENOMEM;
	memcpy((char *)ks->k + ks->n++ * ks->size, key, ks->size);
	return 0;
}

static void delete_keys(int fd, struct keys *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		bpf_map_delete_elem(fd, (char *)ks->k + i * ks->size);
	free(ks->k);
	*ks = (struct keys){.size = ks->size};
}

/* Moves the per-process rows of the kernel's tables into tb: all of them (only_exited
 * false, at the end), or those of exited processes, which are then deleted from the
 * maps so that the maps hold the running processes only. */
static int take_rows(const struct vigil_bpf_tables *t, struct tables *tb,
		     const struct vigil_bpf_store *s, bool only_exited)
{
	struct vigil_bpf_err_key ek, *prev_e = NULL;
	struct vigil_bpf_calls_key ck, *prev_c = NULL;
	struct keys gone_e = {.size = sizeof(ek)}, gone_c = {.size = sizeof(ck)},
		    gone_w = {.size = sizeof(ck)};
	int err = 0;

	while (!err && !bpf_map_get_next_key(t->errors_fd, prev_e, &ek)) {
		struct vigil_bpf_err_val v;
		struct tgid_rows *r;

		prev_e = &ek;
		if ((only_exited && !exited(s, ek.tgid)) ||
		    bpf_map_lookup_elem(t->errors_fd, &ek, &v))
			continue;
		r = rows_of(tb, ek.tgid);
		err = r ? add_row(r, ek.nr, ek.err, v.count, &v) : -ENOMEM;
		if (!err && only_exited)
			err = keep_key(&gone_e, &ek);
	}
	for (int m = 0; m < 2; m++) {
		int fd = m ? t->wx_fd : t->calls_fd;

		prev_c = NULL;
		while (!err && !bpf_map_get_next_key(fd, prev_c, &ck)) {
			uint64_t v;
			struct tgid_rows *r;

			prev_c = &ck;
			if ((only_exited && !exited(s, ck.tgid)) || bpf_map_lookup_elem(fd, &ck, &v))
				continue;
			r = rows_of(tb, ck.tgid);
			err = !r ? -ENOMEM : m ? add_wx(r, ck.nr, v) : add_row(r, ck.nr, 0, v, NULL);
			if (!err && only_exited)
				err = keep_key(m ? &gone_w : &gone_c, &ck);
		}
	}
	delete_keys(t->errors_fd, &gone_e);
	delete_keys(t->calls_fd, &gone_c);
	delete_keys(t->wx_fd, &gone_w);
	return err;
}

/* The whole per-CPU histogram table in a few system calls instead of one per bucket
 * (16384 of them made a short run's report slow). -errno when the kernel cannot. */
static int read_hist_batch(const struct vigil_bpf_tables *t, struct tables *tb, int ncpu)
{
	const __u32 total = VIGIL_BPF_NR * VIGIL_BPF_HIST, chunk = 4096;
	__u32 *keys = calloc(chunk, sizeof(*keys)), out = 0;
	uint64_t *vals = calloc((size_t)chunk * (size_t)ncpu, sizeof(*vals));
	void *in = NULL;
	int err = keys && vals ? 0 : -ENOMEM;

	for (__u32 done = 0; !err && done < total;) {
		__u32 count = chunk;

		if (bpf_map_lookup_batch(t->hist_fd, in, &out, keys, vals, &count, NULL) &&
		    errno != ENOENT)
			err = -errno;
		for (__u32 i = 0; !err && i < count; i++)
			for (int c = 0; c < ncpu; c++)
				if (keys[i] < total)
					tb->hist[keys[i] / VIGIL_BPF_HIST][keys[i] % VIGIL_BPF_HIST] +=
						vals[(size_t)i * (size_t)ncpu + (size_t)c];
		if (!count)
			break;
		done += count;
		in = &out;
	}
	if (err)
		memset(tb->hist, 0, VIGIL_BPF_NR * sizeof(*tb->hist));
	free(keys);
	free(vals);
	return err;
}

static int read_hist(const struct vigil_bpf_tables *t, struct tables *tb)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *per_cpu;

	if (ncpu <= 0)
		return -EINVAL;
	tb->hist = calloc(VIGIL_BPF_NR, sizeof(*tb->hist));
	per_cpu = calloc((size_t)ncpu, sizeof(uint64_t));
	if (!tb->hist || !per_cpu) {
		free(per_cpu);
		return -ENOMEM;
	}
	if (!read_hist_batch(t, tb, ncpu)) {
		free(per_cpu);
		return 0;
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

void vigil_bpf_store__each_kept_error(struct vigil_bpf_store *s,
				      void (*fn)(unsigned nr, unsigned err, uint64_t count, void *arg),
				      void *arg)
{
	const struct tables *tb = s->kept;

	for (size_t i = 0; tb && i < tb->n; i++)
		for (size_t k = 0; k < tb->t[i].l.n; k++)
			if (tb->t[i].l.rows[k].err)
				fn(tb->t[i].l.rows[k].nr, tb->t[i].l.rows[k].err,
				   tb->t[i].l.rows[k].count, arg);
}

int vigil_bpf_store__drain(struct vigil_bpf_store *s, const struct vigil_bpf_tables *t)
{
	int err;

	pthread_mutex_lock(&s->lock);
	if (!s->kept)
		s->kept = calloc(1, sizeof(struct tables));
	err = s->kept ? take_rows(t, s->kept, s, true) : -ENOMEM;
	pthread_mutex_unlock(&s->lock);
	return err;
}

static void tables_free(struct tables *tb)
{
	if (!tb)
		return;
	for (size_t i = 0; i < tb->n; i++) {
		free(tb->t[i].l.rows);
		free(tb->t[i].vals);
		free(tb->t[i].wx);
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

/* The failure of (nr, err) that made the count a finding when that one was sampled
 * (the first ones are often start-up code), else the first sampled one. */
static const struct vigil_bpf_sample *first_error(const struct vigil_bpf_image *im,
						  unsigned nr, unsigned err)
{
	const struct vigil_bpf_sample *best = NULL;

	for (size_t i = 0; i < im->nsamples; i++) {
		const struct vigil_bpf_sample *e = im->samples[i];

		if (e->hdr.type == VIGIL_BPF_EV_ERROR && e->nr == nr && (unsigned)e->err == err &&
		    (!best || e->value > best->value))
			best = e;
	}
	return best;
}

static uint64_t calls_of(const struct tgid_rows *r, unsigned nr)
{
	for (size_t i = 0; r && i < r->l.n; i++)
		if (r->l.rows[i].nr == nr && !r->l.rows[i].err)
			return r->l.rows[i].count;
	return 0;
}

/* The image a finding about (tgid, nr, err) belongs in: the one holding the sample
 * first_error picks across the process's images, else its last image. */
static const struct vigil_bpf_image *error_home(const struct vigil_bpf_store *s, uint32_t tgid,
						unsigned nr, unsigned err)
{
	const struct vigil_bpf_image *last = NULL, *home = NULL;
	uint64_t best = 0;

	for (size_t i = 0; i < s->nimgs; i++) {
		const struct vigil_bpf_sample *e;

		if (s->imgs[i]->tgid != tgid)
			continue;
		last = s->imgs[i];
		e = first_error(s->imgs[i], nr, err);
		if (e && (!home || e->value > best)) {
			home = s->imgs[i];
			best = e->value;
		}
	}
	return home ? home : last;
}

/* The failure rate of a row over its window, per second. */
static uint64_t rate_of(const struct vigil_rec_sysrow *row, const struct vigil_bpf_err_val *v)
{
	uint64_t window_ns = v->last_ns - v->first_ns;

	return window_ns ? row->count * 1000000000ull / window_ns : row->count;
}

/* The process's row for (nr, err), with its window; NULL when it has none. */
static const struct vigil_rec_sysrow *error_row(const struct tgid_rows *r, unsigned nr,
						unsigned err, const struct vigil_bpf_err_val **v)
{
	size_t vi = 0;

	for (size_t i = 0; r && i < r->l.n; i++) {
		if (!r->l.rows[i].err)
			continue;
		if (r->l.rows[i].nr == nr && r->l.rows[i].err == err) {
			*v = &r->vals[vi];
			return &r->l.rows[i];
		}
		vi++;
	}
	return NULL;
}

/* Whether (nr, err) failed often and fast enough in the process to be reported. */
static bool error_reported(const struct vigil_bpf_tables *t, const struct tgid_rows *r,
			   unsigned nr, unsigned err)
{
	const struct vigil_bpf_err_val *v = NULL;
	const struct vigil_rec_sysrow *row = error_row(r, nr, err, &v);

	return row && row->count >= t->errors_min && !benign(nr, err) &&
	       rate_of(row, v) >= t->errors_rate;
}

static void put_errors(struct writer *w, const struct vigil_bpf_store *s,
		       const struct vigil_bpf_tables *t, const struct tgid_rows *r)
{
	for (size_t i = 0; r && i < r->l.n; i++) {
		const struct vigil_rec_sysrow *row = &r->l.rows[i];
		const struct vigil_bpf_err_val *v = NULL;

		if (!row->err || !error_reported(t, r, row->nr, row->err) ||
		    error_home(s, w->im->tgid, row->nr, row->err) != w->im ||
		    !error_row(r, row->nr, row->err, &v))
			continue;
		struct vigil_rec_kv kv[] = {
			KV(VIGIL_KEY_SYSCALL, row->nr),     KV(VIGIL_KEY_ERRNO, row->err),
			KV(VIGIL_KEY_CALLS, calls_of(r, row->nr)), KV(VIGIL_KEY_RATE, rate_of(row, v)),
			KV(VIGIL_KEY_WINDOW_MS, (v->last_ns - v->first_ns) / 1000000),
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

/* A W+X sample stands for itself, and the last one of its (process, syscall) also for
 * the calls past the sampled ones. */
static uint64_t wx_count(const struct vigil_bpf_image *im, const struct tgid_rows *r, size_t i)
{
	const struct vigil_bpf_sample *e = im->samples[i];
	uint64_t total = 0, sampled = 0;

	for (size_t j = i + 1; j < im->nsamples; j++)
		if (im->samples[j]->hdr.type == VIGIL_BPF_EV_WX && im->samples[j]->nr == e->nr)
			return 1;
	for (size_t j = 0; j <= i; j++)
		sampled += im->samples[j]->hdr.type == VIGIL_BPF_EV_WX && im->samples[j]->nr == e->nr;
	for (size_t j = 0; r && j < r->nwx; j++)
		if (r->wx[j].nr == e->nr)
			total += r->wx[j].count;
	return total > sampled ? 1 + total - sampled : 1;
}

/* An outlier: over the threshold, the slowest of its syscall in the run, and far
 * above what the call usually takes in this run. */
static bool slow_reported(const struct vigil_bpf_store *s, const struct vigil_bpf_tables *t,
			  const struct tables *tb, const struct vigil_bpf_sample *e)
{
	uint64_t med = median_ns(tb, e->nr < VIGIL_BPF_NR ? e->nr : 0);

	return t->slow_ns && e->value >= t->slow_ns && slowest(s, e->nr) == e &&
	       e->value >= 16 * med;
}

static void put_samples(struct writer *w, const struct vigil_bpf_store *s,
			const struct vigil_bpf_tables *t, const struct tables *tb,
			const struct tgid_rows *r)
{
	for (size_t i = 0; i < w->im->nsamples; i++) {
		const struct vigil_bpf_sample *e = w->im->samples[i];

		switch (e->hdr.type) {
		case VIGIL_BPF_EV_WX: {
			struct vigil_rec_kv kv[] = {KV(VIGIL_KEY_SYSCALL, e->nr),
						    KV(VIGIL_KEY_PROT, e->value),
						    KV(VIGIL_KEY_LENGTH, e->arg)};

			put_finding(w, e, VIGIL_FK_WX_MAPPING, VIGIL_SEV_WARNING,
				    wx_count(w->im, r, i), VIGIL_ROLE_CALL, 0, kv, 3);
			break;
		}
		case VIGIL_BPF_EV_SLOW: {
			uint64_t med = median_ns(tb, e->nr < VIGIL_BPF_NR ? e->nr : 0);
			struct vigil_rec_kv kv[] = {KV(VIGIL_KEY_SYSCALL, e->nr),
						    KV(VIGIL_KEY_LATENCY_NS, e->value),
						    KV(VIGIL_KEY_MEDIAN_NS, med)};

			if (!slow_reported(s, t, tb, e))
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
		struct vigil_rec_kv kv[8] = {KV(VIGIL_KEY_SYSCALLS_TOTAL, calls),
					     KV(VIGIL_KEY_SYSCALL_FAILURES, failures)};
		unsigned nkv = 2;

		if (w->im->has_exit && w->im->killer_sig && WIFSIGNALED((int)w->im->wstatus) &&
		    WTERMSIG((int)w->im->wstatus) == (int)w->im->killer_sig)
			kv[nkv++] = KV(VIGIL_KEY_KILLER_PID, w->im->killer_tgid);

		if (root) {
			kv[nkv++] = KV(VIGIL_KEY_BPF_DROPS, t->drops);
			kv[nkv++] = KV(VIGIL_KEY_BPF_SAMPLES_DROPPED, t->samples_dropped);
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

static bool samples_unmapped(const struct vigil_bpf_image *im)
{
	for (size_t i = 0; i < im->nsamples; i++)
		if (!module_of(im, im->samples[i]->ip))
			return true;
	return false;
}

/* A process gone before its maps could be read: when the preload ran in it, its raw
 * log names the modules (same pid, not a kernel log). */
static void borrow_modules(struct vigil_bpf_image *im, const char *raw)
{
	char suffix[32], path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(raw);

	snprintf(suffix, sizeof(suffix), ".%u.log", im->tgid);
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name), sl = strlen(suffix);
		struct vigil_plog *l;

		if (len <= sl || strcmp(de->d_name + len - sl, suffix))
			continue;
		snprintf(path, sizeof(path), "%s/%s", raw, de->d_name);
		l = vigil_plog__read_file(path);
		for (size_t i = 0; l && l->has_process && !l->kernel && l->pid == im->tgid &&
				   i < l->nmodules;
		     i++) {
			const struct vigil_plog_module *m = &l->modules[i];

			if (m->gone || module_of(im, m->start) ||
			    vigil_array__grow((void **)&im->mods, &im->cap_mods, im->nmods,
					      sizeof(*im->mods)))
				continue;
			im->mods[im->nmods] = (struct vigil_pmod){
				.path = strdup(m->path), .base = m->base, .start = m->start,
				.end = m->end, .main = m->flags & VIGIL_MODULE_MAIN};
			if (im->mods[im->nmods].path)
				im->nmods++;
		}
		vigil_plog__free(l);
	}
	if (d)
		closedir(d);
}

/* Whether any sample of the image makes a finding (see put_errors, put_samples). */
static bool reports_anything(const struct vigil_bpf_store *s, const struct vigil_bpf_tables *t,
			     const struct tables *tb, const struct vigil_bpf_image *im,
			     const struct tgid_rows *r)
{
	for (size_t i = 0; i < im->nsamples; i++) {
		const struct vigil_bpf_sample *e = im->samples[i];

		switch (e->hdr.type) {
		case VIGIL_BPF_EV_WX:
		case VIGIL_BPF_EV_CRASH:
			return true;
		case VIGIL_BPF_EV_SLOW:
			if (slow_reported(s, t, tb, e))
				return true;
			break;
		case VIGIL_BPF_EV_ERROR:
			if (error_reported(t, r, e->nr, (unsigned)e->err))
				return true;
			break;
		}
	}
	return false;
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
	struct vigil_bpf_tables tcopy = *in, *t = &tcopy;
	struct tables tb = {0};
	struct vigil_cfi *cfi = vigil_cfi__new();
	struct out *o = malloc(sizeof(*o));
	int err = cfi && o ? 0 : -ENOMEM, first_err = 0;

	pthread_mutex_lock(&s->lock);
	tcopy.samples_dropped = s->samples_dropped;
	/* What was drained from the maps while the tree ran, then what is left in them. */
	if (s->kept) {
		tb = *(struct tables *)s->kept;
		free(s->kept);
		s->kept = NULL;
	}
	if (!err)
		err = take_rows(t, &tb, s, false);
	if (!err)
		err = read_hist(t, &tb);
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
		if (!last && !reports_anything(s, t, &tb, im, r))
			continue;
		if (samples_unmapped(im))
			borrow_modules(s->imgs[i], raw);
		base_name_of(im->exe, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s.%u.%zu.kernel.log", raw, name, im->tgid, i);
		o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (o->fd < 0) {
			first_err = first_err ? first_err : -errno;
			continue;
		}
		o->err = 0;
		put(o, vigil_rawlog__enc_version(o->buf, sizeof(o->buf), im->tgid, 0));
		put_process(&w);
		put_modules(&w);
		put_errors(&w, s, t, r);
		put_samples(&w, s, t, &tb, r);
		if (last)
			put_table(&w, r, t, is_root);
		if (is_root)
			put_latency(&w, &tb);
		put_exit(&w);
		first_err = first_err ? first_err : o->err;
		close(o->fd);
	}
	pthread_mutex_unlock(&s->lock);
	err = err ? err : first_err;
	tables_free(&tb);
	vigil_cfi__free(cfi);
	free(o);
	return err;
}
