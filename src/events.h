/* SPDX-License-Identifier: MIT */
/* --events: one JSON object per line for each finding as the run finds it, appended
 * for log shippers (Fluent Bit, Vector, the OpenTelemetry Collector). */
#ifndef VIGIL_EVENTS_H
#define VIGIL_EVENTS_H

#include <jansson.h>

struct vigil_events;

/* Opens path for appending, created 0644 if new; "-" is stderr. NULL with errno set. */
struct vigil_events *vigil_events__open(const char *path);

/* Appends a line for each finding of report (a vigil-report/1 document) whose id no
 * earlier call saw, and remembers it: {"time", "event": "finding", "id", "kind",
 * "severity", "count", "message", "pid", "exe", "function", "file", "line", "module"},
 * the frame being the finding's first outside the C library. 0 or -errno. */
int vigil_events__emit(struct vigil_events *e, const json_t *report);

void vigil_events__close(struct vigil_events *e);

#endif
