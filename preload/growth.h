/* SPDX-License-Identifier: MIT */
/* heap-growth: live bytes per allocation site, sampled periodically during the run;
 * a site whose live bytes kept growing is reported at exit with its curve. */
#ifndef VIGIL_GROWTH_H
#define VIGIL_GROWTH_H

#include <stdint.h>

#include "hidden.h"

/* Called now and then from the allocation path; takes a snapshot when one is due.
 * Cheap when none is. */
void vigil_growth__tick(void) VIGIL_HID;
/* Judges the curves and writes the findings (exit path, inside the guard). */
void vigil_growth__report(void) VIGIL_HID;
/* fork child: the parent's curves are not the child's. */
void vigil_growth__after_fork_child(void) VIGIL_HID;

#endif
