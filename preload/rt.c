// SPDX-License-Identifier: MIT
/* The runtime: lifecycle (UNINIT -> INITIALIZING -> READY -> DONE, or DISABLED),
 * options, the real-symbol table with its bootstrap arena, and process start/exit. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fds.h"
#include "growth.h"
#include "heap.h"
#include "locks.h"
#include "modmap.h"
#include "pipes.h"
#include "rawlog.h"
#include "realsym.h"
#include "rt.h"
#include "series.h"
#include "vfork.h"
#include "vigil/finding.h"

struct vigil_rt vigil_rt;
struct vigil_real vigil_real;
__thread int vigil_guard;

extern char **environ;

/* dlsym may call calloc before any allocator is known (glibc's dlerror buffer);
 * those few requests are served from here and never freed. */
#define BOOT_SIZE (64 * 1024)
static char boot_arena[BOOT_SIZE] __attribute__((aligned(64)));
static size_t boot_used;

void *vigil_boot__alloc(size_t size, size_t align)
{
	size_t off, cur;

	if (align < 16)
		align = 16;
	do {
		cur = __atomic_load_n(&boot_used, __ATOMIC_RELAXED);
		off = (cur + 16 + align - 1) & ~(align - 1);
		if (off + size > BOOT_SIZE)
			return NULL;
	} while (!__atomic_compare_exchange_n(&boot_used, &cur, off + size, 0, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	/* The size sits just before the block so realloc can copy it. */
	*(size_t *)(boot_arena + off - sizeof(size_t)) = size;
	return boot_arena + off;
}

int vigil_boot__owns(const void *p)
{
	return (const char *)p >= boot_arena && (const char *)p < boot_arena + BOOT_SIZE;
}

void vigil_fmt__str(char *buf, size_t cap, size_t *n, const char *s)
{
	while (*s && *n + 1 < cap)
		buf[(*n)++] = *s++;
	buf[*n] = '\0';
}

void vigil_fmt__u64(char *buf, size_t cap, size_t *n, uint64_t v)
{
	char tmp[24];
	int i = 0;

	do
		tmp[i++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (i && *n + 1 < cap)
		buf[(*n)++] = tmp[--i];
	buf[*n] = '\0';
}

void vigil_fmt__hex(char *buf, size_t cap, size_t *n, uint64_t v)
{
	char tmp[20];
	int i = 0;

	do
		tmp[i++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4));
	vigil_fmt__str(buf, cap, n, "0x");
	while (i && *n + 1 < cap)
		buf[(*n)++] = tmp[--i];
	buf[*n] = '\0';
}

void vigil_msg(const char *a, const char *b)
{
	static unsigned count;
	char buf[1024];
	size_t n = 0;
	int saved = errno;

	if (__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED) > 50)
		return;
	vigil_fmt__str(buf, sizeof(buf), &n, "vigil[");
	vigil_fmt__u64(buf, sizeof(buf), &n, (uint64_t)syscall(SYS_getpid));
	vigil_fmt__str(buf, sizeof(buf), &n, "]: ");
	vigil_fmt__str(buf, sizeof(buf), &n, a);
	vigil_fmt__str(buf, sizeof(buf), &n, b ? b : "");
	vigil_fmt__str(buf, sizeof(buf), &n, "\n");
	if (write(2, buf, n) < 0)
		errno = saved;
	errno = saved;
}

uint64_t vigil_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static __thread pid_t tid_cache;

pid_t vigil_gettid(void)
{
	if (!tid_cache)
		tid_cache = (pid_t)syscall(SYS_gettid);
	return tid_cache;
}

void vigil_rt__after_fork_child(void)
{
	tid_cache = 0;
	vigil_rt.pid = getpid();
	vigil_rt.exit_how = 0;
}

void vigil_rt__disable(const char *why)
{
	vigil_rt__disable_why(why, "");
}

void vigil_rt__disable_why(const char *what, const char *detail)
{
	char buf[1024];
	size_t n = 0;

	__atomic_store_n(&vigil_rt.state, VIGIL_DISABLED, __ATOMIC_RELEASE);
	vigil_fmt__str(buf, sizeof(buf), &n, what);
	vigil_fmt__str(buf, sizeof(buf), &n, detail);
	vigil_msg("vigil disabled: ", buf);
}

struct real_sym {
	const char *name;
	int required;
	void **fn;
};

#define R(name, req) {#name, req, (void **)&vigil_real.name}
static const struct real_sym real_syms[] = {
	R(malloc, 1), R(free, 1), R(calloc, 1), R(realloc, 1), R(memalign, 1),
	R(posix_memalign, 1), R(aligned_alloc, 1), R(valloc, 1), R(pvalloc, 1),
	R(malloc_usable_size, 1), R(sigaction, 1), R(sigaltstack, 1), R(pthread_create, 1),
	R(signal, 1), R(bsd_signal, 0), R(sysv_signal, 0), R(_exit, 1), R(close, 1),
	R(close_range, 0), R(dup2, 1), R(dup3, 1),
	R(memcpy, 1), R(memmove, 1), R(memset, 1), R(strcpy, 1), R(stpcpy, 0), R(strncpy, 1),
	R(strcat, 1), R(strncat, 1), R(__memcpy_chk, 0), R(__memmove_chk, 0), R(__memset_chk, 0),
	R(__strcpy_chk, 0), R(__stpcpy_chk, 0), R(__strncpy_chk, 0), R(__strcat_chk, 0),
	R(__strncat_chk, 0),
	R(vsprintf, 1), R(vsnprintf, 1), R(gets, 0), R(fgets, 1), R(__vsprintf_chk, 0),
	R(__vsnprintf_chk, 0), R(__fgets_chk, 0),
	R(read, 1), R(pread, 1), R(pread64, 1), R(recv, 1), R(recvfrom, 1), R(__read_chk, 0),
	R(__pread_chk, 0), R(__pread64_chk, 0), R(__recv_chk, 0), R(__recvfrom_chk, 0),
};
#undef R

/* Resolves every entry even when one is missing: with vigil disabled the wrappers
 * still forward to whatever was found. */
static int resolve_real(void)
{
	int r = 0;

	for (size_t i = 0; i < sizeof(real_syms) / sizeof(real_syms[0]); i++) {
		void *fn = vigil_realsym(real_syms[i].name, NULL);
		if (!fn && real_syms[i].required && !r) {
			vigil_msg("vigil disabled: the C library lacks ", real_syms[i].name);
			r = -ENOENT;
		}
		*real_syms[i].fn = fn;
	}
	if (r)
		return r;
	{
		Dl_info di;
		vigil_rt.real_is_glibc = dladdr((void *)vigil_real.malloc, &di) && di.dli_fname &&
					 strstr(di.dli_fname, "/libc.so");
	}
	/* Private to glibc and optional: the leak scan then guesses the TLS size. */
	vigil_real.get_tls_static_info = dlsym(RTLD_DEFAULT, "_dl_get_tls_static_info");
	return 0;
}

static ssize_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;

	if (fd < 0)
		return -errno;
	while (n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return (ssize_t)n;
}

static const char *basename_of(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

/* What ran: a report must say what "no finding" covered. */
static void write_config(void)
{
	const struct vigil_options *o = &vigil_rt.opt;
	struct vigil_rec_kv kv[] = {
		{.key = VIGIL_KEY_CFG_MODE, .value = o->mode},
		{.key = VIGIL_KEY_CFG_SAMPLE_BYTES,
		 .value = o->mode == VIGIL_MODE_CANARY ? o->sample_bytes : 0},
		{.key = VIGIL_KEY_CFG_GUARD_RATE, .value = o->guard_rate},
		{.key = VIGIL_KEY_CFG_QUARANTINE_BYTES, .value = o->quarantine_bytes},
		{.key = VIGIL_KEY_CFG_REDZONE, .value = o->redzone},
		{.key = VIGIL_KEY_CFG_ON_ERROR_ABORT, .value = (uint64_t)o->on_error_abort},
		{.key = VIGIL_KEY_CFG_GROWTH_INTERVAL_MS, .value = o->growth_interval_ms},
		{.key = VIGIL_KEY_CFG_DEADLOCK_MS,
		 .value = (o->checks & (1u << VIGIL_CHECK_THREADS)) ? o->deadlock_ms : 0},
		{.key = VIGIL_KEY_CFG_SPIN_COUNT,
		 .value = (o->checks & (1u << VIGIL_CHECK_FDS)) ? o->spin_count : 0},
		{.key = VIGIL_KEY_CFG_SPIN_MS,
		 .value = (o->checks & (1u << VIGIL_CHECK_FDS)) ? o->spin_ms : 0},
		{.key = VIGIL_KEY_CFG_FD_LEAK_MIN,
		 .value = (o->checks & (1u << VIGIL_CHECK_FDS)) ? o->fd_leak_min : 0},
	};
	char rec[sizeof(struct vigil_rec_stats) + sizeof(kv)];
	size_t sz = vigil_rawlog__enc_config(rec, sizeof(rec), (uint32_t)vigil_gettid(),
					     vigil_now_ns(), kv, sizeof(kv) / sizeof(kv[0]));

	vigil_rawlog__append(rec, sz);
}

/* Writes the records every log starts with. Called at start and in a fork child. */
int vigil_rt__start_log(void)
{
	char exe[VIGIL_PATH_MAX];
	char args[4096];
	char rec[VIGIL_PATH_MAX + 4096 + 128];
	ssize_t n, alen;
	uint32_t argc = 0;
	size_t sz;
	struct timespec now;
	int r;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		n = 0;
	exe[n] = '\0';
	r = vigil_rawlog__open(vigil_rt.opt.out, n ? basename_of(exe) : "unknown", vigil_rt.pid);
	if (r)
		return r;
	alen = read_file("/proc/self/cmdline", args, sizeof(args));
	if (alen < 0)
		alen = 0;
	if (alen == (ssize_t)sizeof(args))
		args[alen - 1] = '\0'; /* truncated: keep the record well formed */
	for (ssize_t i = 0; i < alen; i++)
		argc += args[i] == '\0';
	clock_gettime(CLOCK_REALTIME, &now);
	sz = vigil_rawlog__enc_version(rec, sizeof(rec), (uint32_t)vigil_gettid(), vigil_now_ns());
	vigil_rawlog__append(rec, sz);
	sz = vigil_rawlog__enc_process(rec, sizeof(rec), (uint32_t)vigil_gettid(), vigil_now_ns(),
				       (uint32_t)vigil_rt.pid, (uint32_t)getppid(),
				       (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec,
				       exe, args, (size_t)alen, argc, vigil_rt.opt.checks,
				       vigil_rt.opt.mode);
	vigil_rawlog__append(rec, sz);
	write_config();
	vigil_modmap__write_all();
	vigil_series__start();
	return 0;
}

static int on_exit_registered;

/* A relative out dir is taken from where the process started: children that chdir
 * (daemons go to /) must still write where the user looks. */
static void absolute_out(void)
{
	char cwd[VIGIL_PATH_MAX], *o = vigil_rt.opt.out;
	size_t n = 0;

	if (o[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return;
	n = strlen(cwd);
	if (n + 1 + strlen(o) + 1 > sizeof(cwd) || n + 1 + strlen(o) + 1 > VIGIL_PATH_MAX)
		return; /* too long to make absolute: keep it as given */
	vigil_fmt__str(cwd, sizeof(cwd), &n, "/");
	vigil_fmt__str(cwd, sizeof(cwd), &n, o);
	memcpy(o, cwd, n + 1);
}

static void write_stats(void)
{
	struct vigil_rec_kv kv[48];
	char rec[sizeof(struct vigil_rec_stats) + sizeof(kv)];
	unsigned n = vigil_heap__stats(kv, 48);
	size_t sz;

	if (vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS)) {
		n += vigil_locks__stats(kv + n, 48 - n);
		n += vigil_thread__stats(kv + n, 48 - n);
	}
	n += vigil_fds__stats(kv + n, 48 - n);
	vigil_pipes__write_sites();
	sz = vigil_rawlog__enc_stats(rec, sizeof(rec), (uint32_t)vigil_gettid(), vigil_now_ns(),
				     kv, n);
	vigil_rawlog__append(rec, sz);
}

/* The end of the process as vigil sees it: heap-growth and leak verdicts, stats,
 * the exit record, the standalone text report. If this thread was interrupted
 * inside vigil (exit() from a signal handler), vigil's locks may be held by the
 * very frame below: only the lock-free exit record is written then. */
static void finish(int how, int code, int verdicts)
{
	static int done;
	char rec[64];
	size_t sz;
	int interrupted = vigil_guard > 0;

	if (vigil_rt__state() != VIGIL_READY || getpid() != vigil_rt.pid ||
	    __atomic_exchange_n(&done, 1, __ATOMIC_ACQ_REL))
		return;
	vigil_guard__enter();
	if (verdicts && !interrupted && (vigil_rt.opt.checks & (1u << VIGIL_CHECK_HEAP))) {
		vigil_growth__report();
		if (vigil_rt.opt.leak_check)
			vigil_leak__at_exit();
	}
	if (verdicts && !interrupted && (vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS))) {
		vigil_locks__at_exit();
		vigil_thread__at_exit();
	}
	if (verdicts && !interrupted)
		vigil_fds__at_exit();
	if (!interrupted) {
		vigil_series__final();
		write_stats();
	}
	if (how) {
		vigil_rt.exit_how = how;
		sz = vigil_rawlog__enc_exit(rec, sizeof(rec), (uint32_t)vigil_gettid(),
					    vigil_now_ns(), (unsigned)how, code, 0);
		vigil_rawlog__append(rec, sz);
	}
	__atomic_store_n(&vigil_rt.state, VIGIL_DONE, __ATOMIC_RELEASE);
	if (vigil_rt.opt.standalone && !interrupted)
		vigil_standalone__report();
	vigil_guard__leave();
}

/* Registered in the constructor, before __libc_start_main registers _dl_fini, so
 * it runs last of all exit handlers: after the program's atexit handlers and after
 * every library's destructors, when what the program frees at exit is freed. */
static void on_exit_status(int status, void *arg)
{
	int saved = errno;

	(void)arg;
	finish(VIGIL_EXIT_RETURN, status, 1);
	errno = saved;
}

void vigil_rt__finish_underscore_exit(int code)
{
	finish(VIGIL_EXIT_UNDERSCORE, code, 0);
}

void vigil_rt__init(void)
{
	int expected = VIGIL_UNINIT;
	char err[512];
	int r;

	if (!__atomic_compare_exchange_n(&vigil_rt.state, &expected, VIGIL_INITIALIZING, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	vigil_guard__enter();
	vigil_rt.pid = getpid();
	vigil_realsym__init();
	vigil_vfork__init();
	if (resolve_real()) {
		__atomic_store_n(&vigil_rt.state, VIGIL_DISABLED, __ATOMIC_RELEASE);
		goto out;
	}
	vigil_options__defaults(&vigil_rt.opt);
	if (vigil_options__from_env(&vigil_rt.opt, environ, err, sizeof(err))) {
		vigil_rt__disable_why("VIGIL_OPTIONS: ", err);
		goto out;
	}
	absolute_out();
	if (vigil_modmap__init() || vigil_heap__init() ||
	    ((vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS)) && vigil_locks__init())) {
		vigil_rt__disable("out of memory for its tables");
		goto out;
	}
	r = vigil_rt__start_log();
	if (r) {
		size_t n = 0;
		vigil_fmt__str(err, sizeof(err), &n, vigil_rt.opt.out);
		vigil_fmt__str(err, sizeof(err), &n, ": ");
		/* The errno's name, not strerror: that takes gettext's lock, which the
		 * caller of the malloc that brought vigil up may hold (bindtextdomain). */
		vigil_fmt__str(err, sizeof(err), &n,
			       strerrorname_np(-r) ? strerrorname_np(-r) : "error");
		vigil_rt__disable_why("cannot write the raw log under ", err);
		goto out;
	}
	if (vigil_fds__init()) {
		vigil_rt__disable("out of memory for its tables");
		goto out;
	}
	vigil_signal__init();
	vigil_thread__init();
	vigil_fork__init();
	on_exit_registered = !on_exit(on_exit_status, NULL);
	__atomic_store_n(&vigil_rt.state, VIGIL_READY, __ATOMIC_RELEASE);
out:
	vigil_guard__leave();
}

__attribute__((constructor(101))) static void vigil_ctor(void)
{
	int saved = errno;

	if (vigil_rt__state() == VIGIL_UNINIT)
		vigil_rt__init();
	errno = saved;
}

/* Only when on_exit() could not be registered; the exit status is then unknown. */
__attribute__((destructor(101))) static void vigil_dtor(void)
{
	int saved = errno;

	if (!on_exit_registered)
		finish(0, 0, 1);
	errno = saved;
}
