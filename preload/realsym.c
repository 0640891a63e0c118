// SPDX-License-Identifier: MIT
/* Real functions, looked up once. dlsym takes the loader's lock: a first lookup made
 * inside an interposer would wait for a dlopen whose constructor waits for this very
 * thread (a worker signalling a cond the constructor waits on). So every interposed
 * name (the export list, build/gen/realsyms.h) is resolved when vigil starts, and
 * later requests are answered from this table without the loader. */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "realsym.h"
#include "rt.h"

static const char *const names[] = {
#include "realsyms.h"
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

/* The ABI programs link against where glibc keeps an older one under the same name
 * (an unversioned lookup could find the old pthread_cond_* of linuxthreads days). */
static const struct {
	const char *name, *version;
} versioned[] = {
	{"pthread_cond_wait", "GLIBC_2.3.2"},    {"pthread_cond_timedwait", "GLIBC_2.3.2"},
	{"pthread_cond_signal", "GLIBC_2.3.2"},  {"pthread_cond_broadcast", "GLIBC_2.3.2"},
	{"pthread_cond_init", "GLIBC_2.3.2"},    {"pthread_cond_destroy", "GLIBC_2.3.2"},
};

#define NVERSIONED (sizeof(versioned) / sizeof(versioned[0]))

static void *addr[NNAMES], *vaddr[NVERSIONED];
static int ready;

void vigil_realsym__init(void)
{
	for (size_t i = 0; i < NNAMES; i++)
		addr[i] = dlsym(RTLD_NEXT, names[i]);
	for (size_t i = 0; i < NVERSIONED; i++)
		vaddr[i] = dlvsym(RTLD_NEXT, versioned[i].name, versioned[i].version);
	__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
}

void *vigil_realsym(const char *name, const char *version)
{
	void *p = NULL;

	if (__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		for (size_t i = 0; version && i < NVERSIONED; i++)
			if (!strcmp(versioned[i].name, name) && !strcmp(versioned[i].version, version))
				return vaddr[i] ? vaddr[i] : vigil_realsym(name, NULL);
		for (size_t i = 0; i < NNAMES; i++)
			if (!strcmp(names[i], name))
				return addr[i];
	}
	/* Before the start, or a name vigil does not export. */
	if (version)
		p = dlvsym(RTLD_NEXT, name, version);
	return p ? p : dlsym(RTLD_NEXT, name);
}

void *vigil_realsym__fill(void **slot, const char *name, const char *version,
			  void *(*elsewhere)(const char *name))
{
	int saved = errno;
	void *fn;

	vigil_guard__enter();
	fn = vigil_realsym(name, version);
	if (!fn && elsewhere)
		fn = elsewhere(name);
	vigil_guard__leave();
	__atomic_store_n(slot, fn, __ATOMIC_RELEASE);
	errno = saved;
	return fn;
}
