// SPDX-License-Identifier: MIT
/* A program's own lock helpers, kept out of the case's source file so that the
 * case's checks look at the frames that call them (as they would at std::lock_guard). */
#ifndef VIGIL_CASES_LOCK_WRAP_H
#define VIGIL_CASES_LOCK_WRAP_H

#include <pthread.h>

static __attribute__((noinline)) void lock_wrap(pthread_mutex_t *m)
{
	pthread_mutex_lock(m);
}

static __attribute__((noinline)) void unlock_wrap(pthread_mutex_t *m)
{
	pthread_mutex_unlock(m);
}

#endif
