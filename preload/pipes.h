/* SPDX-License-Identifier: MIT */
/* Broken pipes (--checks fds): writes that failed with EPIPE, counted per writing
 * stack in a small table, and a death by SIGPIPE with the stack of the write it came
 * from; both go to the raw log as STAT_SITE records (event.h) the moment they count. */
#ifndef VIGIL_PIPES_H
#define VIGIL_PIPES_H

#include <stdint.h>

#include "hidden.h"
#include "vigil/event.h"

/* A write failed with EPIPE at stack (interned; 0 when none was taken). In the
 * guard. */
void vigil_pipes__epipe(uint32_t stack) VIGIL_HID;
/* The process dies of SIGPIPE at the default disposition; uc is the handler's
 * context, on the thread that wrote. Writes the death's site, the EPIPE sites' final
 * counts and the stats of both, since no exit path runs after it. In the guard. */
void vigil_pipes__death(void *uc) VIGIL_HID;
/* The EPIPE sites' final counts, at exit. */
void vigil_pipes__write_sites(void) VIGIL_HID;
/* epipe_writes, sigpipe_deaths, pipe_site_overflow. */
unsigned vigil_pipes__stats(struct vigil_rec_kv *kv, unsigned max) VIGIL_HID;
/* Fork child: its counts start from zero, in its own log. */
void vigil_pipes__reset(void) VIGIL_HID;

#endif
