// SPDX-License-Identifier: MIT
/* The one-sentence messages of the thread-check findings: which object (its type and
 * address), what went wrong, and the variant the reason detail names. */
#include <inttypes.h>
#include <stdio.h>

#include "report.h"

#define has vigil_finding__has
#define get vigil_finding__get

/* "pthread_mutex_t accounts_lock" for a global, "pthread_mutex_t 0x55d0c0" else. */
static const char *object(const struct vigil_finding *f, char *buf, size_t len)
{
	uint64_t k = get(f, VIGIL_KEY_LOCK_KIND);
	const char *name = k < VIGIL_LK_MAX ? vigil_lock_kind_name((unsigned)k) : NULL;

	if (f->lock_name)
		snprintf(buf, len, "%s %s", name ? name : "lock", f->lock_name);
	else
		snprintf(buf, len, "%s 0x%" PRIx64, name ? name : "lock", get(f, VIGIL_KEY_ADDR));
	return buf;
}

/* The other lock or mutex of a finding, by name when it has one. */
static const char *other(const struct vigil_finding *f, char *buf, size_t len)
{
	if (f->other_lock_name)
		snprintf(buf, len, "%s", f->other_lock_name);
	else
		snprintf(buf, len, "0x%" PRIx64, get(f, VIGIL_KEY_OTHER_ADDR));
	return buf;
}

static unsigned reason(const struct vigil_finding *f)
{
	return (unsigned)get(f, VIGIL_KEY_REASON);
}

static const char *func(const struct vigil_finding *f)
{
	uint64_t fn = get(f, VIGIL_KEY_FUNC);
	const char *name = fn < VIGIL_FN_MAX ? vigil_func_name((unsigned)fn) : NULL;

	return name ? name : "a function";
}

/* "12 ms", "1.5 s". */
static const char *dur(char *buf, size_t len, uint64_t ns)
{
	return vigil_format_ms(buf, len, ns / 1000000u, false);
}

static void order_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char o[160], h[128];
	uint64_t n = get(f, VIGIL_KEY_CYCLE_LOCKS);

	snprintf(buf, len,
		 "lock order inversion: %s taken while holding %s, which is elsewhere taken "
		 "while holding it (a cycle of %" PRIu64 " locks: potential deadlock%s)",
		 object(f, o, sizeof(o)), other(f, h, sizeof(h)), n ? n : 2,
		 get(f, VIGIL_KEY_SINGLE_THREAD) ? ", seen only in one thread" : "");
}

static void contention_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char o[160], t1[32], t2[32];

	snprintf(buf, len, "%s contended: %" PRIu64 " waits, %s in total, longest %s",
		 object(f, o, sizeof(o)), get(f, VIGIL_KEY_WAITS),
		 dur(t1, sizeof(t1), get(f, VIGIL_KEY_WAIT_NS)),
		 dur(t2, sizeof(t2), get(f, VIGIL_KEY_MAX_WAIT_NS)));
}

static void unlock_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char o[160];

	if (reason(f) == VIGIL_REASON_OTHER_OWNER && has(f, VIGIL_KEY_OWNER_TID))
		snprintf(buf, len, "unlock of %s held by another thread (%" PRIu64 ")",
			 object(f, o, sizeof(o)), get(f, VIGIL_KEY_OWNER_TID));
	else if (reason(f) == VIGIL_REASON_OTHER_OWNER)
		snprintf(buf, len, "unlock of %s this thread does not hold",
			 object(f, o, sizeof(o)));
	else
		snprintf(buf, len, "unlock of %s that is not locked", object(f, o, sizeof(o)));
}

static void destroy_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char o[160];

	if (reason(f) == VIGIL_REASON_WAITERS)
		snprintf(buf, len, "destroy of %s while threads wait on it",
			 object(f, o, sizeof(o)));
	else if (has(f, VIGIL_KEY_OWNER_TID))
		snprintf(buf, len, "destroy of %s while thread %" PRIu64 " holds it",
			 object(f, o, sizeof(o)), get(f, VIGIL_KEY_OWNER_TID));
	else
		snprintf(buf, len, "destroy of %s while it is locked", object(f, o, sizeof(o)));
}

static void cond_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char o[160], h[128];

	if (reason(f) == VIGIL_REASON_OTHER_MUTEX)
		snprintf(buf, len, "wait on %s with another mutex than its other waiters use (%s)",
			 object(f, o, sizeof(o)), other(f, h, sizeof(h)));
	else
		snprintf(buf, len, "wait on %s with mutex %s not held by the thread",
			 object(f, o, sizeof(o)), other(f, h, sizeof(h)));
}

static void thread_leak_message(const struct vigil_finding *f, char *buf, size_t len)
{
	uint64_t n = get(f, VIGIL_KEY_THREADS), running = get(f, VIGIL_KEY_RUNNING);
	int w;

	if (reason(f) == VIGIL_REASON_JOINED_TWICE) {
		snprintf(buf, len, "join of a thread that was already joined");
		return;
	}
	if (reason(f) == VIGIL_REASON_JOIN_DETACHED) {
		snprintf(buf, len, "join of a detached thread");
		return;
	}
	if (n > 1)
		w = snprintf(buf, len, "%" PRIu64 " threads neither joined nor detached by exit",
			     n);
	else
		w = snprintf(buf, len, "thread neither joined nor detached by exit");
	if (running && w > 0 && (size_t)w < len)
		snprintf(buf + w, len - (size_t)w, " (%" PRIu64 " still running)", running);
}

static void mt_unsafe_message(const struct vigil_finding *f, char *buf, size_t len)
{
	if (reason(f) == VIGIL_REASON_SETENV_THREADS)
		snprintf(buf, len,
			 "%s while %" PRIu64 " threads run: a concurrent getenv may read freed "
			 "memory",
			 func(f), get(f, VIGIL_KEY_THREADS));
	else
		snprintf(buf, len, "%s, which is not thread-safe, called from several threads",
			 func(f));
}

bool vigil_finding__thread_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char o[160];

	switch (f->kind) {
	case VIGIL_FK_LOCK_ORDER_INVERSION:
		order_message(f, buf, len);
		return true;
	case VIGIL_FK_DEADLOCK:
		snprintf(buf, len, "deadlock: %" PRIu64 " threads blocked on each other's locks",
			 get(f, VIGIL_KEY_THREADS));
		return true;
	case VIGIL_FK_UNLOCK_NOT_OWNER:
		unlock_message(f, buf, len);
		return true;
	case VIGIL_FK_DOUBLE_LOCK:
		snprintf(buf, len, "%s locked again by the thread that holds it",
			 object(f, o, sizeof(o)));
		return true;
	case VIGIL_FK_DESTROY_LOCKED:
		destroy_message(f, buf, len);
		return true;
	case VIGIL_FK_COND_WAIT_NOT_OWNER:
		cond_message(f, buf, len);
		return true;
	case VIGIL_FK_THREAD_LEAK:
		thread_leak_message(f, buf, len);
		return true;
	case VIGIL_FK_LOCK_CONTENTION:
		contention_message(f, buf, len);
		return true;
	case VIGIL_FK_MT_UNSAFE_CALL:
		mt_unsafe_message(f, buf, len);
		return true;
	case VIGIL_FK_SIGNAL_UNSAFE_CALL:
		if (get(f, VIGIL_KEY_ERRNO_CLOBBERED))
			snprintf(buf, len, "signal handler returned with errno changed");
		else
			snprintf(buf, len, "%s, which is not async-signal-safe, called in a "
					   "signal handler",
				 func(f));
		return true;
	}
	return false;
}
