// SPDX-License-Identifier: MIT
/* The one-sentence messages of what the kernel saw: which syscall, how it failed or
 * how long it took, and how often. */
#include <inttypes.h>
#include <stdio.h>

#include "report.h"
#include "syscalls.h"

#define get vigil_finding__get

static const char *sys_name(const struct vigil_finding *f, char *tmp, size_t len)
{
	unsigned nr = (unsigned)get(f, VIGIL_KEY_SYSCALL);
	const char *n = vigil_syscall_name(nr);

	if (n)
		return n;
	snprintf(tmp, len, "syscall %u", nr);
	return tmp;
}

static const char *prot_text(uint64_t prot)
{
	return (prot & 1) ? "read+write+exec" : "write+exec";
}

bool vigil_finding__syscall_message(const struct vigil_finding *f, char *buf, size_t len)
{
	char tmp[32], t1[32];
	const char *err;

	switch (f->kind) {
	case VIGIL_FK_SYSCALL_ERRORS:
		err = vigil_errno_name((unsigned)get(f, VIGIL_KEY_ERRNO));
		snprintf(buf, len,
			 "%s() failed %" PRIu64 " times with %s (%" PRIu64 " of %" PRIu64
			 " calls, %" PRIu64 "/s over %s)",
			 sys_name(f, tmp, sizeof(tmp)), f->count, err ? err : "an error",
			 f->count, get(f, VIGIL_KEY_CALLS), get(f, VIGIL_KEY_RATE),
			 get(f, VIGIL_KEY_WINDOW_MS) < 1000
				 ? (snprintf(t1, sizeof(t1), "%" PRIu64 " ms",
					     get(f, VIGIL_KEY_WINDOW_MS)),
				    t1)
				 : vigil_format_ms(t1, sizeof(t1), get(f, VIGIL_KEY_WINDOW_MS), false));
		return true;
	case VIGIL_FK_WX_MAPPING:
		snprintf(buf, len, "%s() made %s of memory %s: writable and executable at once",
			 sys_name(f, tmp, sizeof(tmp)),
			 vigil_format_bytes(t1, sizeof(t1), get(f, VIGIL_KEY_LENGTH), false),
			 prot_text(get(f, VIGIL_KEY_PROT)));
		return true;
	case VIGIL_FK_SLOW_SYSCALL:
		snprintf(buf, len,
			 "%s() took %s once; half of its calls in this run took under %" PRIu64
			 " us",
			 sys_name(f, tmp, sizeof(tmp)),
			 vigil_format_ms(t1, sizeof(t1), get(f, VIGIL_KEY_LATENCY_NS) / 1000000, false),
			 (get(f, VIGIL_KEY_MEDIAN_NS) + 999) / 1000);
		return true;
	}
	return false;
}
