// SPDX-License-Identifier: MIT
/* Used without the CLI (LD_PRELOAD=libvigil.so prog), the library renders its own raw
 * log as text at exit, with function names from dladdr (no line numbers: that takes
 * `vigil report DIR`, which symbolizes with DWARF). */
#include <dlfcn.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ialloc.h"
#include "rawlog.h"
#include "rt.h"
#include "vigil/finding.h"

#define MAX_LOG (16u << 20)
#define MAX_SHOWN 100

struct out {
	int fd;
	char buf[4096];
	size_t n;
};

static void flush(struct out *o)
{
	if (o->n && write(o->fd, o->buf, o->n) < 0)
		o->n = 0;
	o->n = 0;
	o->buf[0] = '\0';
}

static void put(struct out *o, const char *s)
{
	if (o->n + strlen(s) + 1 >= sizeof(o->buf))
		flush(o);
	vigil_fmt__str(o->buf, sizeof(o->buf), &o->n, s);
}

static void put_u(struct out *o, uint64_t v)
{
	if (o->n + 24 >= sizeof(o->buf))
		flush(o);
	vigil_fmt__u64(o->buf, sizeof(o->buf), &o->n, v);
}

static void put_x(struct out *o, uint64_t v)
{
	if (o->n + 24 >= sizeof(o->buf))
		flush(o);
	vigil_fmt__hex(o->buf, sizeof(o->buf), &o->n, v);
}

static const struct vigil_rec_stack *find_stack(const char *log, size_t len, uint32_t id)
{
	for (size_t off = 0; off + sizeof(struct vigil_rec_hdr) <= len;) {
		const struct vigil_rec_hdr *h = (const void *)(log + off);
		if (h->size < sizeof(*h) || off + h->size > len)
			break;
		if (h->kind == VIGIL_REC_STACK && ((const struct vigil_rec_stack *)h)->id == id)
			return (const void *)h;
		off += h->size;
	}
	return NULL;
}

static void put_stack(struct out *o, const struct vigil_rec_stack *st)
{
	const __u64 *pcs = (const __u64 *)(st + 1);

	for (unsigned i = 0; i < st->depth; i++) {
		Dl_info di;
		put(o, "    #");
		put_u(o, i);
		put(o, " ");
		put_x(o, pcs[i]);
		if (dladdr((void *)(uintptr_t)(i ? pcs[i] - 1 : pcs[i]), &di)) {
			put(o, " in ");
			put(o, di.dli_sname ? di.dli_sname : "??");
			put(o, " (");
			put(o, di.dli_fname ? di.dli_fname : "?");
			put(o, "+");
			put_x(o, pcs[i] - (uintptr_t)di.dli_fbase);
			put(o, ")");
		}
		put(o, "\n");
	}
}

static void put_finding(struct out *o, const char *log, size_t len,
			const struct vigil_rec_finding *f)
{
	const struct vigil_rec_fstack *st = (const void *)(f + 1);
	const struct vigil_rec_kv *kv = (const void *)(st + f->nstacks);
	const char *kind = vigil_kind_name(f->fkind);
	const char *sev = vigil_severity_name(f->severity);

	put(o, "== ");
	put(o, sev ? sev : "?");
	put(o, ": ");
	put(o, kind ? kind : "?");
	put(o, " (count ");
	put_u(o, f->count);
	for (unsigned i = 0; i < f->ndetails; i++) {
		const char *k = vigil_key_name(kv[i].key);
		const char *v = vigil_key_value_name(kv[i].key, kv[i].value);

		put(o, ", ");
		put(o, k ? k : "?");
		put(o, " ");
		if (v)
			put(o, v);
		else
			put_u(o, kv[i].value);
	}
	put(o, ")\n");
	for (unsigned i = 0; i < f->nstacks; i++) {
		const struct vigil_rec_stack *s = find_stack(log, len, st[i].stack_id);
		const char *role = vigil_role_name(st[i].role);
		put(o, "  ");
		put(o, role ? role : "stack");
		put(o, ":\n");
		if (s)
			put_stack(o, s);
	}
}

void vigil_standalone__report(void)
{
	char path[VIGIL_PATH_MAX + 16];
	size_t plen = 0, len = 0;
	unsigned nfind = 0, shown = 0;
	struct out o = {.fd = -1};
	char *log;
	int fd;

	log = vigil_ialloc(MAX_LOG);
	if (!log)
		return;
	fd = (int)syscall(SYS_openat, AT_FDCWD, vigil_rawlog__path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto cleanup;
	for (ssize_t r; len < MAX_LOG && (r = read(fd, log + len, MAX_LOG - len)) > 0;)
		len += (size_t)r;
	syscall(SYS_close, fd);
	vigil_fmt__str(path, sizeof(path), &plen, vigil_rawlog__path());
	if (plen > 4 && !strcmp(path + plen - 4, ".log"))
		plen -= 4;
	path[plen] = '\0';
	vigil_fmt__str(path, sizeof(path), &plen, ".txt");
	o.fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			    0644);
	if (o.fd < 0)
		goto cleanup;
	put(&o, "vigil report for pid ");
	put_u(&o, (uint64_t)vigil_rt.pid);
	put(&o, " (function names only; `vigil report` adds files and lines)\n");
	for (size_t off = 0; off + sizeof(struct vigil_rec_hdr) <= len;) {
		const struct vigil_rec_hdr *h = (const void *)(log + off);
		if (h->size < sizeof(*h) || off + h->size > len)
			break;
		if (h->kind == VIGIL_REC_FINDING) {
			nfind++;
			if (shown++ < MAX_SHOWN)
				put_finding(&o, log, len, (const void *)h);
		}
		off += h->size;
	}
	if (!nfind)
		put(&o, "no findings\n");
	flush(&o);
	syscall(SYS_close, o.fd);
	if (nfind) {
		char n[64];
		size_t k = 0;
		vigil_fmt__u64(n, sizeof(n), &k, nfind);
		vigil_fmt__str(n, sizeof(n), &k, " finding(s); report: ");
		vigil_msg(n, path);
	}
cleanup:
	vigil_ifree(log, MAX_LOG);
}
