// SPDX-License-Identifier: MIT
/* Raw-log file handling and record encoding. No stdio, no malloc: callers encode into
 * stack buffers and append with one write(2). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rawlog.h"

#define PATH_CAP 4352

static int log_fd = -1;
static unsigned log_gen;
static char log_path[PATH_CAP];
static dev_t log_dev;
static ino_t log_ino;

static size_t align_up(size_t n)
{
	return (n + VIGIL_REC_ALIGN - 1) & ~(size_t)(VIGIL_REC_ALIGN - 1);
}

static void hdr(void *buf, uint16_t kind, size_t size, uint32_t tid, uint64_t ts)
{
	struct vigil_rec_hdr *h = buf;

	memset(buf, 0, size);
	h->kind = kind;
	h->size = (uint32_t)size;
	h->tid = tid;
	h->ts_ns = ts;
}

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	/* The logs hold argv and addresses: only their owner reads them. */
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static size_t put(char *dst, size_t n, size_t cap, const char *s)
{
	while (*s && n + 1 < cap)
		dst[n++] = *s++;
	dst[n] = '\0';
	return n;
}

static size_t put_u(char *dst, size_t n, size_t cap, unsigned long v)
{
	char tmp[24];
	int i = 0;

	do
		tmp[i++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (i && n + 1 < cap)
		dst[n++] = tmp[--i];
	dst[n] = '\0';
	return n;
}

/* Not close(): the preload's close wrapper protects exactly this descriptor. */
static void sys_close(int fd)
{
	syscall(SYS_close, fd);
}

static void remember(int fd)
{
	struct stat st;

	if (!fstat(fd, &st)) {
		log_dev = st.st_dev;
		log_ino = st.st_ino;
	}
}

/* Moves fd to a number >= 100, clear of those programs hand out and expect (the next
 * open() of the program must get the number it would get without vigil). */
static int high(int fd)
{
	int r = fcntl(fd, F_DUPFD_CLOEXEC, 100);

	if (r < 0)
		r = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (r < 0)
		return fd;
	sys_close(fd);
	return r;
}

/* Something closed our descriptor behind the wrappers (a raw syscall): reopen by path
 * rather than write into whatever file now has the number. */
static int check_fd(void)
{
	struct stat st;
	int fd;

	if (!fstat(log_fd, &st) && st.st_dev == log_dev && st.st_ino == log_ino)
		return 0;
	fd = open(log_path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	log_fd = high(fd);
	remember(log_fd);
	return 0;
}

void vigil_rawlog__move(void)
{
	int fd;

	if (log_fd < 0)
		return;
	fd = fcntl(log_fd, F_DUPFD_CLOEXEC, log_fd + 1);
	if (fd < 0)
		return;
	sys_close(log_fd);
	log_fd = fd;
}

int vigil_rawlog__open(const char *out, const char *exe, pid_t pid)
{
	char path[PATH_CAP];
	size_t base;
	int fd = -1, r;

	base = put(path, 0, sizeof(path), out);
	base = put(path, base, sizeof(path), "/raw");
	if (base + 64 >= sizeof(path))
		return -ENAMETOOLONG;
	r = mkdir_p(path);
	if (r)
		return r;
	base = put(path, base, sizeof(path), "/");
	base = put(path, base, sizeof(path), exe);
	base = put(path, base, sizeof(path), ".");
	base = put_u(path, base, sizeof(path), (unsigned long)pid);
	for (unsigned seq = 0; seq < 1000 && fd < 0; seq++) {
		size_t n = base;
		if (seq) {
			n = put(path, n, sizeof(path), ".");
			n = put_u(path, n, sizeof(path), seq);
		}
		put(path, n, sizeof(path), ".log");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	fd = high(fd);
	if (log_fd >= 0)
		sys_close(log_fd);
	log_fd = fd;
	remember(fd);
	memcpy(log_path, path, sizeof(path));
	__atomic_add_fetch(&log_gen, 1, __ATOMIC_RELEASE);
	return 0;
}

int vigil_rawlog__fd(void)
{
	return log_fd;
}

const char *vigil_rawlog__path(void)
{
	return log_path;
}

unsigned vigil_rawlog__gen(void)
{
	return __atomic_load_n(&log_gen, __ATOMIC_ACQUIRE);
}

int vigil_rawlog__append(const void *rec, size_t size)
{
	const char *p = rec;

	if (log_fd < 0)
		return -EBADF;
	if (check_fd())
		return -EBADF;
	while (size) {
		ssize_t w = write(log_fd, p, size);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		size -= (size_t)w;
	}
	return 0;
}

size_t vigil_rawlog__enc_version(void *buf, size_t cap, uint32_t tid, uint64_t ts)
{
	struct vigil_rec_version *r = buf;

	if (cap < sizeof(*r))
		return 0;
	hdr(buf, VIGIL_REC_VERSION, sizeof(*r), tid, ts);
	r->magic = VIGIL_RAW_MAGIC;
	r->version = VIGIL_RAW_VERSION;
	return sizeof(*r);
}

size_t vigil_rawlog__enc_process(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				 uint32_t pid, uint32_t ppid, uint64_t start_ns, const char *exe,
				 const char *argv, size_t argv_len, uint32_t argc,
				 uint32_t checks, uint32_t mode)
{
	struct vigil_rec_process *r = buf;
	size_t exe_len = strlen(exe) + 1;
	size_t size = align_up(sizeof(*r) + exe_len + argv_len);

	if (size > cap || size > VIGIL_REC_MAX)
		return 0;
	hdr(buf, VIGIL_REC_PROCESS, size, tid, ts);
	r->pid = pid;
	r->ppid = ppid;
	r->start_realtime_ns = start_ns;
	r->exe_len = (uint32_t)exe_len;
	r->argc = argc;
	r->argv_len = (uint32_t)argv_len;
	r->checks = checks;
	r->mode = mode;
	memcpy((char *)(r + 1), exe, exe_len);
	memcpy((char *)(r + 1) + exe_len, argv, argv_len);
	return size;
}

size_t vigil_rawlog__enc_module(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				uint16_t kind, uint64_t base, uint64_t start, uint64_t end,
				uint32_t flags, const uint8_t *build_id, unsigned build_id_len,
				const char *path)
{
	struct vigil_rec_module *r = buf;
	size_t path_len = strlen(path) + 1;
	size_t size = align_up(sizeof(*r) + path_len);

	if (size > cap || size > VIGIL_REC_MAX)
		return 0;
	hdr(buf, kind, size, tid, ts);
	r->base = base;
	r->start = start;
	r->end = end;
	r->path_len = (uint32_t)path_len;
	r->flags = flags;
	if (build_id_len > sizeof(r->build_id))
		build_id_len = sizeof(r->build_id);
	if (build_id_len)
		memcpy(r->build_id, build_id, build_id_len);
	r->build_id_len = (uint8_t)build_id_len;
	memcpy(r + 1, path, path_len);
	return size;
}

size_t vigil_rawlog__enc_stack(void *buf, size_t cap, uint32_t tid, uint64_t ts,
			       uint32_t id, const uintptr_t *pcs, unsigned depth)
{
	struct vigil_rec_stack *r = buf;
	size_t size = sizeof(*r) + depth * sizeof(__u64);
	__u64 *out = (__u64 *)(r + 1);

	if (size > cap)
		return 0;
	hdr(buf, VIGIL_REC_STACK, size, tid, ts);
	r->id = id;
	r->depth = depth;
	for (unsigned i = 0; i < depth; i++)
		out[i] = pcs[i];
	return size;
}

size_t vigil_rawlog__enc_finding(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				 unsigned fkind, unsigned severity, uint64_t count,
				 const struct vigil_rec_fstack *stacks, unsigned nstacks,
				 const struct vigil_rec_kv *kv, unsigned nkv)
{
	struct vigil_rec_finding *r = buf;
	size_t size = sizeof(*r) + nstacks * sizeof(*stacks) + nkv * sizeof(*kv);

	if (size > cap || nstacks > 255 || nkv > 255)
		return 0;
	hdr(buf, VIGIL_REC_FINDING, size, tid, ts);
	r->fkind = (uint16_t)fkind;
	r->severity = (uint8_t)severity;
	r->nstacks = (uint8_t)nstacks;
	r->ndetails = (uint8_t)nkv;
	r->count = count;
	if (nstacks)
		memcpy(r + 1, stacks, nstacks * sizeof(*stacks));
	if (nkv)
		memcpy((char *)(r + 1) + nstacks * sizeof(*stacks), kv, nkv * sizeof(*kv));
	return size;
}

size_t vigil_rawlog__enc_exit(void *buf, size_t cap, uint32_t tid, uint64_t ts,
			      unsigned how, int code, int sig)
{
	struct vigil_rec_exit *r = buf;

	if (cap < sizeof(*r))
		return 0;
	hdr(buf, VIGIL_REC_EXIT, sizeof(*r), tid, ts);
	r->how = how;
	r->code = code;
	r->signal = sig;
	return sizeof(*r);
}

static size_t enc_kvlist(void *buf, size_t cap, uint16_t kind, uint32_t tid, uint64_t ts,
			 const struct vigil_rec_kv *kv, unsigned nkv)
{
	struct vigil_rec_stats *r = buf;
	size_t size = sizeof(*r) + nkv * sizeof(*kv);

	if (size > cap)
		return 0;
	hdr(buf, kind, size, tid, ts);
	r->n = nkv;
	if (nkv)
		memcpy(r + 1, kv, nkv * sizeof(*kv));
	return size;
}

size_t vigil_rawlog__enc_stats(void *buf, size_t cap, uint32_t tid, uint64_t ts,
			       const struct vigil_rec_kv *kv, unsigned nkv)
{
	return enc_kvlist(buf, cap, VIGIL_REC_STATS, tid, ts, kv, nkv);
}

size_t vigil_rawlog__enc_config(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				const struct vigil_rec_kv *kv, unsigned nkv)
{
	return enc_kvlist(buf, cap, VIGIL_REC_CONFIG, tid, ts, kv, nkv);
}

size_t vigil_rawlog__enc_stat_site(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				   unsigned key, unsigned flags, uint32_t stack_id,
				   uint64_t count)
{
	struct vigil_rec_stat_site *r = buf;

	if (cap < sizeof(*r))
		return 0;
	hdr(buf, VIGIL_REC_STAT_SITE, sizeof(*r), tid, ts);
	r->key = (uint16_t)key;
	r->flags = (uint16_t)flags;
	r->stack_id = stack_id;
	r->count = count;
	return sizeof(*r);
}

size_t vigil_rawlog__enc_sample(void *buf, size_t cap, uint32_t tid, uint64_t ts,
				uint64_t t_ms, uint64_t heap_bytes, uint64_t fds)
{
	struct vigil_rec_sample *r = buf;

	if (cap < sizeof(*r))
		return 0;
	hdr(buf, VIGIL_REC_SAMPLE, sizeof(*r), tid, ts);
	r->t_ms = t_ms;
	r->heap_bytes = heap_bytes;
	r->fds = fds;
	return sizeof(*r);
}
