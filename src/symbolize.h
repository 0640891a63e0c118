/* SPDX-License-Identifier: MIT */
/* Symbolizer: module path + module-relative address -> function, file, line, with
 * inlined calls expanded into frames of their own (elfutils libdwfl), cached. */
#ifndef VIGIL_SYMBOLIZE_H
#define VIGIL_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vigil_sym;

/* One source-level frame. A machine pc gives one or more of them, innermost first;
 * all but the last are inlined into the one after them. */
struct vigil_symframe {
	const char *function; /* demangled; NULL when unknown */
	const char *file;     /* as the DWARF line table records it: see symbolize.c */
	unsigned line;        /* 0 when unknown */
	bool inlined;
};

struct vigil_sym *vigil_sym__new(void);
void vigil_sym__free(struct vigil_sym *s);

/* Looks up addr (an address in the module's own ELF address space, i.e. pc - load
 * bias, already minus 1 for a return address) in the ELF at path. Sets *frames (owned
 * by s, valid until vigil_sym__free) and *n; *n is 0 when nothing is known (missing
 * file, no symbols). Returns 0 or -ENOMEM. */
int vigil_sym__lookup(struct vigil_sym *s, const char *path, uint64_t addr,
		      const struct vigil_symframe **frames, size_t *n);

/* The data object (a global) holding addr, module-relative as for lookup: "name", or
 * "name+0xN" inside it; NULL when no symbol covers it. Owned by s. */
const char *vigil_sym__object(struct vigil_sym *s, const char *path, uint64_t addr);

/* A malloc'd demangled copy of a C++ symbol, or NULL if name is not a mangled one. */
char *vigil_sym__demangle(const char *name);

#endif
