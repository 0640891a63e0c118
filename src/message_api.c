// SPDX-License-Identifier: MIT
/* The one-sentence messages of the api findings: the call, what is wrong with it,
 * what to use instead, and the text it concerns (a command, a path, a format). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define has vigil_finding__has
#define get vigil_finding__get

static const char *fn_name(const struct vigil_finding *f, enum vigil_key k, const char *unknown)
{
	uint64_t v = get(f, k);
	const char *name = has(f, k) && v < VIGIL_FN_MAX ? vigil_func_name((unsigned)v) : NULL;

	return name ? name : unknown;
}

static unsigned reason(const struct vigil_finding *f)
{
	return (unsigned)get(f, VIGIL_KEY_REASON);
}

/* The finding's text, quoted, "..." when it was cut; "" when there is none. */
static const char *quoted(const struct vigil_finding *f, char *buf, size_t len)
{
	size_t n = f->text ? strlen(f->text) : 0;

	if (!f->text) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, len, ": \"%s%s\"", f->text, get(f, VIGIL_KEY_TEXT_LEN) > n ? "..." : "");
	return buf;
}

static const char *where(const struct vigil_finding *f)
{
	uint64_t w = get(f, VIGIL_KEY_WHERE);
	const char *name = has(f, VIGIL_KEY_WHERE) && w < VIGIL_WHERE_MAX ?
				   vigil_where_name((unsigned)w) : NULL;

	return name ? name : "writable memory";
}

static void unsafe_message(const struct vigil_finding *f, char *buf, size_t len)
{
	const char *fn = fn_name(f, VIGIL_KEY_FUNC, "a call");
	const char *repl = fn_name(f, VIGIL_KEY_REPLACEMENT, NULL);
	char use[48] = "";

	if (repl)
		snprintf(use, sizeof(use), " (use %s)", repl);
	switch (reason(f)) {
	case VIGIL_REASON_UNBOUNDED_INPUT:
		snprintf(buf, len, "%s reads a line of any length%s", fn, use);
		return;
	case VIGIL_REASON_PREDICTABLE_NAME:
		snprintf(buf, len, "%s makes a predictable temporary name%s", fn, use);
		return;
	case VIGIL_REASON_OVERFLOW:
		snprintf(buf, len,
			 "%s writes %" PRIu64 " bytes into a buffer of %" PRIu64 " (in %s)%s", fn,
			 get(f, VIGIL_KEY_ACCESS_SIZE), get(f, VIGIL_KEY_DEST_SIZE), where(f), use);
		return;
	default:
		snprintf(buf, len,
			 "%s writes %" PRIu64 " bytes into a buffer of unknown size (in %s)%s", fn,
			 get(f, VIGIL_KEY_ACCESS_SIZE), where(f), use);
	}
}

static void perm_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char text[160], um[32] = "";

	if (has(f, VIGIL_KEY_UMASK))
		snprintf(um, sizeof(um), ", umask %04" PRIo64, get(f, VIGIL_KEY_UMASK));
	snprintf(buf, len, "%s %s a path world-writable (mode %04" PRIo64 "%s)%s",
		 fn_name(f, VIGIL_KEY_FUNC, "a call"),
		 reason(f) == VIGIL_REASON_CHMOD ? "makes" : "creates", get(f, VIGIL_KEY_MODE), um,
		 quoted(f, text, sizeof(text)));
}

static void tls_message(const struct vigil_finding *f, char *buf, size_t len)
{
	const char *what;

	switch (reason(f)) {
	case VIGIL_REASON_VERIFY_HOST_OFF:
		what = "host name not verified";
		break;
	case VIGIL_REASON_PROXY_VERIFY_PEER_OFF:
		what = "proxy certificate not verified";
		break;
	case VIGIL_REASON_PROXY_VERIFY_HOST_OFF:
		what = "proxy host name not verified";
		break;
	case VIGIL_REASON_DOH_VERIFY_PEER_OFF:
		what = "DNS-over-HTTPS certificate not verified";
		break;
	case VIGIL_REASON_DOH_VERIFY_HOST_OFF:
		what = "DNS-over-HTTPS host name not verified";
		break;
	case VIGIL_REASON_CERT_CHECKS_SKIPPED:
		what = "certificate checks skipped";
		break;
	case VIGIL_REASON_HOST_MATCH_LOOSENED:
		what = "host name matching loosened";
		break;
	default:
		what = "peer certificate not verified";
	}
	if (has(f, VIGIL_KEY_FLAGS))
		snprintf(buf, len, "%s: %s (flags 0x%" PRIx64 ")",
			 fn_name(f, VIGIL_KEY_FUNC, "a TLS call"), what, get(f, VIGIL_KEY_FLAGS));
	else
		snprintf(buf, len, "%s: %s", fn_name(f, VIGIL_KEY_FUNC, "a TLS call"), what);
}

bool vigil_finding__api_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char text[160];
	const char *fn = fn_name(f, VIGIL_KEY_FUNC, "a call");

	switch (f->kind) {
	case VIGIL_FK_UNSAFE_API:
		unsafe_message(f, buf, len);
		return true;
	case VIGIL_FK_DEPRECATED_API:
		if (reason(f) == VIGIL_REASON_SYSV_SIGNAL)
			snprintf(buf, len, "%s installs a one-shot handler (System V semantics): "
					   "use sigaction",
				 fn);
		else
			snprintf(buf, len, "%s is obsolete: use %s", fn,
				 fn_name(f, VIGIL_KEY_REPLACEMENT, "its modern replacement"));
		return true;
	case VIGIL_FK_FORMAT_STRING:
		if (reason(f) == VIGIL_REASON_PERCENT_N)
			snprintf(buf, len, "%s format with %%n in %s%s", fn, where(f),
				 quoted(f, text, sizeof(text)));
		else
			snprintf(buf, len,
				 "%s format in %s with conversions, likely from input%s", fn,
				 where(f), quoted(f, text, sizeof(text)));
		return true;
	case VIGIL_FK_MEMCPY_OVERLAP:
		snprintf(buf, len,
			 "%s of %" PRIu64 " bytes between overlapping buffers 0x%" PRIx64
			 " and 0x%" PRIx64 " (use memmove)",
			 fn, get(f, VIGIL_KEY_ACCESS_SIZE), get(f, VIGIL_KEY_ADDR),
			 get(f, VIGIL_KEY_OTHER_ADDR));
		return true;
	case VIGIL_FK_INSECURE_PERMISSIONS:
		perm_message(f, buf, len);
		return true;
	case VIGIL_FK_INSECURE_TEMPFILE:
		snprintf(buf, len, "%s creates a file without O_EXCL in a shared directory (use "
				   "mkstemp)%s",
			 fn, quoted(f, text, sizeof(text)));
		return true;
	case VIGIL_FK_SHELL_EXEC:
		snprintf(buf, len, "%s runs a shell%s", fn, quoted(f, text, sizeof(text)));
		return true;
	case VIGIL_FK_TLS_VERIFY_DISABLED:
		tls_message(f, buf, len);
		return true;
	}
	return false;
}
