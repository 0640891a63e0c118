/* SPDX-License-Identifier: MIT */
/* The process's load over time for the report's charts: SAMPLE records of live heap
 * bytes and open descriptors (include/vigil/event.h). */
#ifndef VIGIL_SERIES_H
#define VIGIL_SERIES_H

#include <stdint.h>

#include "hidden.h"

/* The clock starts: with the log (process start, fork child). The first tick writes. */
void vigil_series__start(void) VIGIL_HID;
/* Called with the time from paths that already read the clock (the growth ticks);
 * writes a sample when one is due. Cheap when none is. */
void vigil_series__tick(uint64_t now_ns) VIGIL_HID;
/* The last sample, at exit (inside the guard); none is written after it. */
void vigil_series__final(void) VIGIL_HID;

#endif
