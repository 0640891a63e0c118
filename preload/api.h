/* SPDX-License-Identifier: MIT */
/* The api checks (--checks api) the interposers call: dangerous and deprecated calls,
 * formats in writable memory, overlapping copies, unbounded writes into buffers of
 * unknown size, shells. Each entry point is called outside the guard, keeps errno,
 * and reports once per call site. */
#ifndef VIGIL_API_H
#define VIGIL_API_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "apihooks.h"
#include "fbuild.h"
#include "hidden.h"

/* Once per key (never 0): 1 for the first claim, 0 after, or when the set is full. */
int vigil_api__claim(uint64_t key) VIGIL_HID;
/* Whether key was claimed already (it claims nothing). */
int vigil_api__claimed(uint64_t key) VIGIL_HID;
/* A set key for one check at one site (a return address or a stack id). */
uint64_t vigil_api__key(unsigned kind, unsigned variant, uint64_t site) VIGIL_HID;

/* Appends s, cut to VIGIL_TEXT_MAX bytes, as VIGIL_KEY_TEXT chunks with its length in
 * VIGIL_KEY_TEXT_LEN, in the room the finding has left. */
void vigil_api__text(struct vigil_fbuild *f, const char *s) VIGIL_HID;

/* unsafe-api (warning) for a call that is dangerous whatever its arguments: gets,
 * tmpnam, tempnam, mktemp. site: the caller's return address. */
void vigil_api__unsafe_call(unsigned fn, unsigned reason, unsigned replacement,
			    const void *site) VIGIL_HID;

/* deprecated-api (info) with the call to use instead; reason 0 when the call is all
 * there is to say. */
void vigil_api__deprecated(unsigned fn, unsigned replacement, unsigned reason,
			   const void *site) VIGIL_HID;

/* format-string: fmt about to be used by fn. Costs a cache lookup when fmt is in
 * read-only memory (string literals, message catalogs). */
void vigil_api__format(const char *fmt, unsigned fn) VIGIL_HID;

/* memcpy-overlap: fn is about to write dn bytes at d reading sn bytes at s, and the
 * two ranges overlap (vigil_api__overlaps said so). */
void vigil_api__overlap(unsigned fn, const void *d, size_t dn, const void *s, size_t sn,
			const void *site) VIGIL_HID;

/* unsafe-api for an unbounded write (sprintf, strcpy, strcat) of n bytes at d. dlen
 * is the size FORTIFY passed ((size_t)-1: unknown). Reported when d is a stack or
 * global buffer: a warning when the write provably passes its end (FORTIFY's size, the
 * saved return address above a stack buffer, the end of a data segment), else info
 * when the size is unknown. Heap destinations are the heap check's. */
void vigil_api__unbounded(unsigned fn, void *d, size_t n, size_t dlen, const void *site)
	VIGIL_HID;

/* shell-exec (info): fn runs cmd through a shell. */
void vigil_api__shell(unsigned fn, const char *cmd) VIGIL_HID;

/* Files (apifile.c). umask() set the mask to m. */
void vigil_api__umask(mode_t m) VIGIL_HID;
/* mkstemp or mkdtemp (dir) made path: opening it, or what lies under a directory it
 * made, without O_EXCL is no insecure-tempfile. */
void vigil_api__made_temp(const char *path, int dir) VIGIL_HID;
/* mkdir, mkfifo, mknod (and their *at forms) about to create path with mode (before
 * the umask): insecure-permissions when the result is world-writable. */
void vigil_api__creating(int dirfd, const char *path, mode_t mode, unsigned fn) VIGIL_HID;
/* chmod/fchmodat (path relative to dirfd) or fchmod (fd, path NULL) about to set mode. */
void vigil_api__chmod(int dirfd, const char *path, int fd, mode_t mode, unsigned fn)
	VIGIL_HID;

/* Whether two byte ranges share a byte. */
static inline int vigil_api__overlaps(const void *d, size_t dn, const void *s, size_t sn)
{
	uintptr_t a = (uintptr_t)d, b = (uintptr_t)s;

	return dn && sn && a < b + sn && b < a + dn;
}

#endif
