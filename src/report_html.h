/* SPDX-License-Identifier: MIT */
/* `vigil report --format html`: one self-contained page (inline CSS, JS and SVG, no
 * network) with the run, charts of live heap and descriptors, and the findings. */
#ifndef VIGIL_REPORT_HTML_H
#define VIGIL_REPORT_HTML_H

#include <jansson.h>
#include <stdio.h>

/* Writes the page of a vigil-report/1 document to f. Every string from the report is
 * escaped; the document itself is embedded as application/json for the page's script.
 * Tolerates missing fields. 0 or -errno. */
int vigil_html__render(const json_t *report, FILE *f);

#endif
