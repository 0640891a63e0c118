// SPDX-License-Identifier: MIT
/* The one-sentence message of each finding kind, shared by every report format. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

static bool has(const struct vigil_finding *f, enum vigil_key k)
{
	return f->details_set & (1ull << k);
}

static uint64_t get(const struct vigil_finding *f, enum vigil_key k)
{
	return has(f, k) ? f->details[k] : 0;
}

/* "1 byte", "96 bytes". */
static const char *qty(char *buf, size_t len, uint64_t n, const char *unit)
{
	snprintf(buf, len, "%" PRIu64 " %s%s", n, unit, n == 1 ? "" : "s");
	return buf;
}

static void signame(int sig, char *buf, size_t len)
{
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
}

static void leak_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char b1[32], b2[32], b3[32], b4[32], b5[32], b6[32];
	uint64_t db = get(f, VIGIL_KEY_DIRECT_BYTES), dn = get(f, VIGIL_KEY_DIRECT_BLOCKS);
	uint64_t ib = get(f, VIGIL_KEY_INDIRECT_BYTES), in = get(f, VIGIL_KEY_INDIRECT_BLOCKS);
	int n;

	n = snprintf(buf, len, "leak of %s in %s",
		     qty(b1, sizeof(b1), get(f, VIGIL_KEY_BYTES), "byte"),
		     qty(b2, sizeof(b2), get(f, VIGIL_KEY_BLOCKS), "block"));
	if (n < 0 || (size_t)n >= len || !(has(f, VIGIL_KEY_DIRECT_BLOCKS) ||
					  has(f, VIGIL_KEY_INDIRECT_BLOCKS)))
		return;
	if (dn && in)
		snprintf(buf + n, len - (size_t)n, " (direct: %s in %s; indirect: %s in %s)",
			 qty(b3, sizeof(b3), db, "byte"), qty(b4, sizeof(b4), dn, "block"),
			 qty(b5, sizeof(b5), ib, "byte"), qty(b6, sizeof(b6), in, "block"));
	else if (in)
		snprintf(buf + n, len - (size_t)n, " (indirect: reachable only from other leaked "
						   "blocks)");
	else if (dn)
		snprintf(buf + n, len - (size_t)n, " (direct)");
}

static void crash_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char sig[32];
	int s = (int)get(f, VIGIL_KEY_SIGNAL);
	bool addr = has(f, VIGIL_KEY_FAULT_ADDR) &&
		    (s == SIGSEGV || s == SIGBUS || s == SIGILL || s == SIGFPE);

	signame(s, sig, sizeof(sig));
	if (!has(f, VIGIL_KEY_SIGNAL))
		snprintf(sig, sizeof(sig), "a fatal signal");
	if (addr)
		snprintf(buf, len, "process %" PRIu32 " killed by %s (address 0x%" PRIx64 ")",
			 f->npids ? f->pids[0] : 0, sig, get(f, VIGIL_KEY_FAULT_ADDR));
	else
		snprintf(buf, len, "process %" PRIu32 " killed by %s", f->npids ? f->pids[0] : 0,
			 sig);
}

/* "double free of a 32-byte block", or without the size when unknown. */
static void block_message(const struct vigil_finding *f, char *buf, size_t len,
			  const char *what)
{
	if (has(f, VIGIL_KEY_SIZE))
		snprintf(buf, len, "%s of a %" PRIu64 "-byte block", what, get(f, VIGIL_KEY_SIZE));
	else
		snprintf(buf, len, "%s", what);
}

/* Kinds without a dedicated sentence yet: the kind name in words. */
static void generic_message(const struct vigil_finding *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s", vigil_kind_name(f->kind) ? vigil_kind_name(f->kind) : "finding");
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = ' ';
}

void vigil_finding__message(const struct vigil_finding *f, char *buf, size_t len)
{
	char b1[32], b2[32];

	switch ((enum vigil_finding_kind)f->kind) {
	case VIGIL_FK_LEAK:
		leak_message(f, buf, len);
		return;
	case VIGIL_FK_LEAK_REACHABLE:
		snprintf(buf, len, "%s in %s still reachable at exit",
			 qty(b1, sizeof(b1), get(f, VIGIL_KEY_BYTES), "byte"),
			 qty(b2, sizeof(b2), get(f, VIGIL_KEY_BLOCKS), "block"));
		return;
	case VIGIL_FK_HEAP_GROWTH:
		snprintf(buf, len, "live heap from one allocation site kept growing, to %s",
			 qty(b1, sizeof(b1), vigil_finding__bytes(f), "byte"));
		return;
	case VIGIL_FK_DOUBLE_FREE:
		block_message(f, buf, len, "double free");
		return;
	case VIGIL_FK_INVALID_FREE:
		if (has(f, VIGIL_KEY_ADDR))
			snprintf(buf, len, "free of pointer 0x%" PRIx64 " that was never allocated",
				 get(f, VIGIL_KEY_ADDR));
		else
			snprintf(buf, len, "free of a pointer that was never allocated");
		return;
	case VIGIL_FK_MISMATCHED_FREE:
		block_message(f, buf, len, "mismatched deallocation");
		return;
	case VIGIL_FK_HEAP_OVERFLOW:
		if (has(f, VIGIL_KEY_OFFSET) && has(f, VIGIL_KEY_SIZE))
			snprintf(buf, len, "heap buffer overflow at offset %" PRIu64
					   " of a %" PRIu64 "-byte block",
				 get(f, VIGIL_KEY_OFFSET), get(f, VIGIL_KEY_SIZE));
		else
			block_message(f, buf, len, "heap buffer overflow");
		return;
	case VIGIL_FK_USE_AFTER_FREE:
		block_message(f, buf, len, "use after free");
		return;
	case VIGIL_FK_BAD_ALLOC_SIZE:
		snprintf(buf, len, "bad allocation size %" PRIu64, vigil_finding__bytes(f));
		return;
	case VIGIL_FK_CRASH:
		crash_message(f, buf, len);
		return;
	case VIGIL_FK_LOCK_ORDER_INVERSION:
	case VIGIL_FK_DEADLOCK:
	case VIGIL_FK_UNLOCK_NOT_OWNER:
	case VIGIL_FK_DOUBLE_LOCK:
	case VIGIL_FK_DESTROY_LOCKED:
	case VIGIL_FK_COND_WAIT_NOT_OWNER:
	case VIGIL_FK_THREAD_LEAK:
	case VIGIL_FK_LOCK_CONTENTION:
	case VIGIL_FK_MT_UNSAFE_CALL:
	case VIGIL_FK_SIGNAL_UNSAFE_CALL:
	case VIGIL_FK_DATA_RACE:
	case VIGIL_FK_FD_LEAK:
	case VIGIL_FK_DOUBLE_CLOSE:
	case VIGIL_FK_BAD_FD:
	case VIGIL_FK_FD_REUSE:
	case VIGIL_FK_NONBLOCKING_SPIN:
	case VIGIL_FK_UNSAFE_API:
	case VIGIL_FK_DEPRECATED_API:
	case VIGIL_FK_FORMAT_STRING:
	case VIGIL_FK_MEMCPY_OVERLAP:
	case VIGIL_FK_INSECURE_PERMISSIONS:
	case VIGIL_FK_INSECURE_TEMPFILE:
	case VIGIL_FK_SHELL_EXEC:
	case VIGIL_FK_TLS_VERIFY_DISABLED:
	case VIGIL_FK_SYSCALL_ERRORS:
	case VIGIL_FK_WX_MAPPING:
	case VIGIL_FK_SLOW_SYSCALL:
	case VIGIL_FK_MAX:
		break;
	}
	generic_message(f, buf, len);
}
