/* SPDX-License-Identifier: MIT */
/* The readable report (report.txt, `vigil report --format text`) and the one-line
 * summary, both rendered from report.json so a saved run reads the same as a live one. */
#ifndef VIGIL_REPORT_TEXT_H
#define VIGIL_REPORT_TEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes the text report of a vigil-report/1 document to f. Tolerates missing fields
 * (a hand-edited or foreign file). 0 or -errno on a write error. */
int vigil_text__render(const json_t *report, FILE *f);

/* The same, with ANSI colors when color is set (severity labels, function names). */
int vigil_text__render_styled(const json_t *report, FILE *f, bool color);

/* Whether a text written to f may have colors: f is a terminal and NO_COLOR is not set
 * (whatever its value, even empty). */
bool vigil_text__want_color(FILE *f);

/* The run's one-line summary for stderr: "vigil: 3 findings (...) - report: PATH",
 * the counts colored by the worst severity when color is set. */
void vigil_text__summary(const json_t *report, const char *txt_path, FILE *f, bool color);

/* Writes the text report to path through a temporary file and rename(2). 0 or -errno. */
int vigil_text__write_atomic(const json_t *report, const char *path);

/* The line above a stack, without its newline: "allocated by thread 7 (main) here:"
 * (pids: the finding's, so the main thread is named). */
void vigil_text__role(const json_t *stack, const json_t *pids, char *buf, size_t len);

/* "3 findings (leak: 2, crash: 1)" or "no findings". */
void vigil_text__counts(const json_t *report, char *buf, size_t len);

#endif
