// SPDX-License-Identifier: MIT
/* mt-unsafe-call: libc functions that keep their result or state in static storage
 * (strtok, localtime, getpwnam...) reported once a second thread calls one, and the
 * environment changed while other threads run (they may be reading it). With the
 * api checks, the obsolete resolver calls and tmpnam are reported too (api.c). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "fbuild.h"
#include "fds.h"
#include "realsym.h"
#include "rt.h"
#include "sigsafe.h"
#include "locks.h"
#include "stack.h"
#include "thread.h"
#include "vigil/finding.h"

/* Who called first: tid << 32 | the stack id of that thread's first call; 0 before
 * anyone did. A later call from the same thread costs one compare. lock: the lock
 * the first caller held exclusively (its innermost), if any: a call from another
 * thread holding the same lock is serialised with it, not a race. */
struct first_call {
	uint64_t first;
	uintptr_t lock;
	int reported;
};

static struct first_call calls[VIGIL_FN_MAX];

/* readdir's state lives in the DIR, so it is tracked per stream: two threads reading
 * different directories is fine. Open addressing keyed by the DIR pointer; closedir
 * leaves a tombstone so a DIR reallocated at the same address starts afresh. A full
 * table leaves new streams untracked. */
#define DIR_SLOTS 1024u
#define DIR_TOMB ((uintptr_t)1)

struct dir_slot {
	uintptr_t dir;
	struct first_call call;
};

static struct dir_slot dirs[DIR_SLOTS];

/* Environment changes reported, by call stack (id + 1; 0 is free): a program that
 * calls setenv in a loop is reported once per site. */
#define ENV_SITES 64u
static uint32_t env_sites[ENV_SITES];

/* The last two threads to call getenv, with a stack each (tid << 32 | stack id), the
 * most recent first; [1] is another thread than [0]. A setenv reports the one that
 * is not its own caller. */
static uint64_t getenv_last[2];

/* Per thread: the stack of its latest getenv, recaptured only when the call site
 * changes and at most GETENV_CAPTURES times, since some programs call getenv in
 * loops. */
#define GETENV_CAPTURES 8u
static __thread uint32_t getenv_stack;
static __thread const void *getenv_site;
static __thread unsigned getenv_captures;

/* The process the tables above describe: a fork child inherits its parent's thread
 * ids, which no thread of the child has. */
static pid_t state_pid;

static void reset_state(void)
{
	for (unsigned i = 0; i < VIGIL_FN_MAX; i++)
		calls[i] = (struct first_call){0};
	for (unsigned i = 0; i < DIR_SLOTS; i++)
		dirs[i] = (struct dir_slot){0};
	for (unsigned i = 0; i < ENV_SITES; i++)
		env_sites[i] = 0;
	getenv_last[0] = getenv_last[1] = 0;
}

/* Called before the tables are written. */
static void fork_check(void)
{
	pid_t seen = __atomic_load_n(&state_pid, __ATOMIC_ACQUIRE);

	if (seen == vigil_rt.pid)
		return;
	/* The guard: the compiler may make the clearing a memset call, which would be
	 * vigil's own interposer. */
	if (__atomic_compare_exchange_n(&state_pid, &seen, vigil_rt.pid, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE) && seen) {
		vigil_guard__enter();
		reset_state();
		vigil_guard__leave();
	}
}

static inline int checking(void)
{
	return vigil_rt__active() && (vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS));
}

/* POSIX lets these share one static result, but glibc gives each thread its own
 * buffer (strerror, strsignal, inet_ntoa) or locks (rand): a portability note here,
 * not a bug - info, so the warnings stay the calls that do race on this libc. */
static int safe_in_glibc(unsigned fn)
{
	return vigil_rt.real_is_glibc && (fn == VIGIL_FN_STRERROR || fn == VIGIL_FN_STRSIGNAL ||
					  fn == VIGIL_FN_INET_NTOA || fn == VIGIL_FN_RAND);
}

static void report_two_threads(unsigned fn, uint64_t first)
{
	struct vigil_fbuild f = {0};

	vigil_fb__here(&f, VIGIL_ROLE_CALL);
	vigil_fb__stack(&f, (uint32_t)first, (uint32_t)(first >> 32), VIGIL_ROLE_OTHER_CALL);
	vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
	vigil_fb__kv(&f, VIGIL_KEY_REASON, VIGIL_REASON_TWO_THREADS);
	vigil_fb__emit(&f, VIGIL_FK_MT_UNSAFE_CALL,
		       safe_in_glibc(fn) ? VIGIL_SEV_INFO : VIGIL_SEV_WARNING);
}

/* The innermost lock the calling thread holds exclusively, 0 if none (or the lock
 * checks are off). */
static uintptr_t held_lock(void)
{
	const struct vigil_lthread *t = vigil_lthread_me;

	for (unsigned i = t ? t->nheld : 0; i-- > 0;)
		if (!t->held[i].shared)
			return t->held[i].addr;
	return 0;
}

static int holds(uintptr_t lock)
{
	const struct vigil_lthread *t = vigil_lthread_me;

	for (unsigned i = t ? t->nheld : 0; lock && i-- > 0;)
		if (t->held[i].addr == lock && !t->held[i].shared)
			return 1;
	return 0;
}

/* A call from a thread that is not (known to be) the first caller. */
static void first_call__slow(struct first_call *c, unsigned fn, uint32_t tid)
{
	uint64_t first, mine;

	vigil_guard__enter();
	fork_check();
	if (!__atomic_load_n(&c->reported, __ATOMIC_RELAXED)) {
		first = __atomic_load_n(&c->first, __ATOMIC_ACQUIRE);
		if (!first) {
			mine = (uint64_t)tid << 32 | vigil_stack__capture();
			__atomic_store_n(&c->lock, held_lock(), __ATOMIC_RELAXED);
			if (__atomic_compare_exchange_n(&c->first, &first, mine, 0,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				first = mine;
		}
		if ((uint32_t)(first >> 32) != tid &&
		    !holds(__atomic_load_n(&c->lock, __ATOMIC_RELAXED)) &&
		    !__atomic_exchange_n(&c->reported, 1, __ATOMIC_ACQ_REL))
			report_two_threads(fn, first);
	}
	vigil_guard__leave();
}

static inline void first_call__note(struct first_call *c, unsigned fn)
{
	uint32_t tid = (uint32_t)vigil_gettid();

	if ((uint32_t)(__atomic_load_n(&c->first, __ATOMIC_ACQUIRE) >> 32) != tid)
		first_call__slow(c, fn, tid);
}

static inline unsigned dir_hash(uintptr_t key)
{
	return (unsigned)((key >> 4) * 0x9e3779b97f4a7c15ull >> 40) & (DIR_SLOTS - 1);
}

static struct dir_slot *dir_find(uintptr_t key)
{
	unsigned h = dir_hash(key);

	for (unsigned i = 0; i < DIR_SLOTS; i++) {
		struct dir_slot *s = &dirs[(h + i) & (DIR_SLOTS - 1)];
		uintptr_t k = __atomic_load_n(&s->dir, __ATOMIC_ACQUIRE);

		if (k == key)
			return s;
		if (!k)
			break;
	}
	return NULL;
}

/* The stream's slot, made on its first readdir; NULL when the table is full. Two
 * threads making the same stream's slot at once may make two, each seeing only
 * itself: a missed report, never a false one. */
static struct dir_slot *dir_slot(uintptr_t key)
{
	struct dir_slot *s = dir_find(key);
	unsigned h = dir_hash(key);

	for (unsigned i = 0; !s && i < DIR_SLOTS; i++) {
		struct dir_slot *t = &dirs[(h + i) & (DIR_SLOTS - 1)];
		uintptr_t k = __atomic_load_n(&t->dir, __ATOMIC_ACQUIRE);

		if (k == key)
			s = t;
		else if ((k == 0 || k == DIR_TOMB) &&
			 __atomic_compare_exchange_n(&t->dir, &k, key, 0, __ATOMIC_ACQ_REL,
						     __ATOMIC_ACQUIRE))
			s = t;
	}
	return s;
}

static void dir_note(DIR *d)
{
	struct dir_slot *s;

	if (!d)
		return;
	vigil_guard__enter();
	fork_check();
	s = dir_slot((uintptr_t)d);
	vigil_guard__leave();
	if (s)
		first_call__note(&s->call, VIGIL_FN_READDIR);
}

static void dir_forget(DIR *d)
{
	struct dir_slot *s = d ? dir_find((uintptr_t)d) : NULL;

	if (!s)
		return;
	__atomic_store_n(&s->call.reported, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&s->call.first, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&s->dir, DIR_TOMB, __ATOMIC_RELEASE);
}

/* Saves errno across vigil's work (resolving, init, unwinding), so the program sees
 * only what the real call does to it. */
static inline void *mt_enter(unsigned fn, void **slot, const char *name)
{
	int saved = errno;
	void *real = vigil_realsym__slot(slot, name, NULL);

	vigil_sigsafe__check(fn);
	if (checking())
		first_call__note(&calls[fn], fn);
	errno = saved;
	return real;
}

/* The real function `name`, after noting the call as function `id`. */
#define MT_CALL(name, id) ((__typeof__(&name))mt_enter(VIGIL_FN_##id, &real_##name, #name))

static void *real_strtok, *real_localtime, *real_gmtime, *real_ctime, *real_asctime,
	*real_rand, *real_strerror, *real_gethostbyname, *real_gethostbyaddr,
	*real_inet_ntoa, *real_getpwnam, *real_getpwuid, *real_getgrnam, *real_getgrgid,
	*real_ecvt, *real_fcvt, *real_tmpnam, *real_ttyname, *real_strsignal,
	*real_getlogin, *real_drand48, *real_lrand48, *real_mrand48, *real_srand48,
	*real_readdir, *real_readdir64, *real_closedir, *real_getenv, *real_setenv,
	*real_putenv, *real_unsetenv, *real_clearenv;

VIGIL_EXPORT char *strtok(char *s, const char *delim)
{
	return MT_CALL(strtok, STRTOK)(s, delim);
}

VIGIL_EXPORT struct tm *localtime(const time_t *t)
{
	return MT_CALL(localtime, LOCALTIME)(t);
}

VIGIL_EXPORT struct tm *gmtime(const time_t *t)
{
	return MT_CALL(gmtime, GMTIME)(t);
}

VIGIL_EXPORT char *ctime(const time_t *t)
{
	return MT_CALL(ctime, CTIME)(t);
}

VIGIL_EXPORT char *asctime(const struct tm *tm)
{
	return MT_CALL(asctime, ASCTIME)(tm);
}

VIGIL_EXPORT int rand(void)
{
	return MT_CALL(rand, RAND)();
}

VIGIL_EXPORT char *strerror(int errnum)
{
	return MT_CALL(strerror, STRERROR)(errnum);
}

static inline void deprecated(unsigned fn, unsigned replacement, const void *site)
{
	if (vigil_api__on())
		vigil_api__deprecated(fn, replacement, 0, site);
}

VIGIL_EXPORT struct hostent *gethostbyname(const char *name)
{
	deprecated(VIGIL_FN_GETHOSTBYNAME, VIGIL_FN_GETADDRINFO, __builtin_return_address(0));
	return MT_CALL(gethostbyname, GETHOSTBYNAME)(name);
}

VIGIL_EXPORT struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type)
{
	deprecated(VIGIL_FN_GETHOSTBYADDR, VIGIL_FN_GETNAMEINFO, __builtin_return_address(0));
	return MT_CALL(gethostbyaddr, GETHOSTBYADDR)(addr, len, type);
}

VIGIL_EXPORT char *inet_ntoa(struct in_addr in)
{
	deprecated(VIGIL_FN_INET_NTOA, VIGIL_FN_INET_NTOP, __builtin_return_address(0));
	return MT_CALL(inet_ntoa, INET_NTOA)(in);
}

VIGIL_EXPORT struct passwd *getpwnam(const char *name)
{
	return MT_CALL(getpwnam, GETPWNAM)(name);
}

VIGIL_EXPORT struct passwd *getpwuid(uid_t uid)
{
	return MT_CALL(getpwuid, GETPWUID)(uid);
}

VIGIL_EXPORT struct group *getgrnam(const char *name)
{
	return MT_CALL(getgrnam, GETGRNAM)(name);
}

VIGIL_EXPORT struct group *getgrgid(gid_t gid)
{
	return MT_CALL(getgrgid, GETGRGID)(gid);
}

VIGIL_EXPORT char *ecvt(double v, int ndigit, int *restrict decpt, int *restrict sign)
{
	return MT_CALL(ecvt, ECVT)(v, ndigit, decpt, sign);
}

VIGIL_EXPORT char *fcvt(double v, int ndigit, int *restrict decpt, int *restrict sign)
{
	return MT_CALL(fcvt, FCVT)(v, ndigit, decpt, sign);
}

/* Only tmpnam(NULL) returns static storage; any tmpnam names a file another process
 * can create first. */
VIGIL_EXPORT char *tmpnam(char s[L_tmpnam])
{
	if (vigil_api__on())
		vigil_api__unsafe_call(VIGIL_FN_TMPNAM, VIGIL_REASON_PREDICTABLE_NAME,
				       VIGIL_FN_MKSTEMP, __builtin_return_address(0));
	if (s)
		return ((__typeof__(&tmpnam))vigil_realsym__slot(&real_tmpnam, "tmpnam", NULL))(s);
	return MT_CALL(tmpnam, TMPNAM)(s);
}

VIGIL_EXPORT char *ttyname(int fd)
{
	return MT_CALL(ttyname, TTYNAME)(fd);
}

VIGIL_EXPORT char *strsignal(int sig)
{
	return MT_CALL(strsignal, STRSIGNAL)(sig);
}

VIGIL_EXPORT char *getlogin(void)
{
	return MT_CALL(getlogin, GETLOGIN)();
}

VIGIL_EXPORT double drand48(void)
{
	return MT_CALL(drand48, DRAND48)();
}

VIGIL_EXPORT long lrand48(void)
{
	return MT_CALL(lrand48, LRAND48)();
}

VIGIL_EXPORT long mrand48(void)
{
	return MT_CALL(mrand48, MRAND48)();
}

VIGIL_EXPORT void srand48(long seed)
{
	MT_CALL(srand48, SRAND48)(seed);
}

/* readdir and readdir64: per stream, see dirs above. */
static inline void *dir_enter(DIR *d, void **slot, const char *name)
{
	int saved = errno;
	void *real = vigil_realsym__slot(slot, name, NULL);

	vigil_sigsafe__check(VIGIL_FN_READDIR);
	if (checking())
		dir_note(d);
	errno = saved;
	return real;
}

VIGIL_EXPORT struct dirent *readdir(DIR *d)
{
	return ((__typeof__(&readdir))dir_enter(d, &real_readdir, "readdir"))(d);
}

VIGIL_EXPORT struct dirent64 *readdir64(DIR *d)
{
	return ((__typeof__(&readdir64))dir_enter(d, &real_readdir64, "readdir64"))(d);
}

/* The stream's descriptor is closed too: the fd checks follow it (fds.h). */
VIGIL_EXPORT int closedir(DIR *d)
{
	int saved = errno;
	int (*real)(DIR *) = vigil_realsym__slot(&real_closedir, "closedir", NULL);
	struct vigil_fds_close x;
	int r;

	if (checking()) {
		vigil_guard__enter();
		fork_check();
		dir_forget(d);
		vigil_guard__leave();
	}
	vigil_fds__stream_close_begin(&x, d, VIGIL_FDC_CLOSEDIR);
	errno = saved;
	r = real(d);
	vigil_fds__close_end(&x, r, errno);
	return r;
}

/* getenv is safe while nobody writes the environment: it is only remembered, for the
 * report of a setenv made while threads run. */
static void getenv_note(const void *site)
{
	uint32_t tid = (uint32_t)vigil_gettid();
	uint64_t mine, old;

	if (site != getenv_site && getenv_captures < GETENV_CAPTURES) {
		vigil_guard__enter();
		getenv_stack = vigil_stack__capture();
		vigil_guard__leave();
		getenv_site = site;
		getenv_captures++;
	}
	mine = (uint64_t)tid << 32 | getenv_stack;
	if (__atomic_load_n(&getenv_last[0], __ATOMIC_RELAXED) == mine)
		return;
	fork_check();
	old = __atomic_exchange_n(&getenv_last[0], mine, __ATOMIC_RELAXED);
	if (old && (uint32_t)(old >> 32) != tid)
		__atomic_store_n(&getenv_last[1], old, __ATOMIC_RELAXED);
}

VIGIL_EXPORT char *getenv(const char *name)
{
	int saved = errno;
	char *(*real)(const char *) = vigil_realsym__slot(&real_getenv, "getenv", NULL);

	if (checking())
		getenv_note(__builtin_return_address(0));
	errno = saved;
	return real(name);
}

/* Claims a report for this call stack; 0 if it was made already or no room is left. */
static int env_site_claim(uint32_t stack)
{
	for (unsigned i = 0; i < ENV_SITES; i++) {
		uint32_t v = __atomic_load_n(&env_sites[i], __ATOMIC_ACQUIRE);

		if (v == stack + 1)
			return 0;
		if (!v && __atomic_compare_exchange_n(&env_sites[i], &v, stack + 1, 0,
						      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return 1;
		if (v == stack + 1)
			return 0;
	}
	return 0;
}

static void env_change(unsigned fn)
{
	uint32_t tid = (uint32_t)vigil_gettid();
	struct vigil_fbuild f = {0};
	unsigned live;
	uint32_t stack;
	uint64_t other;

	vigil_guard__enter();
	fork_check();
	live = vigil_thread__live();
	if (live > 1) {
		stack = vigil_stack__capture();
		if (env_site_claim(stack)) {
			vigil_fb__stack(&f, stack, tid, VIGIL_ROLE_CALL);
			other = __atomic_load_n(&getenv_last[0], __ATOMIC_RELAXED);
			if ((uint32_t)(other >> 32) == tid)
				other = __atomic_load_n(&getenv_last[1], __ATOMIC_RELAXED);
			if (other && (uint32_t)(other >> 32) != tid)
				vigil_fb__stack(&f, (uint32_t)other, (uint32_t)(other >> 32),
						VIGIL_ROLE_OTHER_CALL);
			vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
			vigil_fb__kv(&f, VIGIL_KEY_REASON, VIGIL_REASON_SETENV_THREADS);
			vigil_fb__kv(&f, VIGIL_KEY_THREADS, live);
			vigil_fb__emit(&f, VIGIL_FK_MT_UNSAFE_CALL, VIGIL_SEV_WARNING);
		}
	}
	vigil_guard__leave();
}

static inline void *env_enter(unsigned fn, void **slot, const char *name)
{
	int saved = errno;
	void *real = vigil_realsym__slot(slot, name, NULL);

	vigil_sigsafe__check(fn);
	if (checking())
		env_change(fn);
	errno = saved;
	return real;
}

#define ENV_CALL(name, id) ((__typeof__(&name))env_enter(VIGIL_FN_##id, &real_##name, #name))

VIGIL_EXPORT int setenv(const char *name, const char *value, int overwrite)
{
	return ENV_CALL(setenv, SETENV)(name, value, overwrite);
}

VIGIL_EXPORT int putenv(char *string)
{
	return ENV_CALL(putenv, PUTENV)(string);
}

VIGIL_EXPORT int unsetenv(const char *name)
{
	return ENV_CALL(unsetenv, UNSETENV)(name);
}

VIGIL_EXPORT int clearenv(void)
{
	return ENV_CALL(clearenv, CLEARENV)();
}
