// SPDX-License-Identifier: MIT
/* Module map cache. dl_iterate_phdr takes the loader lock, so it is never called from
 * a signal handler; the cache lets the crash path write modules without it. */
#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "ialloc.h"
#include "lock.h"
#include "modmap.h"
#include "rawlog.h"
#include "rt.h"
#include "unwind.h"

#define MAX_MODULES 1024

struct module {
	uintptr_t base, start, end;
	uint32_t flags;
	unsigned written_gen;
	int alive;
	uint8_t build_id[20];
	unsigned build_id_len;
	char path[VIGIL_PATH_MAX];
};

static vigil_lock_t lock;
static unsigned long long seen_adds, seen_subs;
static struct module *mods; /* MAX_MODULES, from ialloc */
static unsigned nmods;
static char exe_path[VIGIL_PATH_MAX];

static void read_build_id(struct dl_phdr_info *info, struct module *m)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *end;
		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const char *name = p + sizeof(*nh);
			const uint8_t *desc = (const uint8_t *)name + ((nh->n_namesz + 3) & ~3u);
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(name, "GNU", 4)) {
				m->build_id_len = nh->n_descsz > 20 ? 20 : nh->n_descsz;
				memcpy(m->build_id, desc, m->build_id_len);
				return;
			}
			p = (const char *)desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
}

static void write_module(struct module *m, uint16_t kind)
{
	char rec[sizeof(struct vigil_rec_module) + VIGIL_PATH_MAX + 8];
	size_t sz = vigil_rawlog__enc_module(rec, sizeof(rec), (uint32_t)vigil_gettid(),
					     vigil_now_ns(), kind, m->base, m->start, m->end,
					     m->flags, m->build_id, m->build_id_len, m->path);

	if (sz)
		vigil_rawlog__append(rec, sz);
}

static int scan_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	uintptr_t vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	struct module *m;
	const char *name;
	uint32_t flags = 0;

	(void)ctx;
	if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs)) {
		if (info->dlpi_subs != seen_subs)
			vigil_unwind__flush(); /* code may now live where other code was */
		seen_adds = info->dlpi_adds;
		seen_subs = info->dlpi_subs;
	}
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		if (info->dlpi_addr + ph->p_vaddr < lo)
			lo = info->dlpi_addr + ph->p_vaddr;
		if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > hi)
			hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	if (lo >= hi)
		return 0;
	name = info->dlpi_name;
	if (!name || !*name) {
		name = exe_path;
		flags |= VIGIL_MODULE_MAIN;
	}
	if (vdso && lo <= vdso && vdso < hi)
		flags |= VIGIL_MODULE_VDSO;
	for (unsigned i = 0; i < nmods; i++) {
		m = &mods[i];
		if (m->start == lo && m->end == hi && m->base == info->dlpi_addr &&
		    !strcmp(m->path, name)) {
			m->alive = 1;
			return 0;
		}
	}
	if (nmods == MAX_MODULES)
		return 0;
	m = &mods[nmods++];
	memset(m, 0, sizeof(*m));
	m->base = info->dlpi_addr;
	m->start = lo;
	m->end = hi;
	m->flags = flags;
	m->alive = 1;
	size_t len = strnlen(name, sizeof(m->path) - 1);

	memcpy(m->path, name, len);
	m->path[len] = '\0';
	read_build_id(info, m);
	return 0;
}

/* Called with the lock held. Forgets modules that are gone; returns with new ones
 * added and marked unwritten. */
static void rescan(void)
{
	unsigned j = 0;

	for (unsigned i = 0; i < nmods; i++)
		mods[i].alive = 0;
	dl_iterate_phdr(scan_cb, NULL);
	for (unsigned i = 0; i < nmods; i++)
		if (mods[i].alive)
			mods[j++] = mods[i];
	nmods = j;
}

static void write_pending(void)
{
	unsigned gen = vigil_rawlog__gen();

	for (unsigned i = 0; i < nmods; i++) {
		if (mods[i].written_gen == gen)
			continue;
		mods[i].written_gen = gen;
		write_module(&mods[i], VIGIL_REC_MODULE);
	}
}

int vigil_modmap__init(void)
{
	uintptr_t self = (uintptr_t)vigil_modmap__init;
	ssize_t n;

	mods = vigil_ialloc(sizeof(*mods) * MAX_MODULES);
	if (!mods)
		return -ENOMEM;
	n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
	exe_path[n > 0 ? n : 0] = '\0';
	vigil_lock__acquire(&lock);
	rescan();
	for (unsigned i = 0; i < nmods; i++)
		if (mods[i].start <= self && self < mods[i].end) {
			vigil_rt.self_start = mods[i].start;
			vigil_rt.self_end = mods[i].end;
		}
	vigil_lock__release(&lock);
	return 0;
}

void vigil_modmap__write_all(void)
{
	vigil_lock__acquire(&lock);
	write_pending();
	vigil_lock__release(&lock);
}

static int covered(uintptr_t pc)
{
	for (unsigned i = 0; i < nmods; i++)
		if (mods[i].start <= pc && pc < mods[i].end)
			return 1;
	return 0;
}

static int counters_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	int *changed = arg;

	if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof(info->dlpi_subs))
		*changed = info->dlpi_adds != seen_adds || info->dlpi_subs != seen_subs;
	return 1; /* the counters are in every entry: the first one will do */
}

void vigil_modmap__ensure(const uintptr_t *pcs, unsigned n, int may_scan)
{
	int changed = 0;

	if (may_scan)
		vigil_lock__acquire(&lock);
	else if (!vigil_lock__try(&lock))
		return;
	if (may_scan) {
		dl_iterate_phdr(counters_cb, &changed);
		for (unsigned i = 0; i < n && !changed; i++)
			changed = !covered(pcs[i]);
		if (changed)
			rescan();
	}
	write_pending();
	vigil_lock__release(&lock);
}

struct writable_ctx {
	void (*fn)(uintptr_t, uintptr_t, void *);
	void *ctx;
};

static int writable_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct writable_ctx *c = arg;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		if (lo >= vigil_rt.self_start && lo < vigil_rt.self_end)
			continue;
		c->fn(lo, lo + ph->p_memsz, c->ctx);
	}
	return 0;
}

void vigil_modmap__foreach_writable(void (*fn)(uintptr_t, uintptr_t, void *), void *ctx)
{
	struct writable_ctx c = {fn, ctx};

	dl_iterate_phdr(writable_cb, &c);
}

void vigil_modmap__lock(void)
{
	vigil_lock__acquire(&lock);
}

void vigil_modmap__unlock(int reset)
{
	if (reset)
		vigil_lock__reset(&lock);
	else
		vigil_lock__release(&lock);
}
