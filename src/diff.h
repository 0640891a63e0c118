/* SPDX-License-Identifier: MIT */
/* `vigil diff`: two vigil-report/1 documents matched by finding id (then by
 * fingerprint, for a bug whose line moved) into one
 * vigil-diff/1 document (README.md "vigil diff"), and its text for people. */
#ifndef VIGIL_DIFF_H
#define VIGIL_DIFF_H

#include <jansson.h>
#include <stdio.h>

#define VIGIL_DIFF_SCHEMA "vigil-diff/1"

/* What is new in canary, gone from it, and changed in both: count, severity, or grown
 * bytes of a leak or heap-growth. The names are the paths the user gave. NULL with one
 * line in err (no newline) and errno EINVAL when a report's findings are malformed (not
 * a list, a finding without id or kind, an id twice), ENOMEM when out of memory. */
json_t *vigil_diff__compare(const json_t *base, const char *base_name, const json_t *canary,
			    const char *canary_name, char *err, size_t errlen);

/* New findings of severity error: a canary pipeline gates on them. */
size_t vigil_diff__new_errors(const json_t *diff);

/* The diff as text: new, gone and changed, each finding with its severity, kind,
 * message and top frame, then a summary line. 0 or -errno. */
int vigil_diff__render_text(const json_t *diff, FILE *f);

#endif
