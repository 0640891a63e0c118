// SPDX-License-Identifier: MIT
/* The one-sentence message of each finding kind, shared by every report format. */
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define has vigil_finding__has
#define get vigil_finding__get

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

/* "a 32-byte block", "a freed 32-byte block", "a block" when the size is unknown. */
static const char *a_block(const struct vigil_finding *f, char *buf, size_t len,
			   const char *adj)
{
	if (has(f, VIGIL_KEY_SIZE))
		snprintf(buf, len, "a %s%" PRIu64 "-byte block", adj, get(f, VIGIL_KEY_SIZE));
	else
		snprintf(buf, len, "a %sblock", adj);
	return buf;
}

/* Name of an enum-valued detail, NULL when absent or out of range (raw logs come from
 * other processes). */
static const char *op_of(const struct vigil_finding *f, enum vigil_key k)
{
	return has(f, k) && get(f, k) < VIGIL_OP_MAX ? vigil_op_name((unsigned)get(f, k)) : NULL;
}

static const char *detect_of(const struct vigil_finding *f)
{
	uint64_t d = get(f, VIGIL_KEY_DETECTED_BY);

	return has(f, VIGIL_KEY_DETECTED_BY) && d < VIGIL_DETECT_MAX ?
		       vigil_detect_name((unsigned)d) : NULL;
}

/* Appends printf output at buf[*n], never past len; *n stays within the buffer. */
static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
}

/* "8-byte write" / "write": redzone and pattern checks only ever see writes (the bytes
 * changed); a guard page or a call check sees any access. */
static void access_words(const struct vigil_finding *f, char *buf, size_t len,
			 bool writes_only)
{
	const char *verb = writes_only ? "write" : "access";

	if (has(f, VIGIL_KEY_ACCESS_SIZE))
		snprintf(buf, len, "%" PRIu64 "-byte %s", get(f, VIGIL_KEY_ACCESS_SIZE), verb);
	else
		snprintf(buf, len, "%s", verb);
}

static void found_by(const struct vigil_finding *f, char *buf, size_t len, size_t *n)
{
	if (detect_of(f))
		append(buf, len, n, " (found by %s)", detect_of(f));
}

static void double_free_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char blk[48];
	const char *op = op_of(f, VIGIL_KEY_FREE_OP);

	if (has(f, VIGIL_KEY_FREE_OP) && get(f, VIGIL_KEY_FREE_OP) == VIGIL_OP_REALLOC)
		snprintf(buf, len, "realloc of %s", a_block(f, blk, sizeof(blk), "freed "));
	else if (op && get(f, VIGIL_KEY_FREE_OP) != VIGIL_OP_FREE)
		snprintf(buf, len, "double free of %s (by %s)", a_block(f, blk, sizeof(blk), ""),
			 op);
	else
		snprintf(buf, len, "double free of %s", a_block(f, blk, sizeof(blk), ""));
}

/* Where addr lies relative to the nearest block: inside, before or after it. */
static void nearest_block(const struct vigil_finding *f, char *buf, size_t len, size_t *n)
{
	uint64_t addr = get(f, VIGIL_KEY_ADDR), base = get(f, VIGIL_KEY_BLOCK_ADDR);
	uint64_t size = get(f, VIGIL_KEY_SIZE);
	char q[48], blk[48];

	a_block(f, blk, sizeof(blk), "");
	if (addr < base)
		append(buf, len, n, ": %s before %s at 0x%" PRIx64,
		       qty(q, sizeof(q), base - addr, "byte"), blk, base);
	else if (has(f, VIGIL_KEY_SIZE) && addr - base >= size)
		append(buf, len, n, ": %s after the end of %s at 0x%" PRIx64,
		       qty(q, sizeof(q), addr - base - size, "byte"), blk, base);
	else
		append(buf, len, n, ": %s inside %s at 0x%" PRIx64,
		       qty(q, sizeof(q), addr - base, "byte"), blk, base);
}

static void invalid_free_message(const struct vigil_finding *f, char *buf, size_t len)
{
	const char *op = op_of(f, VIGIL_KEY_FREE_OP);
	uint64_t w = get(f, VIGIL_KEY_WHERE);
	const char *where = has(f, VIGIL_KEY_WHERE) && w < VIGIL_WHERE_MAX ?
				    vigil_where_name((unsigned)w) : NULL;
	size_t n = 0;

	if (!op)
		op = "free";
	if (where)
		append(buf, len, &n, "%s of a pointer into %s", op, where);
	else
		append(buf, len, &n, "%s of a pointer that was never allocated", op);
	if (has(f, VIGIL_KEY_ADDR))
		append(buf, len, &n, " (0x%" PRIx64 ")", get(f, VIGIL_KEY_ADDR));
	if (has(f, VIGIL_KEY_ADDR) && has(f, VIGIL_KEY_BLOCK_ADDR))
		nearest_block(f, buf, len, &n);
}

static void mismatched_free_message(const struct vigil_finding *f, char *buf, size_t len)
{
	const char *a = op_of(f, VIGIL_KEY_ALLOC_OP), *d = op_of(f, VIGIL_KEY_FREE_OP);
	char blk[48];

	if (!a || !d) {
		snprintf(buf, len, "mismatched deallocation of %s",
			 a_block(f, blk, sizeof(blk), ""));
		return;
	}
	if (has(f, VIGIL_KEY_SIZE))
		snprintf(buf, len, "%" PRIu64 "-byte block allocated with %s freed with %s",
			 get(f, VIGIL_KEY_SIZE), a, d);
	else
		snprintf(buf, len, "block allocated with %s freed with %s", a, d);
}

/* offset is the first damaged byte from the block's start, negative for an underflow
 * (left-aligned guard page). */
static void overflow_message(const struct vigil_finding *f, char *buf, size_t len)
{
	int64_t off = (int64_t)get(f, VIGIL_KEY_OFFSET);
	uint64_t size = get(f, VIGIL_KEY_SIZE);
	bool writes_only = get(f, VIGIL_KEY_DETECTED_BY) != VIGIL_DETECT_GUARD_PAGE;
	char what[48], q[48], blk[48];
	size_t n = 0;

	access_words(f, what, sizeof(what), writes_only);
	a_block(f, blk, sizeof(blk), "");
	if (!has(f, VIGIL_KEY_OFFSET))
		append(buf, len, &n, "%s past the end of %s", what, blk);
	else if (off < 0)
		append(buf, len, &n, "%s %s before the start of %s", what,
		       qty(q, sizeof(q), (uint64_t)-(off + 1) + 1, "byte"), blk);
	else if (has(f, VIGIL_KEY_SIZE) && (uint64_t)off == size)
		append(buf, len, &n, "%s just past the end of %s", what, blk);
	else if (has(f, VIGIL_KEY_SIZE) && (uint64_t)off > size)
		append(buf, len, &n, "%s %s past the end of %s", what,
		       qty(q, sizeof(q), (uint64_t)off - size, "byte"), blk);
	else
		append(buf, len, &n, "%s at offset %" PRId64 " of %s", what, off, blk);
	found_by(f, buf, len, &n);
}

static void use_after_free_message(const struct vigil_finding *f, char *buf, size_t len)
{
	bool writes_only = get(f, VIGIL_KEY_DETECTED_BY) == VIGIL_DETECT_QUARANTINE;
	char what[48], blk[48];
	size_t n = 0;

	access_words(f, what, sizeof(what), writes_only);
	append(buf, len, &n, "%s to %s", what, a_block(f, blk, sizeof(blk), "freed "));
	if (has(f, VIGIL_KEY_OFFSET))
		append(buf, len, &n, " at offset %" PRId64, (int64_t)get(f, VIGIL_KEY_OFFSET));
	found_by(f, buf, len, &n);
}

/* calloc overflow: size is the element size and blocks the element count, whose
 * product does not fit in 64 bits. Otherwise size is the requested byte count. */
static void bad_alloc_size_message(const struct vigil_finding *f, char *buf, size_t len)
{
	uint64_t size = vigil_finding__bytes(f), total;

	if (has(f, VIGIL_KEY_BLOCKS) && has(f, VIGIL_KEY_SIZE)) {
		if (__builtin_mul_overflow(get(f, VIGIL_KEY_BLOCKS), size, &total)) {
			snprintf(buf, len, "allocation of %" PRIu64 " x %" PRIu64
					   " bytes (calloc overflow)",
				 get(f, VIGIL_KEY_BLOCKS), size);
			return;
		}
		size = total;
	}
	if ((int64_t)size < 0)
		snprintf(buf, len, "allocation of %" PRIu64 " bytes (negative size %" PRId64 ")",
			 size, (int64_t)size);
	else
		snprintf(buf, len, "allocation of %" PRIu64 " bytes (over the limit)", size);
}

const char *vigil_format_bytes(char *buf, size_t len, uint64_t bytes, bool compact)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	/* Up a unit where rounding would print 1024 of this one. */
	double v = (double)bytes / 1024, top = compact ? 1023.5 : 1023.95;
	size_t u = 0;

	if (bytes < 1024) {
		if (compact)
			snprintf(buf, len, "%" PRIu64 " B", bytes);
		else
			qty(buf, len, bytes, "byte");
		return buf;
	}
	while (v >= top && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	/* Compact keeps two significant digits or more: "1.9 MiB", "64 KiB". */
	if (compact && v >= 9.95)
		snprintf(buf, len, "%.0f %s", v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

const char *vigil_format_ms(char *buf, size_t len, uint64_t ms, bool compact)
{
	/* Thresholds sit where one decimal would round up to the next unit's 60. */
	if (ms < 59950)
		snprintf(buf, len, "%.1f%s", (double)ms / 1e3, compact ? "s" : " s");
	else if (ms < 3597000)
		snprintf(buf, len, "%.1f%s", (double)ms / 6e4, compact ? "m" : " min");
	else
		snprintf(buf, len, "%.1f%s", (double)ms / 3.6e6, compact ? "h" : " h");
	return buf;
}

/* From the first to the last point of the curve; a finding without one (an older
 * writer) only knows where it ended. */
static void growth_message(const struct vigil_finding *f, char *buf, size_t len)
{
	const struct vigil_point *a, *z;
	char b1[32], b2[32], t[32];

	if (f->ncurve < 2) {
		snprintf(buf, len, "live heap from one allocation site kept growing, to %s",
			 qty(b1, sizeof(b1), vigil_finding__bytes(f), "byte"));
		return;
	}
	a = &f->curve[0];
	z = &f->curve[f->ncurve - 1];
	snprintf(buf, len, "live heap from one allocation site grew from %s to %s over %s",
		 vigil_format_bytes(b1, sizeof(b1), a->bytes, false),
		 vigil_format_bytes(b2, sizeof(b2), z->bytes, false),
		 vigil_format_ms(t, sizeof(t), z->t_ms > a->t_ms ? z->t_ms - a->t_ms : 0, false));
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
		growth_message(f, buf, len);
		return;
	case VIGIL_FK_DOUBLE_FREE:
		double_free_message(f, buf, len);
		return;
	case VIGIL_FK_INVALID_FREE:
		invalid_free_message(f, buf, len);
		return;
	case VIGIL_FK_MISMATCHED_FREE:
		mismatched_free_message(f, buf, len);
		return;
	case VIGIL_FK_HEAP_OVERFLOW:
		overflow_message(f, buf, len);
		return;
	case VIGIL_FK_USE_AFTER_FREE:
		use_after_free_message(f, buf, len);
		return;
	case VIGIL_FK_BAD_ALLOC_SIZE:
		bad_alloc_size_message(f, buf, len);
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
		if (vigil_finding__thread_message(f, buf, len))
			return;
		break;
	case VIGIL_FK_FD_LEAK:
	case VIGIL_FK_DOUBLE_CLOSE:
	case VIGIL_FK_BAD_FD:
	case VIGIL_FK_FD_REUSE:
	case VIGIL_FK_NONBLOCKING_SPIN:
		if (vigil_finding__fd_message(f, buf, len))
			return;
		break;
	case VIGIL_FK_DATA_RACE:
	case VIGIL_FK_UNSAFE_API:
	case VIGIL_FK_DEPRECATED_API:
	case VIGIL_FK_FORMAT_STRING:
	case VIGIL_FK_MEMCPY_OVERLAP:
	case VIGIL_FK_INSECURE_PERMISSIONS:
	case VIGIL_FK_INSECURE_TEMPFILE:
	case VIGIL_FK_SHELL_EXEC:
	case VIGIL_FK_TLS_VERIFY_DISABLED:
		if (vigil_finding__api_message(f, buf, len))
			return;
		break;
	case VIGIL_FK_SYSCALL_ERRORS:
	case VIGIL_FK_WX_MAPPING:
	case VIGIL_FK_SLOW_SYSCALL:
		if (vigil_finding__syscall_message(f, buf, len))
			return;
		break;
	case VIGIL_FK_MAX:
		break;
	}
	generic_message(f, buf, len);
}
