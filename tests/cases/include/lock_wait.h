// SPDX-License-Identifier: MIT
/* Handshake for the lock cases that need a thread truly blocked (a deadlock, a
 * contended wait, a cond waiter): the kernel says the thread sleeps in a futex wait on
 * a word inside the lock object, so no sleep has to guess how long that takes. */
#ifndef VIGIL_CASES_LOCK_WAIT_H
#define VIGIL_CASES_LOCK_WAIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define LOCK_WAIT_LIMIT_MS 20000

/* The calling thread's id, for another thread to watch. */
static inline pid_t lock_wait_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Thread tid sleeps in futex() on a word of the size-byte object at obj (a mutex's
 * lock word, a rwlock's or a cond's futexes all lie inside the object). */
static inline int lock_wait_is_blocked(pid_t tid, const void *obj, size_t size)
{
	char path[64];
	long nr = -1;
	unsigned long word = 0;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fscanf(f, "%ld %lx", &nr, &word);
	fclose(f);
	return n == 2 && nr == SYS_futex && word >= (uintptr_t)obj &&
	       word < (uintptr_t)obj + size;
}

/* Returns once thread tid is blocked on the object; exits the program with status 3
 * if that never happens, so a broken handshake fails the case instead of hanging. */
static inline void lock_wait_blocked(pid_t tid, const void *obj, size_t size)
{
	struct timespec ms = {0, 1000000};

	for (int i = 0; i < LOCK_WAIT_LIMIT_MS; i++) {
		if (lock_wait_is_blocked(tid, obj, size))
			return;
		nanosleep(&ms, NULL);
	}
	fprintf(stderr, "lock_wait: thread %d never blocked on %p\n", (int)tid, obj);
	exit(3);
}

#endif
