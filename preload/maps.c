// SPDX-License-Identifier: MIT
/* A line-at-a-time parser over a static buffer: no stdio, no allocation. The buffer
 * is shared, so readers take turns (exit-time and error paths only). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lock.h"
#include "maps.h"

static vigil_lock_t lock;

static uintptr_t parse_hex(const char **p, const char *end)
{
	uintptr_t v = 0;

	for (; *p < end; (*p)++) {
		char c = **p;
		if (c >= '0' && c <= '9')
			v = v * 16 + (uintptr_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uintptr_t)(c - 'a' + 10);
		else
			break;
	}
	return v;
}

static int parse_line(const char *l, const char *end, struct vigil_map *m)
{
	const char *p = l;
	unsigned long inode = 0;
	int field = 0;

	memset(m, 0, sizeof(*m));
	m->lo = parse_hex(&p, end);
	if (p >= end || *p++ != '-')
		return -1;
	m->hi = parse_hex(&p, end);
	if (p + 5 > end)
		return -1;
	m->r = p[1] == 'r';
	m->w = p[2] == 'w';
	/* fields: perms offset dev inode path */
	while (p < end && field < 4) {
		while (p < end && *p == ' ')
			p++;
		if (field == 3)
			for (; p < end && *p >= '0' && *p <= '9'; p++)
				inode = inode * 10 + (unsigned long)(*p - '0');
		while (p < end && *p != ' ')
			p++;
		field++;
	}
	while (p < end && *p == ' ')
		p++;
	m->anon = inode == 0 && (p == end || (end - p >= 6 && !memcmp(p, "[anon:", 6)));
	m->special = p < end && *p == '[' && !(end - p >= 6 && !memcmp(p, "[anon:", 6));
	m->stack = end - p >= 7 && !memcmp(p, "[stack]", 7);
	m->heap = end - p >= 6 && !memcmp(p, "[heap]", 6);
	return 0;
}

static int read_all(struct vigil_map *out, unsigned max, int wait)
{
	static char buf[65536];
	size_t have = 0;
	unsigned n = 0;
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (wait) {
		vigil_lock__acquire(&lock);
	} else if (!vigil_lock__try(&lock)) {
		syscall(SYS_close, fd);
		return -EBUSY;
	}
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - have);
		char *start = buf, *nl;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			if (n < max && !parse_line(start, nl, &out[n]))
				n++;
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
	}
	vigil_lock__release(&lock);
	syscall(SYS_close, fd);
	return (int)n;
}

int vigil_maps__read(struct vigil_map *out, unsigned max)
{
	return read_all(out, max, 1);
}

int vigil_maps__read_nowait(struct vigil_map *out, unsigned max)
{
	return read_all(out, max, 0);
}

unsigned vigil_maps__intersect(const struct vigil_map *a, unsigned na, const struct vigil_map *b,
			       unsigned nb, struct vigil_map *out, unsigned max)
{
	unsigned i = 0, j = 0, n = 0;

	/* Both lists come sorted and non-overlapping from the kernel. */
	while (i < na && j < nb && n < max) {
		uintptr_t lo = a[i].lo > b[j].lo ? a[i].lo : b[j].lo;
		uintptr_t hi = a[i].hi < b[j].hi ? a[i].hi : b[j].hi;

		if (lo < hi) {
			out[n] = b[j];
			out[n].lo = lo;
			out[n].hi = hi;
			out[n].r &= a[i].r;
			out[n].w &= a[i].w;
			n++;
		}
		if (a[i].hi < b[j].hi)
			i++;
		else
			j++;
	}
	return n;
}

const struct vigil_map *vigil_maps__find(const struct vigil_map *m, unsigned n, uintptr_t addr)
{
	for (unsigned i = 0; i < n; i++)
		if (m[i].lo <= addr && addr < m[i].hi)
			return &m[i];
	return NULL;
}

int vigil_maps__containing(uintptr_t addr, struct vigil_map *out)
{
	static char buf[4096];
	size_t have = 0;
	int found = 0, fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/maps",
					 O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	vigil_lock__acquire(&lock);
	while (!found) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - have);
		char *start = buf, *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		while (!found && (nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			struct vigil_map m;

			if (!parse_line(start, nl, &m) && m.lo <= addr && addr < m.hi) {
				*out = m;
				found = 1;
			}
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
	}
	vigil_lock__release(&lock);
	syscall(SYS_close, fd);
	return found ? 0 : -ENOENT;
}

void vigil_maps__lock(void)
{
	vigil_lock__acquire(&lock);
}

void vigil_maps__unlock(int reset)
{
	if (reset)
		vigil_lock__reset(&lock);
	else
		vigil_lock__release(&lock);
}
