/* SPDX-License-Identifier: MIT */
/* report.json (schema vigil-report/1, DESIGN.md): built from the report model with
 * jansson, written atomically, and read back for `vigil report`. */
#ifndef VIGIL_REPORT_JSON_H
#define VIGIL_REPORT_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "report.h"

#define VIGIL_SCHEMA "vigil-report/1"

/* NULL when out of memory. */
json_t *vigil_report__to_json(const struct vigil_report *r);

/* Writes j to path through a temporary file and rename(2). 0 or -errno. */
int vigil_json__write_atomic(const json_t *j, const char *path);

/* Loads and checks a report.json. NULL with one line in err (no newline). */
json_t *vigil_json__load(const char *path, char *err, size_t errlen);

#endif
