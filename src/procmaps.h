/* SPDX-License-Identifier: MIT */
/* Another process as /proc shows it: its loaded objects as the raw log's MODULE
 * records want them (load bias and address range per file, from /proc/PID/maps and
 * each file's program headers; the bias of a static image from the text start the
 * kernel saw), its command line, its parent and start time. */
#ifndef VIGIL_PROCMAPS_H
#define VIGIL_PROCMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

struct vigil_pmod {
	char *path;
	uint64_t base;  /* load bias: file vaddr + base = runtime address */
	uint64_t start; /* lowest mapped address of the file */
	uint64_t end;   /* end of its highest mapping */
	bool main;      /* the process's executable */
};

/* Appends the file-backed objects mapped in pid to *mods (capacity *cap, *n used);
 * objects already listed (same path and start) are skipped. 0 or -errno (-ENOENT:
 * the process is gone). */
int vigil_procmaps__read(pid_t pid, struct vigil_pmod **mods, size_t *n, size_t *cap);

/* The bias of an executable whose first executable segment the kernel placed at
 * start_code (mm->start_code). 0 or -errno. */
int vigil_procmaps__bias_from_text(const char *path, uint64_t start_code, uint64_t *bias);

void vigil_procmaps__free(struct vigil_pmod *mods, size_t n);

/* /proc/PID/cmdline into a malloc'd buffer of NUL-terminated arguments (the last one
 * terminated even when the kernel cut it); its length, or -errno (-ENOENT: gone, or
 * a kernel thread, which has none). */
ssize_t vigil_proc__cmdline(pid_t pid, char **out);

/* The parent (field 4) and start time in clock ticks since boot (field 22) of
 * /proc/PID/stat; either may be NULL. 0 or -errno. */
int vigil_proc__stat(pid_t pid, int *ppid, unsigned long long *start_ticks);

#endif
