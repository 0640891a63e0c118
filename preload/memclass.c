// SPDX-License-Identifier: MIT
/* Memory classes for the api checks. Two range tables, each rebuilt whole by one
 * writer under a lock and read without one under a sequence count: the read-only
 * mappings (from /proc/self/maps) and the modules' writable segments (from
 * dl_iterate_phdr, refreshed at most every REFRESH_NS when a lookup misses). */
#include <errno.h>
#include <link.h>
#include <stddef.h>

#include "ialloc.h"
#include "lock.h"
#include "maps.h"
#include "memclass.h"
#include "rt.h"
#include "unwind.h"

#define MAX_RO 8192u
#define MAX_RW 2048u
#define MAX_MAPS 16384u
#define REFRESH_NS 250000000ull
#define READ_TRIES 4

struct range {
	uintptr_t lo, hi;
};

struct rset {
	unsigned seq; /* odd while the writer changes it */
	unsigned n;
	struct range *r; /* sorted by lo, disjoint */
};

static struct rset ro, rw;
/* ro_lock: the maps scratch and the ro table; rw_lock: the segment table. Both only
 * ever tried, never waited on, where the loader lock may be held (see refresh_rw). */
static vigil_lock_t ro_lock, rw_lock;
static struct vigil_map *maps; /* MAX_MAPS, the scratch of a maps read; ro_lock */
static uint64_t rw_stamp;      /* when the segment table was last built */

static int rset_find(const struct rset *s, uintptr_t a, struct range *out)
{
	for (int t = 0; t < READ_TRIES; t++) {
		unsigned seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		unsigned lo = 0, hi;
		int found = 0;

		if (seq & 1)
			continue;
		hi = __atomic_load_n(&s->n, __ATOMIC_RELAXED);
		if (!s->r)
			return 0;
		while (lo < hi) {
			unsigned mid = lo + (hi - lo) / 2;
			struct range m = {__atomic_load_n(&s->r[mid].lo, __ATOMIC_RELAXED),
					  __atomic_load_n(&s->r[mid].hi, __ATOMIC_RELAXED)};

			if (a < m.lo) {
				hi = mid;
			} else if (a >= m.hi) {
				lo = mid + 1;
			} else {
				*out = m;
				found = 1;
				break;
			}
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&s->seq, __ATOMIC_RELAXED) == seq)
			return found;
	}
	return 0;
}

static void rset_begin(struct rset *s)
{
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void rset_end(struct rset *s)
{
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELEASE);
}

int vigil_memclass__cached_readonly(uintptr_t a)
{
	struct range r;

	return rset_find(&ro, a, &r);
}

/* Called with ro_lock held: rebuilds the read-only table from a maps read. */
static void rebuild_ro(unsigned n)
{
	unsigned k = 0;

	rset_begin(&ro);
	for (unsigned i = 0; i < n && k < MAX_RO; i++) {
		if (maps[i].w || !maps[i].r)
			continue;
		if (k && ro.r[k - 1].hi == maps[i].lo)
			ro.r[k - 1].hi = maps[i].hi; /* adjacent: one range */
		else
			ro.r[k++] = (struct range){maps[i].lo, maps[i].hi};
	}
	ro.n = k;
	rset_end(&ro);
}

static int seg_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	unsigned *k = ctx;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum && *k < MAX_RW; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W) || !ph->p_memsz)
			continue;
		if (lo >= vigil_rt.self_start && lo < vigil_rt.self_end)
			continue; /* vigil's own data is nobody's buffer */
		rw.r[(*k)++] = (struct range){lo, lo + ph->p_memsz};
	}
	return 0;
}

/* dl_iterate_phdr takes the loader lock, whose holder (dlopen running constructors)
 * may call into vigil: the table lock is only tried, and a busy table answers
 * "unknown". */
static void refresh_rw(void)
{
	unsigned k = 0;

	if (!rw.r || !vigil_lock__try(&rw_lock))
		return;
	rset_begin(&rw);
	dl_iterate_phdr(seg_cb, &k);
	/* Few segments, mostly in load order already: insertion sort. */
	for (unsigned i = 1; i < k; i++) {
		struct range x = rw.r[i];
		unsigned j = i;

		for (; j && rw.r[j - 1].lo > x.lo; j--)
			rw.r[j] = rw.r[j - 1];
		rw.r[j] = x;
	}
	rw.n = k;
	rset_end(&rw);
	__atomic_store_n(&rw_stamp, vigil_now_ns(), __ATOMIC_RELAXED);
	vigil_lock__release(&rw_lock);
}

static vigil_lock_t init_lock;

void vigil_memclass__fork_lock(void)
{
	vigil_lock__acquire(&init_lock);
	vigil_lock__acquire(&ro_lock);
	vigil_lock__acquire(&rw_lock);
}

void vigil_memclass__fork_unlock(int child)
{
	if (child) {
		vigil_lock__reset(&rw_lock);
		vigil_lock__reset(&ro_lock);
		vigil_lock__reset(&init_lock);
		return;
	}
	vigil_lock__release(&rw_lock);
	vigil_lock__release(&ro_lock);
	vigil_lock__release(&init_lock);
}

/* The tables, made on first use (inside the guard: ialloc maps them). */
static int ready(void)
{
	static int state; /* 0 not yet, 1 ready, 2 failed */
	int s = __atomic_load_n(&state, __ATOMIC_ACQUIRE);

	if (s)
		return s == 1;
	vigil_lock__acquire(&init_lock);
	if (!state) {
		ro.r = vigil_ialloc(MAX_RO * sizeof(*ro.r));
		rw.r = vigil_ialloc(MAX_RW * sizeof(*rw.r));
		s = ro.r && rw.r ? 1 : 2;
		__atomic_store_n(&state, s, __ATOMIC_RELEASE);
	}
	vigil_lock__release(&init_lock);
	if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) == 1 && !rw_stamp)
		refresh_rw();
	return __atomic_load_n(&state, __ATOMIC_ACQUIRE) == 1;
}

static int in_global(uintptr_t a, uintptr_t *end)
{
	struct range r;

	static __thread unsigned misses;

	if (rset_find(&rw, a, &r)) {
		*end = r.hi;
		return 1;
	}
	/* Most misses are heap buffers: the clock is read on one miss in 256 only. */
	if ((++misses & 255) ||
	    vigil_now_ns() - __atomic_load_n(&rw_stamp, __ATOMIC_RELAXED) < REFRESH_NS)
		return 0;
	refresh_rw();
	if (!rset_find(&rw, a, &r))
		return 0;
	*end = r.hi;
	return 1;
}

enum vigil_mem vigil_memclass__dest(uintptr_t a, uintptr_t *end)
{
	*end = 0;
	if (vigil_unwind__on_stack(a))
		return VIGIL_MEM_STACK;
	if (ready() && in_global(a, end))
		return VIGIL_MEM_GLOBAL;
	return VIGIL_MEM_UNKNOWN;
}

enum vigil_mem vigil_memclass__exact(uintptr_t a)
{
	const struct vigil_map *m;
	struct vigil_map found;
	uintptr_t end;
	int n;

	if (!ready())
		return VIGIL_MEM_UNKNOWN;
	vigil_lock__acquire(&ro_lock);
	/* Half a megabyte, only for programs that reach here (a writable format). */
	if (!maps)
		maps = vigil_ialloc(MAX_MAPS * sizeof(*maps));
	n = maps ? vigil_maps__read(maps, MAX_MAPS) : -ENOMEM;
	if (n > 0)
		rebuild_ro((unsigned)n);
	m = n > 0 ? vigil_maps__find(maps, (unsigned)n, a) : NULL;
	if (m)
		found = *m;
	vigil_lock__release(&ro_lock);
	if (!m)
		return VIGIL_MEM_UNKNOWN;
	if (!found.w)
		return VIGIL_MEM_READONLY;
	if (found.stack || vigil_unwind__on_stack(a))
		return VIGIL_MEM_STACK;
	if (in_global(a, &end))
		return VIGIL_MEM_GLOBAL;
	return found.heap ? VIGIL_MEM_HEAP : VIGIL_MEM_WRITABLE;
}
