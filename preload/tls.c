// SPDX-License-Identifier: MIT
/* tls-verify-disabled: OpenSSL and libcurl settings that switch certificate checks
 * off on the client side. The real functions are looked up on first call, so a
 * program without these libraries never pays; a library loaded RTLD_LOCAL (python's
 * _ssl brings libssl so) is outside RTLD_NEXT's reach and is asked directly. Neither
 * library's headers are needed: the few constants are their stable ABI values.
 *
 * A server that does not ask for client certificates rightly runs with
 * SSL_VERIFY_NONE, so NONE is reported only for what is known to be a client: a
 * client-method context, an SSL already in client mode, or any SSL at the moment it
 * starts a client handshake (SSL_connect, SSL_set_connect_state) with verification
 * off, whether it was switched off or never on. The SSL calls libcurl makes on its own
 * are not reported: libcurl turns verification off only when told to by
 * curl_easy_setopt, reported there. */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdarg.h>
#include <string.h>

#include "api.h"
#include "realsym.h"
#include "rt.h"
#include "stack.h"

/* openssl/ssl.h, x509_vfy.h, x509v3.h (OpenSSL 1.1 and 3) */
#define SSL_VERIFY_PEER 0x01
#define X509_V_FLAG_IGNORE_CRITICAL 0x10
#define X509_V_FLAG_NO_CHECK_TIME 0x200000
#define X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS 0x8
#define X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS 0x10
/* curl/curl.h: CURLOPT_* numbers (type LONG, base 0) and CURLE_FAILED_INIT */
#define CURLOPT_SSL_VERIFYPEER 64
#define CURLOPT_SSL_VERIFYHOST 81
#define CURLOPT_PROXY_SSL_VERIFYPEER 248
#define CURLOPT_PROXY_SSL_VERIFYHOST 249
#define CURLOPT_DOH_SSL_VERIFYPEER 306
#define CURLOPT_DOH_SSL_VERIFYHOST 307
#define CURLE_FAILED_INIT 2

#define OBJECTS 256u /* contexts and connections whose verification was set off */
#define LIBS 8

typedef void *(*method_fn)(void);

/* An object (SSL_CTX or SSL) set to SSL_VERIFY_NONE: where, and whether reported. */
struct obj {
	uintptr_t key;
	uint32_t stack, tid;
	unsigned fn;
	int reported;
};

static struct obj objs[OBJECTS];

static const char *const tls_libs[] = {"libssl.so", "libcrypto.so", "libcurl.so"};

struct lib_search {
	char names[LIBS][256];
	unsigned n;
};

static int lib_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct lib_search *s = ctx;
	const char *base = info->dlpi_name ? strrchr(info->dlpi_name, '/') : NULL;

	(void)size;
	base = base ? base + 1 : info->dlpi_name;
	for (size_t i = 0; base && i < sizeof(tls_libs) / sizeof(tls_libs[0]); i++)
		if (!strncmp(base, tls_libs[i], strlen(tls_libs[i])) && s->n < LIBS &&
		    strlen(info->dlpi_name) < sizeof(s->names[0]))
			strcpy(s->names[s->n++], info->dlpi_name);
	return 0;
}

/* What RTLD_NEXT does not reach: each loaded TLS library's own definition. Its handle
 * is kept: the function must stay where it was found (libcrypto pins itself anyway).
 * Called by vigil_realsym__fill, inside the guard. */
static void *in_tls_libs(const char *name)
{
	struct lib_search s = {.n = 0};
	void *p = NULL;

	dl_iterate_phdr(lib_cb, &s);
	for (unsigned i = 0; i < s.n && !p; i++) {
		void *h = dlopen(s.names[i], RTLD_LAZY | RTLD_NOLOAD);

		if (h)
			p = dlsym(h, name);
	}
	return p;
}

/* A function not found stays unknown and is looked up again on the next call: its
 * library may have been loaded since. */
#define REAL(var, name)                                                                  \
	((__typeof__(var))vigil_realsym__slot_or((void **)&(var), name, NULL, in_tls_libs))

static void (*real_ctx_set_verify)(void *, int, void *);
static void (*real_ssl_set_verify)(void *, int, void *);
static int (*real_ssl_connect)(void *);
static void (*real_ssl_set_connect_state)(void *);
static int (*real_param_set_flags)(void *, unsigned long);
static void (*real_param_set_hostflags)(void *, unsigned int);
static int (*real_curl_easy_setopt)(void *, int, ...);
static const void *(*real_ctx_get_method)(const void *);
static int (*real_ssl_is_server)(const void *);
static int (*real_ssl_get_verify_mode)(const void *);
static void *(*real_ssl_get_ctx)(const void *);

/* Whether the call came from inside libcurl (which sets up OpenSSL as curl_easy_setopt
 * asked). Inside the guard. */
static int from_curl(const void *site)
{
	Dl_info info;
	const char *base;

	if (!dladdr(site, &info) || !info.dli_fname)
		return 0;
	base = strrchr(info.dli_fname, '/');
	return !strncmp(base ? base + 1 : info.dli_fname, "libcurl", 7);
}

/* A client-only method: the context can only ever connect. */
static int client_ctx(const void *ctx)
{
	static const char *const names[] = {
		"TLS_client_method",      "DTLS_client_method",     "TLSv1_2_client_method",
		"TLSv1_1_client_method",  "TLSv1_client_method",    "DTLSv1_2_client_method",
		"DTLSv1_client_method",
	};
	static method_fn methods[sizeof(names) / sizeof(names[0])];
	const void *m = REAL(real_ctx_get_method, "SSL_CTX_get_ssl_method")
				? real_ctx_get_method(ctx) : NULL;

	for (size_t i = 0; m && i < sizeof(names) / sizeof(names[0]); i++)
		if (REAL(methods[i], names[i]) && methods[i]() == m)
			return 1;
	return 0;
}

static struct obj *obj_find(uintptr_t key, int make)
{
	unsigned h = (unsigned)((key >> 4) * 0x9e3779b97f4a7c15ull >> 40) & (OBJECTS - 1);

	for (unsigned i = 0; i < OBJECTS; i++) {
		struct obj *o = &objs[(h + i) & (OBJECTS - 1)];
		uintptr_t k = __atomic_load_n(&o->key, __ATOMIC_ACQUIRE);

		if (k == key)
			return o;
		if (!k) {
			if (!make)
				return NULL;
			if (__atomic_compare_exchange_n(&o->key, &k, key, 0, __ATOMIC_ACQ_REL,
							__ATOMIC_ACQUIRE) || k == key)
				return o;
		}
	}
	return NULL;
}

static void report(uint32_t stack, uint32_t tid, unsigned fn, unsigned reason, uint64_t flags,
		   uint32_t other)
{
	struct vigil_fbuild f = {0};

	if (!vigil_api__claim(vigil_api__key(VIGIL_FK_TLS_VERIFY_DISABLED, reason, stack)))
		return;
	vigil_fb__stack(&f, stack, tid, VIGIL_ROLE_CALL);
	if (other)
		vigil_fb__stack(&f, other, (uint32_t)vigil_gettid(), VIGIL_ROLE_OTHER_CALL);
	vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
	vigil_fb__kv(&f, VIGIL_KEY_REASON, reason);
	if (flags)
		vigil_fb__kv(&f, VIGIL_KEY_FLAGS, flags);
	vigil_fb__emit(&f, VIGIL_FK_TLS_VERIFY_DISABLED, VIGIL_SEV_WARNING);
}

/* SSL_CTX_set_verify / SSL_set_verify: remembered when verification goes off (and
 * forgotten when it comes back on), reported now when the object is a client's. */
static void set_verify(unsigned fn, const void *obj, int mode, int client, const void *site)
{
	int saved = errno;
	struct obj *o;

	vigil_guard__enter();
	if (mode & SSL_VERIFY_PEER) {
		o = obj_find((uintptr_t)obj, 0);
		if (o)
			__atomic_store_n(&o->stack, 0, __ATOMIC_RELAXED);
	} else if (!from_curl(site)) {
		o = obj_find((uintptr_t)obj, 1);
		if (o) {
			o->stack = vigil_stack__capture();
			o->tid = (uint32_t)vigil_gettid();
			o->fn = fn;
			o->reported = 0;
		}
		if (o && client) {
			o->reported = 1;
			report(o->stack, o->tid, fn, VIGIL_REASON_VERIFY_PEER_OFF, 0, 0);
		}
	}
	vigil_guard__leave();
	errno = saved;
}

VIGIL_EXPORT void SSL_CTX_set_verify(void *ctx, int mode, void *cb)
{
	if (!REAL(real_ctx_set_verify, "SSL_CTX_set_verify"))
		return;
	if (vigil_api__on() && ctx)
		set_verify(VIGIL_FN_SSL_CTX_SET_VERIFY, ctx, mode,
			   !(mode & SSL_VERIFY_PEER) && client_ctx(ctx),
			   __builtin_return_address(0));
	real_ctx_set_verify(ctx, mode, cb);
}

VIGIL_EXPORT void SSL_set_verify(void *ssl, int mode, void *cb)
{
	if (!REAL(real_ssl_set_verify, "SSL_set_verify"))
		return;
	if (vigil_api__on() && ssl)
		set_verify(VIGIL_FN_SSL_SET_VERIFY, ssl, mode,
			   !(mode & SSL_VERIFY_PEER) && REAL(real_ssl_is_server, "SSL_is_server") &&
				   !real_ssl_is_server(ssl),
			   __builtin_return_address(0));
	real_ssl_set_verify(ssl, mode, cb);
}

/* A client handshake is starting: without SSL_VERIFY_PEER it accepts any certificate.
 * The report points at the call that switched verification off when vigil saw one
 * (for this SSL or its context), else at the handshake itself (it was never on). */
static void client_start(unsigned fn, const void *ssl, const void *site)
{
	int saved = errno;
	struct obj *o;
	uint32_t here;

	if (!ssl || !REAL(real_ssl_get_verify_mode, "SSL_get_verify_mode") ||
	    (real_ssl_get_verify_mode(ssl) & SSL_VERIFY_PEER))
		return;
	vigil_guard__enter();
	if (from_curl(site))
		goto out;
	o = obj_find((uintptr_t)ssl, 0);
	if ((!o || !o->stack) && REAL(real_ssl_get_ctx, "SSL_get_SSL_CTX"))
		o = obj_find((uintptr_t)real_ssl_get_ctx(ssl), 0);
	if (o && o->stack) {
		if (!__atomic_exchange_n(&o->reported, 1, __ATOMIC_ACQ_REL))
			report(o->stack, o->tid, o->fn, VIGIL_REASON_VERIFY_PEER_OFF, 0,
			       vigil_stack__capture());
	} else {
		here = vigil_stack__capture();
		o = obj_find((uintptr_t)ssl, 1);
		if (!o || !__atomic_exchange_n(&o->reported, 1, __ATOMIC_ACQ_REL))
			report(here, (uint32_t)vigil_gettid(), fn, VIGIL_REASON_VERIFY_PEER_OFF, 0,
			       0);
	}
out:
	vigil_guard__leave();
	errno = saved;
}

VIGIL_EXPORT int SSL_connect(void *ssl)
{
	if (!REAL(real_ssl_connect, "SSL_connect"))
		return -1;
	if (vigil_api__on())
		client_start(VIGIL_FN_SSL_CONNECT, ssl, __builtin_return_address(0));
	return real_ssl_connect(ssl);
}

VIGIL_EXPORT void SSL_set_connect_state(void *ssl)
{
	if (!REAL(real_ssl_set_connect_state, "SSL_set_connect_state"))
		return;
	if (vigil_api__on())
		client_start(VIGIL_FN_SSL_SET_CONNECT_STATE, ssl, __builtin_return_address(0));
	real_ssl_set_connect_state(ssl);
}

static void flags_off(unsigned fn, unsigned reason, uint64_t bits)
{
	int saved = errno;

	vigil_guard__enter();
	report(vigil_stack__capture(), (uint32_t)vigil_gettid(), fn, reason, bits, 0);
	vigil_guard__leave();
	errno = saved;
}

VIGIL_EXPORT int X509_VERIFY_PARAM_set_flags(void *param, unsigned long flags)
{
	unsigned long bad = flags & (X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_IGNORE_CRITICAL);

	if (!REAL(real_param_set_flags, "X509_VERIFY_PARAM_set_flags"))
		return 0;
	if (bad && vigil_api__on())
		flags_off(VIGIL_FN_X509_VERIFY_PARAM_SET_FLAGS, VIGIL_REASON_CERT_CHECKS_SKIPPED,
			  bad);
	return real_param_set_flags(param, flags);
}

VIGIL_EXPORT void X509_VERIFY_PARAM_set_hostflags(void *param, unsigned int flags)
{
	unsigned bad = flags & (X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS |
				X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS);

	if (!REAL(real_param_set_hostflags, "X509_VERIFY_PARAM_set_hostflags"))
		return;
	if (bad && vigil_api__on())
		flags_off(VIGIL_FN_X509_VERIFY_PARAM_SET_HOSTFLAGS,
			  VIGIL_REASON_HOST_MATCH_LOOSENED, bad);
	real_param_set_hostflags(param, flags);
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
	va_list ap;
	long v;
	unsigned reason;

	va_start(ap, option);
	v = va_arg(ap, long);
	va_end(ap);
	if (!REAL(real_curl_easy_setopt, "curl_easy_setopt"))
		return CURLE_FAILED_INIT;
	reason = curl_reason(option);
	if (reason && !v && vigil_api__on())
		flags_off(VIGIL_FN_CURL_EASY_SETOPT, reason, 0);
	return real_curl_easy_setopt(curl, option, v);
}
