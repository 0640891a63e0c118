// SPDX-License-Identifier: MIT
/* tls-verify-disabled: OpenSSL and libcurl settings that switch certificate checks
 * off on the client side. Neither library's headers are needed: the few constants
 * are their stable ABI values.
 *
 * Every call goes on to the definition its caller would reach without vigil: a
 * plugin may link OpenSSL statically or load a renamed libssl RTLD_LOCAL (wheels
 * do), where RTLD_NEXT finds another OpenSSL or none. So the real functions are
 * looked up per calling module (its own scope first, then RTLD_NEXT, then every
 * loaded TLS library), once, and the module is kept loaded so they stay valid.
 *
 * A client connection without SSL_VERIFY_PEER accepts any certificate unless the
 * program checks the result itself after the handshake (SSL_get_verify_result, as
 * SSL_CTX_set_verify(3) documents for SSL_VERIFY_NONE). So a connection that starts
 * a client handshake (SSL_connect, SSL_set_connect_state) with verification off is
 * reported when it is freed, or at exit, if it was never checked; a server rightly
 * running with NONE never starts one. The report points at the call that switched
 * verification off (for the SSL or its context) when vigil saw one, else at the
 * handshake. The SSL calls libcurl makes on its own are not reported: libcurl turns
 * verification off only when told to by curl_easy_setopt, reported there. */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdarg.h>
#include <string.h>

#include "api.h"
#include "lock.h"
#include "realsym.h"
#include "rt.h"
#include "stack.h"

/* openssl/ssl.h, x509_vfy.h, x509v3.h (OpenSSL 1.1 and 3) */
#define SSL_VERIFY_PEER 0x01
#define X509_V_FLAG_IGNORE_CRITICAL 0x10
#define X509_V_FLAG_NO_CHECK_TIME 0x200000
#define X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS 0x8
#define X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS 0x10
#define X509_V_ERR_UNSPECIFIED 1
/* curl/curl.h: CURLOPT_* numbers (type LONG, base 0) and CURLE_FAILED_INIT */
#define CURLOPT_SSL_VERIFYPEER 64
#define CURLOPT_SSL_VERIFYHOST 81
#define CURLOPT_PROXY_SSL_VERIFYPEER 248
#define CURLOPT_PROXY_SSL_VERIFYHOST 249
#define CURLOPT_DOH_SSL_VERIFYPEER 306
#define CURLOPT_DOH_SSL_VERIFYHOST 307
#define CURLE_FAILED_INIT 2

#define OBJECTS 256u /* contexts and connections vigil follows */
#define TOMB ((uintptr_t)1) /* a freed object's slot */
#define MODS 32	/* calling modules */
#define LIBS 8

enum real_fn {
	F_CTX_SET_VERIFY, F_SSL_SET_VERIFY, F_CONNECT, F_SET_CONNECT_STATE,
	F_PARAM_SET_FLAGS, F_PARAM_SET_HOSTFLAGS, F_CURL_SETOPT, F_GET_VERIFY_RESULT,
	F_SSL_FREE, F_CTX_FREE, F_GET_VERIFY_MODE, F_GET_CTX, NFN
};

static const char *const fn_names[NFN] = {
	"SSL_CTX_set_verify", "SSL_set_verify", "SSL_connect", "SSL_set_connect_state",
	"X509_VERIFY_PARAM_set_flags", "X509_VERIFY_PARAM_set_hostflags", "curl_easy_setopt",
	"SSL_get_verify_result", "SSL_free", "SSL_CTX_free", "SSL_get_verify_mode",
	"SSL_get_SSL_CTX",
};

/* A calling module: its mapped range and the functions it reaches. Published once,
 * whole; only a function still unknown is filled in later. */
struct mod {
	uintptr_t lo, hi;
	int curl;
	void *fn[NFN];
};

static struct mod mods[MODS];
static unsigned nmods;
static vigil_lock_t mods_lock;

enum { NONE, PENDING, CHECKED, REPORTED };

/* An SSL_CTX or SSL: where verification was switched off, and for an SSL whose client
 * handshake started without it, the finding it makes unless checked. */
struct obj {
	uintptr_t key;
	uint32_t off_stack, off_tid;
	unsigned off_fn;
	uint32_t stack, tid, other, other_tid;
	unsigned fn;
	int state;
};

static struct obj objs[OBJECTS];

static const char *const tls_libs[] = {"libssl.so", "libcrypto.so", "libcurl.so"};

struct scan {
	uintptr_t site, self;
	uintptr_t lo, hi, self_lo, self_hi;
	char name[256];
	int found;
	char libs[LIBS][256];
	unsigned nlibs;
};

static void load_range(struct dl_phdr_info *info, uintptr_t *lo, uintptr_t *hi)
{
	*lo = UINTPTR_MAX;
	*hi = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if (a < *lo)
			*lo = a;
		if (a + ph->p_memsz > *hi)
			*hi = a + ph->p_memsz;
	}
}

static int scan_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct scan *s = ctx;
	const char *name = info->dlpi_name ? info->dlpi_name : "";
	const char *base = strrchr(name, '/');
	uintptr_t lo, hi;

	(void)size;
	load_range(info, &lo, &hi);
	if (s->site >= lo && s->site < hi && strlen(name) < sizeof(s->name)) {
		s->lo = lo;
		s->hi = hi;
		strcpy(s->name, name);
		s->found = 1;
	}
	if (s->self >= lo && s->self < hi) {
		s->self_lo = lo;
		s->self_hi = hi;
	}
	base = base ? base + 1 : name;
	for (size_t i = 0; i < sizeof(tls_libs) / sizeof(tls_libs[0]); i++)
		if (!strncmp(base, tls_libs[i], strlen(tls_libs[i])) && s->nlibs < LIBS &&
		    strlen(name) < sizeof(s->libs[0]))
			strcpy(s->libs[s->nlibs++], name);
	return 0;
}

/* The definition of name the module with handle h would reach: its own scope (never
 * vigil's export), the next definition after vigil, a loaded TLS library. The
 * handles stay open: the functions must stay where they were found. */
static void *lookup(void *h, const struct scan *s, const char *name)
{
	void *p = h ? dlsym(h, name) : NULL;

	if ((uintptr_t)p >= s->self_lo && (uintptr_t)p < s->self_hi)
		p = NULL;
	if (!p)
		p = vigil_realsym(name, NULL);
	for (unsigned i = 0; i < s->nlibs && !p; i++) {
		void *lib = dlopen(s->libs[i], RTLD_LAZY | RTLD_NOLOAD);

		if (lib)
			p = dlsym(lib, name);
	}
	return p;
}

/* The loader's lock is taken here, once per calling module (or per still unknown
 * function); the table's lock only to publish. */
static void *resolve_slow(const void *site, unsigned f, int *curl)
{
	struct scan s = {.site = (uintptr_t)site, .self = (uintptr_t)&resolve_slow};
	struct mod m = {0};
	const char *base;
	void *h = NULL;
	int saved = errno;
	unsigned n;

	vigil_guard__enter();
	dl_iterate_phdr(scan_cb, &s);
	if (s.found)
		h = dlopen(s.name[0] ? s.name : NULL, RTLD_LAZY | RTLD_NOLOAD);
	for (unsigned i = 0; i < NFN; i++)
		m.fn[i] = lookup(h, &s, fn_names[i]);
	base = strrchr(s.name, '/');
	m.curl = !strncmp(base ? base + 1 : s.name, "libcurl", 7);
	if (s.found && h) {
		m.lo = s.lo;
		m.hi = s.hi;
		vigil_lock__acquire(&mods_lock);
		n = __atomic_load_n(&nmods, __ATOMIC_RELAXED);
		for (unsigned i = 0; i < n; i++)
			if (mods[i].lo <= m.lo && m.lo < mods[i].hi)
				goto published;
		if (n < MODS) {
			mods[n] = m;
			__atomic_store_n(&nmods, n + 1, __ATOMIC_RELEASE);
		}
published:
		vigil_lock__release(&mods_lock);
	}
	vigil_guard__leave();
	errno = saved;
	if (curl)
		*curl = m.curl;
	return m.fn[f];
}

/* The real function f for a call from site (a return address into the caller). */
static void *real_for(const void *site, unsigned f, int *curl)
{
	unsigned n = __atomic_load_n(&nmods, __ATOMIC_ACQUIRE);
	void *p;

	for (unsigned i = 0; i < n; i++) {
		struct mod *m = &mods[i];

		if ((uintptr_t)site < m->lo || (uintptr_t)site >= m->hi)
			continue;
		p = __atomic_load_n(&m->fn[f], __ATOMIC_ACQUIRE);
		if (!p) {
			p = resolve_slow(site, f, NULL);
			if (p)
				__atomic_store_n(&m->fn[f], p, __ATOMIC_RELEASE);
		}
		if (curl)
			*curl = m->curl;
		return p;
	}
	return resolve_slow(site, f, curl);
}

#define REAL(site, f, type) ((type)real_for((site), (f), NULL))

static unsigned obj_hash(uintptr_t key)
{
	return (unsigned)((key >> 4) * 0x9e3779b97f4a7c15ull >> 40) & (OBJECTS - 1);
}

/* An object's slot; with make, a new one (empty or freed) when it has none. A slot is
 * in use by one object at a time: the program does not free what it still uses. */
static struct obj *obj_find(uintptr_t key, int make)
{
	unsigned h = obj_hash(key);

	for (unsigned i = 0; i < OBJECTS; i++) {
		struct obj *o = &objs[(h + i) & (OBJECTS - 1)];
		uintptr_t k = __atomic_load_n(&o->key, __ATOMIC_ACQUIRE);

		if (k == key)
			return o;
		if (!k)
			break;
	}
	for (unsigned i = 0; make && i < OBJECTS; i++) {
		struct obj *o = &objs[(h + i) & (OBJECTS - 1)];
		uintptr_t k = __atomic_load_n(&o->key, __ATOMIC_ACQUIRE);

		if ((k == 0 || k == TOMB) &&
		    __atomic_compare_exchange_n(&o->key, &k, key, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			o->off_stack = 0;
			o->other = 0;
			__atomic_store_n(&o->state, NONE, __ATOMIC_RELEASE);
			return o;
		}
	}
	return NULL;
}

static void report(uint32_t stack, uint32_t tid, unsigned fn, unsigned reason, uint64_t flags,
		   uint32_t other, uint32_t other_tid)
{
	struct vigil_fbuild f = {0};

	if (!vigil_api__claim(vigil_api__key(VIGIL_FK_TLS_VERIFY_DISABLED, reason, stack)))
		return;
	vigil_fb__stack(&f, stack, tid, VIGIL_ROLE_CALL);
	if (other)
		vigil_fb__stack(&f, other, other_tid, VIGIL_ROLE_OTHER_CALL);
	vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
	vigil_fb__kv(&f, VIGIL_KEY_REASON, reason);
	if (flags)
		vigil_fb__kv(&f, VIGIL_KEY_FLAGS, flags);
	vigil_fb__emit(&f, VIGIL_FK_TLS_VERIFY_DISABLED, VIGIL_SEV_WARNING);
}

/* An unchecked connection without verification: reported once. Inside the guard. */
static void report_pending(struct obj *o)
{
	int st = PENDING;

	if (__atomic_compare_exchange_n(&o->state, &st, REPORTED, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		report(o->stack, o->tid, o->fn, VIGIL_REASON_VERIFY_PEER_OFF, 0, o->other,
		       o->other_tid);
}

/* SSL_CTX_set_verify / SSL_set_verify: where verification went off is remembered
 * (and forgotten when it comes back on) for a later handshake. */
static void set_verify(unsigned fn, const void *obj, int mode, int curl)
{
	int saved = errno;
	struct obj *o;

	vigil_guard__enter();
	if (mode & SSL_VERIFY_PEER) {
		o = obj_find((uintptr_t)obj, 0);
		if (o)
			__atomic_store_n(&o->off_stack, 0, __ATOMIC_RELAXED);
	} else if (!curl && (o = obj_find((uintptr_t)obj, 1))) {
		o->off_tid = (uint32_t)vigil_gettid();
		o->off_fn = fn;
		__atomic_store_n(&o->off_stack, vigil_stack__capture(), __ATOMIC_RELEASE);
	}
	vigil_guard__leave();
	errno = saved;
}

VIGIL_EXPORT void SSL_CTX_set_verify(void *ctx, int mode, void *cb)
{
	const void *site = __builtin_return_address(0);
	int curl = 0;
	void (*real)(void *, int, void *) =
		(void (*)(void *, int, void *))real_for(site, F_CTX_SET_VERIFY, &curl);

	if (!real)
		return;
	if (vigil_api__on() && ctx)
		set_verify(VIGIL_FN_SSL_CTX_SET_VERIFY, ctx, mode, curl);
	real(ctx, mode, cb);
}

VIGIL_EXPORT void SSL_set_verify(void *ssl, int mode, void *cb)
{
	const void *site = __builtin_return_address(0);
	int curl = 0;
	void (*real)(void *, int, void *) =
		(void (*)(void *, int, void *))real_for(site, F_SSL_SET_VERIFY, &curl);

	if (!real)
		return;
	if (vigil_api__on() && ssl)
		set_verify(VIGIL_FN_SSL_SET_VERIFY, ssl, mode, curl);
	real(ssl, mode, cb);
}

/* A client handshake is starting: without SSL_VERIFY_PEER it accepts any certificate
 * unless the program checks the result itself. The finding is made now and kept
 * until the connection is freed. */
static void client_start(unsigned fn, const void *ssl, const void *site)
{
	int (*get_mode)(const void *) = REAL(site, F_GET_VERIFY_MODE, int (*)(const void *));
	void *(*get_ctx)(const void *) = REAL(site, F_GET_CTX, void *(*)(const void *));
	int saved = errno, curl = 0;
	struct obj *o, *off;

	real_for(site, F_CONNECT, &curl);
	if (!ssl || curl || !get_mode || (get_mode(ssl) & SSL_VERIFY_PEER))
		return;
	vigil_guard__enter();
	o = obj_find((uintptr_t)ssl, 1);
	if (!o || __atomic_load_n(&o->state, __ATOMIC_ACQUIRE) != NONE)
		goto out;
	off = o;
	if (!__atomic_load_n(&off->off_stack, __ATOMIC_ACQUIRE) && get_ctx)
		off = obj_find((uintptr_t)get_ctx(ssl), 0);
	if (off && __atomic_load_n(&off->off_stack, __ATOMIC_ACQUIRE)) {
		o->stack = off->off_stack;
		o->tid = off->off_tid;
		o->fn = off->off_fn;
		o->other = vigil_stack__capture();
		o->other_tid = (uint32_t)vigil_gettid();
	} else {
		o->stack = vigil_stack__capture();
		o->tid = (uint32_t)vigil_gettid();
		o->fn = fn;
		o->other = 0;
	}
	__atomic_store_n(&o->state, PENDING, __ATOMIC_RELEASE);
out:
	vigil_guard__leave();
	errno = saved;
}

VIGIL_EXPORT int SSL_connect(void *ssl)
{
	const void *site = __builtin_return_address(0);
	int (*real)(void *) = REAL(site, F_CONNECT, int (*)(void *));

	if (!real)
		return -1;
	if (vigil_api__on())
		client_start(VIGIL_FN_SSL_CONNECT, ssl, site);
	return real(ssl);
}

VIGIL_EXPORT void SSL_set_connect_state(void *ssl)
{
	const void *site = __builtin_return_address(0);
	void (*real)(void *) = REAL(site, F_SET_CONNECT_STATE, void (*)(void *));

	if (!real)
		return;
	if (vigil_api__on())
		client_start(VIGIL_FN_SSL_SET_CONNECT_STATE, ssl, site);
	real(ssl);
}

/* The program looks at the verification result itself: the connection is checked. */
VIGIL_EXPORT long SSL_get_verify_result(const void *ssl)
{
	long (*real)(const void *) = REAL(__builtin_return_address(0), F_GET_VERIFY_RESULT,
					  long (*)(const void *));
	struct obj *o;
	int st = PENDING;

	if (!real)
		return X509_V_ERR_UNSPECIFIED;
	if (vigil_api__on() && ssl && (o = obj_find((uintptr_t)ssl, 0)))
		__atomic_compare_exchange_n(&o->state, &st, CHECKED, 0, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE);
	return real(ssl);
}

/* An object going away: an unchecked connection is reported, the slot freed. */
static void forget(const void *obj)
{
	int saved = errno;
	struct obj *o;

	vigil_guard__enter();
	o = obj_find((uintptr_t)obj, 0);
	if (o) {
		report_pending(o);
		__atomic_store_n(&o->key, TOMB, __ATOMIC_RELEASE);
	}
	vigil_guard__leave();
	errno = saved;
}

VIGIL_EXPORT void SSL_free(void *ssl)
{
	void (*real)(void *) = REAL(__builtin_return_address(0), F_SSL_FREE, void (*)(void *));

	if (!real)
		return;
	if (vigil_api__on() && ssl)
		forget(ssl);
	real(ssl);
}

VIGIL_EXPORT void SSL_CTX_free(void *ctx)
{
	void (*real)(void *) = REAL(__builtin_return_address(0), F_CTX_FREE, void (*)(void *));

	if (!real)
		return;
	if (vigil_api__on() && ctx)
		forget(ctx);
	real(ctx);
}

/* Connections still open at exit. Runs before vigil's exit report (rt.c). */
__attribute__((destructor)) static void tls_at_exit(void)
{
	int saved = errno;

	if (!vigil_api__on())
		return;
	vigil_guard__enter();
	for (unsigned i = 0; i < OBJECTS; i++)
		if (__atomic_load_n(&objs[i].key, __ATOMIC_ACQUIRE) > TOMB)
			report_pending(&objs[i]);
	vigil_guard__leave();
	errno = saved;
}

static void flags_off(unsigned fn, unsigned reason, uint64_t bits)
{
	int saved = errno;

	vigil_guard__enter();
	report(vigil_stack__capture(), (uint32_t)vigil_gettid(), fn, reason, bits, 0, 0);
	vigil_guard__leave();
	errno = saved;
}

VIGIL_EXPORT int X509_VERIFY_PARAM_set_flags(void *param, unsigned long flags)
{
	unsigned long bad = flags & (X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_IGNORE_CRITICAL);
	int (*real)(void *, unsigned long) = REAL(__builtin_return_address(0), F_PARAM_SET_FLAGS,
						  int (*)(void *, unsigned long));

	if (!real)
		return 0;
	if (bad && vigil_api__on())
		flags_off(VIGIL_FN_X509_VERIFY_PARAM_SET_FLAGS, VIGIL_REASON_CERT_CHECKS_SKIPPED,
			  bad);
	return real(param, flags);
}

VIGIL_EXPORT void X509_VERIFY_PARAM_set_hostflags(void *param, unsigned int flags)
{
	unsigned bad = flags & (X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS |
				X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS);
	void (*real)(void *, unsigned) = REAL(__builtin_return_address(0), F_PARAM_SET_HOSTFLAGS,
					      void (*)(void *, unsigned));

	if (!real)
		return;
	if (bad && vigil_api__on())
		flags_off(VIGIL_FN_X509_VERIFY_PARAM_SET_HOSTFLAGS,
			  VIGIL_REASON_HOST_MATCH_LOOSENED, bad);
	real(param, flags);
}

static unsigned curl_reason(int option)
{
	switch (option) {
	case CURLOPT_SSL_VERIFYPEER:
		return VIGIL_REASON_VERIFY_PEER_OFF;
	case CURLOPT_SSL_VERIFYHOST:
		return VIGIL_REASON_VERIFY_HOST_OFF;
	case CURLOPT_PROXY_SSL_VERIFYPEER:
		return VIGIL_REASON_PROXY_VERIFY_PEER_OFF;
	case CURLOPT_PROXY_SSL_VERIFYHOST:
		return VIGIL_REASON_PROXY_VERIFY_HOST_OFF;
	case CURLOPT_DOH_SSL_VERIFYPEER:
		return VIGIL_REASON_DOH_VERIFY_PEER_OFF;
	case CURLOPT_DOH_SSL_VERIFYHOST:
		return VIGIL_REASON_DOH_VERIFY_HOST_OFF;
	}
	return 0;
}

/* Every option takes one more argument, a long, a pointer, a function pointer or a
 * curl_off_t: on the LP64 ABIs all are one 64-bit integer-class word, passed on as
 * it came. */
VIGIL_EXPORT int curl_easy_setopt(void *curl, int option, ...)
{
	int (*real)(void *, int, ...) = REAL(__builtin_return_address(0), F_CURL_SETOPT,
					     int (*)(void *, int, ...));
	va_list ap;
	long v;
	unsigned reason;

	va_start(ap, option);
	v = va_arg(ap, long);
	va_end(ap);
	if (!real)
		return CURLE_FAILED_INIT;
	reason = curl_reason(option);
	if (reason && !v && vigil_api__on())
		flags_off(VIGIL_FN_CURL_EASY_SETOPT, reason, 0);
	return real(curl, option, v);
}
