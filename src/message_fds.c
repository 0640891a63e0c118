// SPDX-License-Identifier: MIT
/* The one-sentence messages of the descriptor findings: which descriptor, which call
 * did what to it, and which call made or closed it. */
#include <inttypes.h>
#include <stdio.h>

#include "report.h"

#define has vigil_finding__has
#define get vigil_finding__get

static const char *call(const struct vigil_finding *f, enum vigil_key k, const char *unknown)
{
	uint64_t c = get(f, k);
	const char *name = has(f, k) && c < VIGIL_FDC_MAX ? vigil_fd_call_name((unsigned)c) : NULL;

	return name ? name : unknown;
}

static unsigned reason(const struct vigil_finding *f)
{
	return (unsigned)get(f, VIGIL_KEY_REASON);
}

static void leak_message(const struct vigil_finding *f, char *buf, size_t len)
{
	uint64_t n = get(f, VIGIL_KEY_FDS), made = get(f, VIGIL_KEY_FDS_CREATED);
	const char *by = call(f, VIGIL_KEY_FD_OPENED_BY, "a call");

	if (reason(f) == VIGIL_REASON_FD_GROWING)
		snprintf(buf, len,
			 "descriptors opened by %s() here kept growing: %" PRIu64
			 " open at the last sample",
			 by, n);
	else if (made > n)
		snprintf(buf, len,
			 "%" PRIu64 " descriptors from %s() here still open at exit (%" PRIu64
			 " created by this site)",
			 n, by, made);
	else
		snprintf(buf, len, "%" PRIu64 " descriptors from %s() here still open at exit", n,
			 by);
}

static void bad_fd_message(const struct vigil_finding *f, char *buf, size_t len)
{
	const char *what = call(f, VIGIL_KEY_FD_CALL, "a call");

	switch (reason(f)) {
	case VIGIL_REASON_FD_NEGATIVE:
		snprintf(buf, len, "%s() on a negative descriptor (a failed open's -1?)", what);
		return;
	case VIGIL_REASON_FD_NEVER_OPENED:
		snprintf(buf, len, "%s() on fd %" PRIu64 ", never open", what,
			 get(f, VIGIL_KEY_FD));
		return;
	default:
		snprintf(buf, len, "%s() on fd %" PRIu64 ", closed before by %s()", what,
			 get(f, VIGIL_KEY_FD), call(f, VIGIL_KEY_FD_CLOSED_BY, "close"));
	}
}

static void reuse_message(const struct vigil_finding *f, char *buf, size_t len)
{
	const char *what = call(f, VIGIL_KEY_FD_CALL, "a call");
	uint64_t fd = get(f, VIGIL_KEY_FD);

	switch (reason(f)) {
	case VIGIL_REASON_FD_FILE_OWNED:
	case VIGIL_REASON_FD_DIR_OWNED: {
		int file = reason(f) == VIGIL_REASON_FD_FILE_OWNED;

		snprintf(buf, len,
			 "%s() of fd %" PRIu64 " that a %s from %s() owns: its %s will close "
			 "whatever has the number then",
			 what, fd, file ? "FILE*" : "DIR*",
			 call(f, VIGIL_KEY_FD_OPENED_BY, file ? "fopen" : "opendir"),
			 file ? "fclose" : "closedir");
		return;
	}
	case VIGIL_REASON_FD_CLOSED_UNDER:
		snprintf(buf, len,
			 "%s() of a stream whose fd %" PRIu64 " was closed underneath by %s()",
			 what, fd, call(f, VIGIL_KEY_FD_CLOSED_BY, "close"));
		return;
	case VIGIL_REASON_FD_BLOCKED:
		snprintf(buf, len,
			 "%s() of fd %" PRIu64 " while thread %" PRIu64 " is blocked in a call on it",
			 what, fd, get(f, VIGIL_KEY_BLOCKED_TID));
		return;
	default:
		snprintf(buf, len,
			 "%s() on fd %" PRIu64 " from the same call site as before its %s(): the "
			 "number now belongs to a descriptor from %s() elsewhere",
			 what, fd, call(f, VIGIL_KEY_FD_CLOSED_BY, "close"),
			 call(f, VIGIL_KEY_FD_OPENED_BY, "another call"));
	}
}

bool vigil_finding__fd_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char t[32];

	switch (f->kind) {
	case VIGIL_FK_FD_LEAK:
		leak_message(f, buf, len);
		return true;
	case VIGIL_FK_DOUBLE_CLOSE:
		snprintf(buf, len, "%s(fd %" PRIu64 ") of a descriptor already closed by %s()",
			 call(f, VIGIL_KEY_FD_CALL, "close"), get(f, VIGIL_KEY_FD),
			 call(f, VIGIL_KEY_FD_CLOSED_BY, "close"));
		return true;
	case VIGIL_FK_BAD_FD:
		bad_fd_message(f, buf, len);
		return true;
	case VIGIL_FK_FD_REUSE:
		reuse_message(f, buf, len);
		return true;
	case VIGIL_FK_NONBLOCKING_SPIN:
		snprintf(buf, len,
			 "%" PRIu64 " EAGAIN from %s() on fd %" PRIu64 " in %s with no wait in "
			 "between",
			 get(f, VIGIL_KEY_EAGAINS), call(f, VIGIL_KEY_FD_CALL, "a call"),
			 get(f, VIGIL_KEY_FD),
			 vigil_format_ms(t, sizeof(t), get(f, VIGIL_KEY_SPIN_NS) / 1000000u, false));
		return true;
	}
	return false;
}
