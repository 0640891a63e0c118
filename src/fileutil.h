/* SPDX-License-Identifier: MIT */
/* Small file and array helpers the CLI's modules share: a report file replaced
 * atomically (readers never see half of it), and a doubling array. */
#ifndef VIGIL_FILEUTIL_H
#define VIGIL_FILEUTIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Writes path through render(f, ctx) into a temporary beside it, mode 0600 whatever
 * the umask (reports hold the target's argv), fsync'd, then renamed over path.
 * 0 or -errno; on failure path is untouched. */
int vigil_file__write_atomic(const char *path, int (*render)(FILE *f, const void *ctx),
			     const void *ctx);
/* The same with the file's mode given (metrics are read by another user). */
int vigil_file__write_atomic_mode(const char *path, mode_t mode,
				  int (*render)(FILE *f, const void *ctx), const void *ctx);

/* Makes room for element n of *arr (capacity *cap, elements of elem bytes),
 * doubling from 16. 0 or -ENOMEM, *arr unchanged on failure. */
int vigil_array__grow(void **arr, size_t *cap, size_t n, size_t elem);

#endif
