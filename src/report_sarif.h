/* SPDX-License-Identifier: MIT */
/* SARIF 2.1.0 for code-scanning services (OUT/report.sarif, `vigil report --format
 * sarif`), rendered from report.json so a saved run gives the same file. */
#ifndef VIGIL_REPORT_SARIF_H
#define VIGIL_REPORT_SARIF_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* Resolves the --source-root argument (NULL: the current directory) to the absolute
 * physical directory the SARIF paths are made relative to. 0 or -errno (-ENOTDIR
 * for a file, -ENAMETOOLONG when out is too small); out untouched on failure. */
int vigil_sarif__source_root(const char *dir, char *out, size_t len);

/* The SARIF log of a vigil-report/1 document; root as from vigil_sarif__source_root.
 * Source paths that debug info gives relative are looked up under the root, then
 * under the current directory. Tolerates missing fields (a hand-edited or foreign
 * file). NULL when out of memory. */
json_t *vigil_sarif__build(const json_t *report, const char *root);

/* Writes the SARIF log to f. 0 or -errno. */
int vigil_sarif__render(const json_t *report, const char *root, FILE *f);

/* Writes the SARIF log to path through a temporary file and rename(2). 0 or -errno. */
int vigil_sarif__write_atomic(const json_t *report, const char *root, const char *path);

#endif
