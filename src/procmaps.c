// SPDX-License-Identifier: MIT
/* /proc/PID/maps to modules: a file mapped at offset O from address A was loaded with
 * bias A - trunc(p_vaddr) for the PT_LOAD whose page-rounded offset is O. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"
#include "procmaps.h"

#define PAGE_MASK_ 0xfffULL

/* Calls fn on every PT_LOAD of path until it returns true. */
static int each_load(const char *path, bool (*fn)(const GElf_Phdr *ph, void *arg), void *arg)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = -ENOENT;
	size_t nph;
	Elf *e;

	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (e && !elf_getphdrnum(e, &nph)) {
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD && fn(&ph, arg)) {
				err = 0;
				break;
			}
		}
	}
	if (e)
		elf_end(e);
	close(fd);
	return err;
}

struct at_offset {
	uint64_t off, vaddr;
};

static bool match_offset(const GElf_Phdr *ph, void *arg)
{
	struct at_offset *a = arg;

	if ((ph->p_offset & ~PAGE_MASK_) != a->off)
		return false;
	a->vaddr = ph->p_vaddr & ~PAGE_MASK_;
	return true;
}

static bool match_exec(const GElf_Phdr *ph, void *arg)
{
	if (!(ph->p_flags & PF_X))
		return false;
	*(uint64_t *)arg = ph->p_vaddr;
	return true;
}

int vigil_procmaps__bias_from_text(const char *path, uint64_t start_code, uint64_t *bias)
{
	uint64_t vaddr = 0;
	int err = each_load(path, match_exec, &vaddr);

	if (!err)
		*bias = start_code - vaddr;
	return err;
}

static struct vigil_pmod *find(struct vigil_pmod *mods, size_t n, const char *path)
{
	for (size_t i = n; i-- > 0;)
		if (!strcmp(mods[i].path, path))
			return &mods[i];
	return NULL;
}

int vigil_procmaps__read(pid_t pid, struct vigil_pmod **mods, size_t *n, size_t *cap)
{
	char name[64], exe[PATH_MAX], line[PATH_MAX + 256];
	size_t first = *n;
	ssize_t elen;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/%d/exe", (int)pid);
	elen = readlink(name, exe, sizeof(exe) - 1);
	exe[elen > 0 ? elen : 0] = '\0';
	snprintf(name, sizeof(name), "/proc/%d/maps", (int)pid);
	f = fopen(name, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, off;
		char perms[8], *path = NULL;
		struct vigil_pmod *m;
		int pos = 0;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*s %n", &start,
			   &end, perms, &off, &pos) < 4 || !pos)
			continue;
		path = line + pos;
		path[strcspn(path, "\n")] = '\0';
		if (path[0] != '/')
			continue;
		m = find(*mods + first, *n - first, path);
		if (m) {
			m->start = start < m->start ? start : m->start;
			m->end = end > m->end ? end : m->end;
			if (off == 0 && m->base == UINT64_MAX) {
				struct at_offset a = {.off = 0};

				if (!each_load(path, match_offset, &a))
					m->base = start - a.vaddr;
			}
			continue;
		}
		if (vigil_array__grow((void **)mods, cap, *n, sizeof(**mods)))
			goto nomem;
		m = &(*mods)[*n];
		*m = (struct vigil_pmod){.base = UINT64_MAX, .start = start, .end = end,
					 .main = !strcmp(path, exe)};
		if (!(m->path = strdup(path)))
			goto nomem;
		{
			struct at_offset a = {.off = off};

			if (!each_load(path, match_offset, &a))
				m->base = start - a.vaddr;
		}
		(*n)++;
	}
	fclose(f);
	/* Drop what was already known (same path and start) and what has no bias. */
	for (size_t i = first; i < *n;) {
		struct vigil_pmod *m = &(*mods)[i];
		bool dup = m->base == UINT64_MAX;

		for (size_t j = 0; j < first && !dup; j++)
			dup = (*mods)[j].start == m->start && !strcmp((*mods)[j].path, m->path);
		if (!dup) {
			i++;
			continue;
		}
		free(m->path);
		memmove(m, m + 1, (*n - i - 1) * sizeof(*m));
		(*n)--;
	}
	return 0;
nomem:
	fclose(f);
	return -ENOMEM;
}

void vigil_procmaps__free(struct vigil_pmod *mods, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(mods[i].path);
	free(mods);
}

ssize_t vigil_proc__cmdline(pid_t pid, char **out)
{
	const size_t cap = 65536;
	char path[64], *buf;
	size_t len = 0;
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	while (buf && len < cap && (got = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)got;
	close(fd);
	if (!buf)
		return -ENOMEM;
	if (!len) {
		free(buf);
		return -ENOENT;
	}
	if (buf[len - 1] != '\0')
		buf[len++] = '\0';
	*out = buf;
	return (ssize_t)len;
}

int vigil_proc__stat(pid_t pid, int *ppid, unsigned long long *start_ticks)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks;
	int fd, pp;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: the fields start after the
	 * last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
				"%*d %*d %*d %*d %llu", &pp, &ticks) != 2)
		return -EIO;
	if (ppid)
		*ppid = pp;
	if (start_ticks)
		*start_ticks = ticks;
	return 0;
}
