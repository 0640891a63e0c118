/* SPDX-License-Identifier: MIT */
/* The readable report (report.txt, `vigil report --format text`) and the one-line
 * summary, both rendered from report.json so a saved run reads the same as a live one. */
#ifndef VIGIL_REPORT_TEXT_H
#define VIGIL_REPORT_TEXT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* Writes the text report of a vigil-report/1 document to f. Tolerates missing fields
 * (a hand-edited or foreign file). 0 or -errno on a write error. */
int vigil_text__render(const json_t *report, FILE *f);

/* Writes the text report to path through a temporary file and rename(2). 0 or -errno. */
int vigil_text__write_atomic(const json_t *report, const char *path);

/* "3 findings (leak: 2, crash: 1)" or "no findings". */
void vigil_text__counts(const json_t *report, char *buf, size_t len);

#endif
