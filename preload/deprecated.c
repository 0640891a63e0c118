// SPDX-License-Identifier: MIT
/* deprecated-api: obsolete calls that have a modern replacement (gethostbyname2,
 * inet_addr, usleep, bzero, index, getwd, sigpause...), reported once per call site
 * with the call to use instead. gethostbyname, gethostbyaddr and inet_ntoa are in
 * mtunsafe.c, signal() in signal.c. Otherwise these are the real calls. */
#include <arpa/inet.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <netdb.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <sys/timeb.h>
#include <unistd.h>

#include "api.h"
#include "lock.h"
#include "realsym.h"
#include "rt.h"

/* This file defines the calls the headers mark deprecated. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

/* The sigpause family is reached through macros and asm labels: with _GNU_SOURCE,
 * "sigpause" in C names __xpg_sigpause. The BSD one (a mask) keeps the plain name. */
int vigil_bsd_sigpause(int mask) __asm__("sigpause");
int __sigpause(int sig_or_mask, int is_sig);
int __xpg_sigpause(int sig);

#define MODULES 64

static void *real_gethostbyname2, *real_inet_addr, *real_inet_aton, *real_usleep,
	*real_ualarm, *real_bcopy, *real_bzero, *real_bcmp, *real_index, *real_rindex,
	*real_getwd, *real_ftime, *real_vigil_bsd_sigpause, *real___sigpause,
	*real___xpg_sigpause;

/* The real function `name`, after reporting the call as function id with its
 * replacement. */
static inline void *dep_enter(unsigned fn, unsigned replacement, void **slot, const char *name,
			      const void *site)
{
	void *real = vigil_realsym__slot(slot, name, NULL);

	if (vigil_api__on())
		vigil_api__deprecated(fn, replacement, 0, site);
	return real;
}

#define DEP_CALL(name, id, repl)                                                         \
	((__typeof__(&name))dep_enter(VIGIL_FN_##id, VIGIL_FN_##repl, &real_##name, #name,  \
				      __builtin_return_address(0)))

VIGIL_EXPORT struct hostent *gethostbyname2(const char *name, int af)
{
	return DEP_CALL(gethostbyname2, GETHOSTBYNAME2, GETADDRINFO)(name, af);
}

VIGIL_EXPORT in_addr_t inet_addr(const char *cp)
{
	return DEP_CALL(inet_addr, INET_ADDR, INET_PTON)(cp);
}

VIGIL_EXPORT int inet_aton(const char *cp, struct in_addr *inp)
{
	return DEP_CALL(inet_aton, INET_ATON, INET_PTON)(cp, inp);
}

VIGIL_EXPORT int usleep(useconds_t usec)
{
	return DEP_CALL(usleep, USLEEP, NANOSLEEP)(usec);
}

VIGIL_EXPORT useconds_t ualarm(useconds_t value, useconds_t interval)
{
	return DEP_CALL(ualarm, UALARM, SETITIMER)(value, interval);
}

VIGIL_EXPORT void bcopy(const void *src, void *dest, size_t n)
{
	DEP_CALL(bcopy, BCOPY, MEMMOVE)(src, dest, n);
}

VIGIL_EXPORT void bzero(void *s, size_t n)
{
	DEP_CALL(bzero, BZERO, MEMSET)(s, n);
}

/* clang turns memcmp(a, b, n) == 0 into a call to bcmp (LLVM's MergeICmps and
 * SimplifyLibCalls, since LLVM 9): such a call is the compiler's, not an obsolete
 * choice in the source. The caller's object file says who built it (.comment). */
static int clang_built(const char *path)
{
	char buf[4096];
	Elf64_Ehdr eh;
	Elf64_Shdr sh, str;
	int fd = path && *path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	int r = 0;

	if (fd < 0)
		fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(sh) || eh.e_shstrndx >= eh.e_shnum ||
	    pread(fd, &str, sizeof(str), (off_t)(eh.e_shoff + eh.e_shstrndx * sizeof(sh))) !=
		    (ssize_t)sizeof(sh))
		goto out;
	for (unsigned i = 0; i < eh.e_shnum && !r; i++) {
		char name[16] = {0};
		ssize_t n;

		if (pread(fd, &sh, sizeof(sh), (off_t)(eh.e_shoff + i * sizeof(sh))) !=
			    (ssize_t)sizeof(sh) ||
		    pread(fd, name, sizeof(name) - 1, (off_t)(str.sh_offset + sh.sh_name)) <= 0 ||
		    strcmp(name, ".comment"))
			continue;
		n = pread(fd, buf, sh.sh_size < sizeof(buf) ? sh.sh_size : sizeof(buf),
			  (off_t)sh.sh_offset);
		r = n > 0 && memmem(buf, (size_t)n, "clang", 5);
		break;
	}
out:
	close(fd);
	return r;
}

/* A module's mapped range and whether clang built it. */
struct bcmp_mod {
	uintptr_t lo, hi;
	int clang;
};

static struct bcmp_mod mods[MODULES];
static unsigned nmods;
static vigil_lock_t mods_lock;

struct find_mod {
	uintptr_t site;
	struct bcmp_mod m;
	char path[4096];
	int found;
};

static int find_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct find_mod *f = ctx;
	uintptr_t lo = UINTPTR_MAX, hi = 0;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		lo = a < lo ? a : lo;
		hi = a + ph->p_memsz > hi ? a + ph->p_memsz : hi;
	}
	if (f->site < lo || f->site >= hi)
		return 0;
	f->m.lo = lo;
	f->m.hi = hi;
	if (info->dlpi_name && strlen(info->dlpi_name) < sizeof(f->path))
		strcpy(f->path, info->dlpi_name);
	f->found = 1;
	return 1;
}

/* The first call from a module reads its file, found with dl_iterate_phdr (the
 * loader's list lock only, never held while constructors run, unlike dladdr's); later
 * calls scan this table and nothing else. While another thread fills the table, or
 * once it is full, a new module's call is not reported. Inside the guard. */
static int classify(uintptr_t site)
{
	struct find_mod f = {.site = site};
	unsigned n;

	if (!vigil_lock__try(&mods_lock))
		return 1;
	n = __atomic_load_n(&nmods, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < n; i++)
		if (mods[i].lo <= site && site < mods[i].hi) {
			f.m.clang = mods[i].clang;
			goto out;
		}
	dl_iterate_phdr(find_cb, &f);
	if (!f.found || n >= MODULES) {
		f.m.clang = 1;
		goto out;
	}
	f.m.clang = clang_built(f.path);
	mods[n] = f.m;
	__atomic_store_n(&nmods, n + 1, __ATOMIC_RELEASE);
out:
	vigil_lock__release(&mods_lock);
	return f.m.clang;
}

/* Whether the bcmp call at site is clang's rewrite of memcmp() == 0. */
static int compiler_bcmp(const void *site)
{
	unsigned n = __atomic_load_n(&nmods, __ATOMIC_ACQUIRE);
	int saved, r;

	for (unsigned i = 0; i < n; i++)
		if (mods[i].lo <= (uintptr_t)site && (uintptr_t)site < mods[i].hi)
			return mods[i].clang;
	if (n >= MODULES)
		return 1;
	saved = errno;
	vigil_guard__enter();
	r = classify((uintptr_t)site);
	vigil_guard__leave();
	errno = saved;
	return r;
}

VIGIL_EXPORT int bcmp(const void *a, const void *b, size_t n)
{
	const void *site = __builtin_return_address(0);
	int (*real)(const void *, const void *, size_t) =
		vigil_realsym__slot(&real_bcmp, "bcmp", NULL);

	if (vigil_api__on() && !compiler_bcmp(site) &&
	    !vigil_api__claimed(vigil_api__key(VIGIL_FK_DEPRECATED_API, VIGIL_FN_BCMP,
					       (uintptr_t)site)))
		vigil_api__deprecated(VIGIL_FN_BCMP, VIGIL_FN_MEMCMP, 0, site);
	return real(a, b, n);
}

VIGIL_EXPORT char *index(const char *s, int c)
{
	return DEP_CALL(index, INDEX, STRCHR)(s, c);
}

VIGIL_EXPORT char *rindex(const char *s, int c)
{
	return DEP_CALL(rindex, RINDEX, STRRCHR)(s, c);
}

VIGIL_EXPORT char *getwd(char *buf)
{
	return DEP_CALL(getwd, GETWD, GETCWD)(buf);
}

VIGIL_EXPORT int ftime(struct timeb *tp)
{
	return DEP_CALL(ftime, FTIME, CLOCK_GETTIME)(tp);
}

/* The BSD one (a mask), the X/Open one (a signal) and glibc's entry for both. */
VIGIL_EXPORT int vigil_bsd_sigpause(int mask)
{
	return ((__typeof__(&vigil_bsd_sigpause))dep_enter(
		VIGIL_FN_SIGPAUSE, VIGIL_FN_SIGSUSPEND, &real_vigil_bsd_sigpause, "sigpause",
		__builtin_return_address(0)))(mask);
}

VIGIL_EXPORT int __sigpause(int sig_or_mask, int is_sig)
{
	return DEP_CALL(__sigpause, SIGPAUSE, SIGSUSPEND)(sig_or_mask, is_sig);
}

VIGIL_EXPORT int __xpg_sigpause(int sig)
{
	return DEP_CALL(__xpg_sigpause, SIGPAUSE, SIGSUSPEND)(sig);
}
