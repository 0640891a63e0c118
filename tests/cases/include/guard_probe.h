// SPDX-License-Identifier: MIT
/* Finding heap blocks that border a guard page without touching them, for the cases
 * run with guard_rate=1: which blocks land where is the pool's business, so a case
 * probes and keeps the first block that fits its bug. */
#ifndef VIGIL_CASES_GUARD_PROBE_H
#define VIGIL_CASES_GUARD_PROBE_H

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#define GUARD_PROBE_TRIES 64

/* Whether the byte at p can be read, found without touching it: write(2) from an
 * inaccessible address fails with EFAULT instead of faulting. */
static inline int guard_probe_readable(const void *p)
{
	int fd[2], ok;

	if (pipe(fd))
		return -1;
	ok = write(fd[1], p, 1) == 1 ? 1 : errno == EFAULT ? 0 : -1;
	close(fd[0]);
	close(fd[1]);
	return ok;
}

/* Whether the size-byte block at p has an inaccessible page on either side. */
static inline int guard_probe_borders(const void *p, size_t size)
{
	return guard_probe_readable((const char *)p - 1) == 0 ||
	       guard_probe_readable((const char *)p + size) == 0;
}

/* The first block from alloc that accept takes, in at most GUARD_PROBE_TRIES tries;
 * the blocks turned down are freed only at the end so that alloc cannot hand the same
 * one back. NULL if none fits or an allocation fails. */
static inline void *guard_probe_pick(void *(*alloc)(void), int (*accept)(const void *))
{
	void *tried[GUARD_PROBE_TRIES];
	void *got = NULL;
	int n = 0;

	while (n < GUARD_PROBE_TRIES) {
		tried[n] = alloc();
		if (!tried[n])
			break;
		if (accept(tried[n])) {
			got = tried[n];
			break;
		}
		n++;
	}
	for (int i = 0; i < n; i++)
		free(tried[i]);
	return got;
}

#endif
