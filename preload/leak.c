// SPDX-License-Identifier: MIT
/* The exit-time leak check: gathers the roots (writable segments of every module, the
 * registers, stacks and TLS of every thread, anonymous mappings that are not heap),
 * runs the reachability scan with the world stopped, and writes one `leak` finding
 * per allocation stack (and `leak-reachable` when asked). */
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "emit.h"
#include "heap.h"
#include "heaperr.h"
#include "maps.h"
#include "ialloc.h"
#include "modmap.h"
#include "rt.h"
#include "scan.h"
#include "stw.h"
#include "thread.h"
#include "vigil/finding.h"

#define MAX_MAPS 65536
#define MAX_STW 4096
#define MAX_THREAD_STACKS 4096
/* glibc's struct pthread (the TCB at the thread pointer) is about 2.3 KiB. */
#define TCB_SCAN 4096
/* glibc's arena heaps are HEAP_MAX_SIZE (64 MiB) aligned; see arena.c heap_for_ptr. */
#define ARENA_ALIGN (64ul << 20)

#define MAX_HOLES (MAX_THREAD_STACKS + 16384 + MAX_STW + 1)
#define MAX_MODULE_RANGES 4096

struct ctx {
	struct vigil_scan scan;
	uintptr_t (*holes)[2]; /* never roots: vigil's memory, thread stacks */
	unsigned nholes;
	unsigned nialloc;      /* the first nialloc holes are vigil's own memory */
	struct vigil_map *maps;
	unsigned nmaps;
	struct vigil_map *now, *still; /* re-read once stopped; what is still mapped */
	struct vigil_thread_stack *ts;
	unsigned nts;
	size_t tls_static;
};

static void add_hole(struct ctx *c, uintptr_t lo, uintptr_t hi)
{
	if (c->nholes < MAX_HOLES && lo < hi) {
		c->holes[c->nholes][0] = lo;
		c->holes[c->nholes][1] = hi;
		c->nholes++;
	}
}

/* Scans [lo, hi) minus the holes and minus heap blocks. The kernel merges adjacent
 * anonymous mappings, so one line of /proc/self/maps can hold a thread stack, heap
 * chunks and the program's own arenas side by side. */
static void root_pieces(struct ctx *c, uintptr_t lo, uintptr_t hi, unsigned from)
{
	for (unsigned i = from; i < c->nholes; i++) {
		uintptr_t hlo = c->holes[i][0], hhi = c->holes[i][1];
		if (hhi <= lo || hlo >= hi)
			continue;
		if (hlo > lo)
			root_pieces(c, lo, hlo, i + 1);
		if (hhi < hi)
			root_pieces(c, hhi, hi, i + 1);
		return;
	}
	vigil_scan__root_gaps(&c->scan, lo, hi, c->scan.safe);
}

/* A glibc arena heap starts on a 64 MiB boundary with a heap_info whose first word
 * points at the arena's malloc_state, just after a heap_info: stale pointers in its
 * free chunks must not count as roots. */
static int is_arena_heap(const struct vigil_map *m, int safe)
{
	uintptr_t ar;

	if ((m->lo & (ARENA_ALIGN - 1)) || !m->r)
		return 0;
	if (!safe)
		ar = *(const uintptr_t *)m->lo;
	else if (vigil_scan__read_word(m->lo, &ar))
		return 0;
	return (ar & ~(ARENA_ALIGN - 1)) && (ar & (ARENA_ALIGN - 1)) < 0x100;
}

static void root_thread(struct ctx *c, uintptr_t sp, uintptr_t tp, const uintptr_t *regs,
			size_t nregs)
{
	const struct vigil_map *m = vigil_maps__find(c->maps, c->nmaps, sp);

	vigil_scan__root_words(&c->scan, regs, nregs);
	/* 128 bytes below sp: the x86-64 red zone of a leaf function. */
	if (m)
		vigil_scan__root_range(&c->scan, sp - 128 < m->lo ? m->lo : sp - 128, m->hi, 0);
	if (tp)
		vigil_scan__root_range(&c->scan, tp - c->tls_static, tp + TCB_SCAN, 1);
}

/* The stack holding sp, as the thread registry knows it, else its whole mapping. */
static void hole_for_sp(struct ctx *c, uintptr_t sp)
{
	const struct vigil_map *m;

	for (unsigned i = 0; i < c->nts; i++)
		if (c->ts[i].lo <= sp && sp < c->ts[i].hi)
			return; /* registered stacks are holes already */
	m = vigil_maps__find(c->maps, c->nmaps, sp);
	if (m)
		add_hole(c, m->lo, m->hi);
}

static void copy_block(const struct vigil_block *b, void *arg)
{
	struct vigil_scan *s = arg;
	struct vigil_scan_block *sb = &s->b[s->n++];

	sb->lo = b->ptr;
	sb->hi = b->ptr + (b->size ? b->size : 1);
	sb->stack = b->stack;
	sb->tid = b->tid;
	sb->inherited = !!(b->flags & VIGIL_BLOCK_INHERITED);
	sb->state = b->state == VIGIL_BLOCK_FREED ? VIGIL_SCAN_IGNORED : VIGIL_SCAN_UNSEEN;
}

struct group {
	uint32_t stack;
	uint32_t tid;
	uint8_t state;
	uint64_t size;
};

static void sift(struct group *g, size_t i, size_t n)
{
	for (;;) {
		size_t ch = 2 * i + 1, m = i;
		struct group t;
		if (ch < n && g[ch].stack > g[m].stack)
			m = ch;
		if (ch + 1 < n && g[ch + 1].stack > g[m].stack)
			m = ch + 1;
		if (m == i)
			return;
		t = g[i];
		g[i] = g[m];
		g[m] = t;
		i = m;
	}
}

static void sort_groups(struct group *g, size_t n)
{
	struct group t;

	for (size_t i = n / 2; i-- > 0;)
		sift(g, i, n);
	for (size_t end = n; end-- > 1;) {
		t = g[0];
		g[0] = g[end];
		g[end] = t;
		sift(g, 0, end);
	}
}

static void emit_group(uint32_t stack, uint32_t tid, int reachable, const uint64_t v[4])
{
	struct vigil_rec_fstack st = {.stack_id = stack, .tid = tid, .role = VIGIL_ROLE_ALLOCATION};
	struct vigil_rec_kv kv[6];
	unsigned n = 0;
	uint64_t blocks = v[1] + v[3], bytes = v[0] + v[2];

	kv[n++] = (struct vigil_rec_kv){.key = VIGIL_KEY_BYTES, .value = bytes};
	kv[n++] = (struct vigil_rec_kv){.key = VIGIL_KEY_BLOCKS, .value = blocks};
	if (!reachable) {
		kv[n++] = (struct vigil_rec_kv){.key = VIGIL_KEY_DIRECT_BYTES, .value = v[0]};
		kv[n++] = (struct vigil_rec_kv){.key = VIGIL_KEY_DIRECT_BLOCKS, .value = v[1]};
		kv[n++] = (struct vigil_rec_kv){.key = VIGIL_KEY_INDIRECT_BYTES, .value = v[2]};
		kv[n++] = (struct vigil_rec_kv){.key = VIGIL_KEY_INDIRECT_BLOCKS, .value = v[3]};
	}
	vigil_emit__finding(reachable ? VIGIL_FK_LEAK_REACHABLE : VIGIL_FK_LEAK,
			    reachable ? VIGIL_SEV_INFO : VIGIL_SEV_ERROR, blocks, &st,
			    stack ? 1 : 0, kv, n);
}

/* Sorts the unreached (and, when asked, reachable) blocks by stack and writes one
 * finding per stack. v[]: direct bytes, direct blocks, indirect bytes, indirect
 * blocks (reachable ones count as direct). */
static void report(struct vigil_scan *s)
{
	int want_reachable = vigil_rt.opt.report_reachable;
	struct group *g;
	size_t n = 0;

	g = vigil_ialloc(sizeof(*g) * (s->n ? s->n : 1));
	if (!g)
		return;
	for (size_t i = 0; i < s->n; i++) {
		uint8_t st = s->b[i].state;
		if (st == VIGIL_SCAN_IGNORED || s->b[i].inherited ||
		    (st == VIGIL_SCAN_REACHABLE && !want_reachable))
			continue;
		g[n++] = (struct group){s->b[i].stack, s->b[i].tid, st, s->b[i].hi - s->b[i].lo};
	}
	sort_groups(g, n);
	for (int pass = 0; pass < 2; pass++) {
		int reachable = pass == 1;
		for (size_t i = 0; i < n;) {
			uint64_t v[4] = {0};
			uint32_t stack = g[i].stack, tid = 0;
			int any = 0;
			for (; i < n && g[i].stack == stack; i++) {
				if ((g[i].state == VIGIL_SCAN_REACHABLE) != reachable)
					continue;
				if (!any)
					tid = g[i].tid;
				any = 1;
				if (g[i].state == VIGIL_SCAN_INDIRECT) {
					v[2] += g[i].size;
					v[3]++;
				} else {
					v[0] += g[i].size;
					v[1]++;
				}
			}
			if (any)
				emit_group(stack, tid, reachable, v);
		}
	}
	vigil_ifree(g, sizeof(*g) * (s->n ? s->n : 1));
}

static uint64_t stat_stopped, stat_unstopped, stat_scan_ns;

#define MAX_BAD 64

struct bad {
	struct vigil_block b;
	uint64_t off;
	int freed; /* 1: written after free; 0: redzone */
};

/* Redzones of the blocks still live at exit and patterns of those still in quarantine,
 * read while the world is stopped. The
 * findings are written after it restarts (writing takes locks a stopped thread may
 * hold). */
static void check_redzones(const struct vigil_scan *s, struct bad *bad, unsigned *nbad)
{
	for (size_t i = 0; i < s->n && *nbad < MAX_BAD; i++) {
		const struct vigil_scan_block *sb = &s->b[i];
		struct vigil_block b;
		uint64_t off;

		if (sb->inherited || vigil_heaptab__find_locked(vigil_heap, sb->lo, &b))
			continue;
		/* Quarantined blocks that never left: their pattern is checked here. */
		if (b.state == VIGIL_BLOCK_FREED) {
			if (!vigil_heap__freed_ok(&b, &off))
				bad[(*nbad)++] = (struct bad){b, off, 1};
		} else if (!(b.flags & VIGIL_BLOCK_REPORTED) && !vigil_heap__redzone_ok(&b, &off)) {
			bad[(*nbad)++] = (struct bad){b, off, 0};
		}
	}
}

void vigil_leak__stats(uint64_t *stopped, uint64_t *unstopped, uint64_t *scan_ns)
{
	*stopped = stat_stopped;
	*unstopped = stat_unstopped;
	*scan_ns = stat_scan_ns;
}

struct range {
	uintptr_t lo, hi;
};

static void collect_module(uintptr_t lo, uintptr_t hi, void *arg)
{
	struct {
		struct range *r;
		unsigned n;
	} *m = arg;

	if (m->n < MAX_MODULE_RANGES)
		m->r[m->n++] = (struct range){lo, hi};
}

/* The range of this thread's own stack: the mapping holding sp, unless sp is on an
 * alternate signal stack (exit() called from a handler), in which case the thread's
 * registered stack or the main [stack]. */
static int own_stack(const struct ctx *c, uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
	const struct vigil_map *m = vigil_maps__find(c->maps, c->nmaps, sp);
	pid_t tid = vigil_gettid();

	for (unsigned i = 0; i < c->nholes && i < c->nialloc; i++)
		if (c->holes[i][0] <= sp && sp < c->holes[i][1])
			m = NULL;
	if (m) {
		*lo = sp - 128 < m->lo ? m->lo : sp - 128;
		*hi = m->hi;
		return 0;
	}
	for (unsigned i = 0; i < c->nts; i++)
		if (c->ts[i].tid == tid) {
			*lo = c->ts[i].lo;
			*hi = c->ts[i].hi;
			return 1;
		}
	for (unsigned i = 0; i < c->nmaps; i++)
		if (c->maps[i].stack) {
			*lo = c->maps[i].lo;
			*hi = c->maps[i].hi;
			return 1;
		}
	return -1;
}

/* The maps were read before the world stopped, and a thread may have unmapped
 * memory since (an exiting one its signal stack, vigil's or its own): read directly,
 * that is a crash. Stopped, nothing changes them any more, so what is still mapped
 * is read again and only that is scanned. -1 when they cannot be read (a stopped
 * thread holds the reader's buffer): the caller then reads everything defensively. */
static int still_mapped(struct ctx *c)
{
	int r = vigil_maps__read_nowait(c->now, MAX_MAPS);

	if (r < 0)
		return -1;
	c->nmaps = vigil_maps__intersect(c->maps, c->nmaps, c->now, (unsigned)r, c->still,
					 MAX_MAPS);
	c->maps = c->still;
	return 0;
}

/* Callee-saved registers may hold the program's pointers across the calls that led
 * here. Its own frame, so getcontext's second return cannot clobber the caller. */
static __attribute__((noinline)) void root_registers(struct vigil_scan *s)
{
	ucontext_t uc;

	getcontext(&uc);
	vigil_scan__root_words(s, (const uintptr_t *)uc.uc_mcontext.gregs, NGREG);
}

void vigil_leak__at_exit(void)
{
	uint64_t t0 = vigil_now_ns();
	struct ctx c = {0};
	struct vigil_stw w = {0};
	struct range *mods = NULL;
	struct vigil_map *snapshot;
	struct {
		struct range *r;
		unsigned n;
	} mc = {0};
	uintptr_t self_sp = (uintptr_t)__builtin_frame_address(0), lo, hi;
	size_t cap = 0, align;
	int all_stopped, r, whole;
	struct bad bad[MAX_BAD];
	unsigned nbad = 0;

	if (vigil_stw__seccomp_filtered()) {
		vigil_msg("leak check skipped: a seccomp filter may forbid the calls it needs", NULL);
		return;
	}
	snapshot = c.maps = vigil_ialloc(sizeof(*c.maps) * MAX_MAPS);
	c.now = vigil_ialloc(sizeof(*c.now) * MAX_MAPS);
	c.still = vigil_ialloc(sizeof(*c.still) * MAX_MAPS);
	c.ts = vigil_ialloc(sizeof(*c.ts) * MAX_THREAD_STACKS);
	c.holes = vigil_ialloc(sizeof(*c.holes) * MAX_HOLES);
	w.t = vigil_ialloc(sizeof(*w.t) * MAX_STW);
	mods = vigil_ialloc(sizeof(*mods) * MAX_MODULE_RANGES);
	w.max = MAX_STW;
	if (!c.maps || !c.now || !c.still || !c.ts || !c.holes || !w.t || !mods)
		goto cleanup;
	c.tls_static = 4096;
	if (vigil_real.get_tls_static_info)
		vigil_real.get_tls_static_info(&c.tls_static, &align);
	c.nts = vigil_thread__stacks(c.ts, MAX_THREAD_STACKS);
	/* Everything that takes a lock another thread might hold (the loader's, the
	 * internal allocator's) is gathered before the world stops. */
	mc.r = mods;
	vigil_modmap__foreach_writable(collect_module, &mc);
	c.nholes = vigil_ialloc__ranges(c.holes, MAX_HOLES - MAX_THREAD_STACKS - MAX_STW - 1);
	/* libvigil's own image: the tail of its bss is an anonymous mapping, which the
	 * scan of the program's anonymous memory would otherwise take as a root. */
	add_hole(&c, vigil_rt.self_start, vigil_rt.self_end);
	c.nialloc = c.nholes;
	r = vigil_maps__read(c.maps, MAX_MAPS);
	c.nmaps = r > 0 ? (unsigned)r : 0;

	vigil_heaptab__lock_all(vigil_heap);
	cap = vigil_heaptab__count_locked(vigil_heap);
	c.scan.b = vigil_ialloc(sizeof(*c.scan.b) * (cap ? cap : 1));
	c.scan.work = vigil_ialloc(sizeof(*c.scan.work) * (cap ? cap : 1));
	if (!c.scan.b || !c.scan.work) {
		vigil_heaptab__unlock_all(vigil_heap, 0);
		goto cleanup;
	}
	vigil_heaptab__foreach_locked(vigil_heap, copy_block, &c.scan);

	all_stopped = vigil_stw__stop(&w) == 0;
	for (unsigned i = 0; all_stopped && i < w.n; i++)
		all_stopped = w.t[i].stopped;
	/* A running thread may free (and unmap) memory under the scan. */
	c.scan.safe = !all_stopped || still_mapped(&c);
	vigil_scan__sort(&c.scan);

	/* Module data read defensively: the program may have made a page of it
	 * PROT_NONE. */
	for (unsigned i = 0; i < mc.n; i++)
		vigil_scan__root_range(&c.scan, mods[i].lo, mods[i].hi, 1);
	root_registers(&c.scan);
	whole = own_stack(&c, self_sp, &lo, &hi);
	if (whole >= 0)
		vigil_scan__root_range(&c.scan, lo, hi, whole);
	if (whole > 0)
		add_hole(&c, lo, hi);
	vigil_scan__root_range(&c.scan, (uintptr_t)__builtin_thread_pointer() - c.tls_static,
			       (uintptr_t)__builtin_thread_pointer() + TCB_SCAN, 1);
	for (unsigned i = 0; i < w.n; i++) {
		struct vigil_stw_thread *t = &w.t[i];
		if (t->stopped) {
			root_thread(&c, t->regs.rsp, t->regs.fs_base, (const uintptr_t *)&t->regs,
				    sizeof(t->regs) / sizeof(uintptr_t));
			continue;
		}
		/* Not stopped: its whole stack, read defensively. */
		for (unsigned j = 0; j < c.nts; j++)
			if (c.ts[j].tid == t->tid)
				vigil_scan__root_range(&c.scan, c.ts[j].lo, c.ts[j].hi, 1);
	}
	/* A cached stack of an exited thread is not a root, but its TCB keeps the DTV
	 * (a heap block) for the next thread to reuse. tcbhead_t: {tcb, dtv, ...}. */
	for (unsigned i = 0; i < c.nts; i++) {
		/* In a fork child the parent's other threads are gone mid-flight: what
		 * their stacks held was live at fork and is inherited memory, not a leak. */
		if (c.ts[i].ghost)
			vigil_scan__root_range(&c.scan, c.ts[i].lo, c.ts[i].hi, 1);
		else if (!c.ts[i].tid && c.ts[i].tp)
			vigil_scan__root_range(&c.scan, c.ts[i].tp + sizeof(uintptr_t),
					       c.ts[i].tp + 2 * sizeof(uintptr_t), 1);
	}
	for (unsigned i = 0; i < c.nts; i++)
		add_hole(&c, c.ts[i].lo, c.ts[i].hi);
	if (!whole)
		hole_for_sp(&c, self_sp);
	for (unsigned i = 0; i < w.n; i++)
		if (w.t[i].stopped)
			hole_for_sp(&c, w.t[i].regs.rsp);
	for (unsigned i = 0; i < c.nmaps; i++) {
		const struct vigil_map *m = &c.maps[i];
		/* In canary mode most heap blocks are not tracked: the heap is memory of
		 * the program like any other, and may hold the only pointer to a sample. */
		int heap = m->heap || is_arena_heap(m, c.scan.safe);
		if (!m->r || !m->w || !(m->anon || m->heap) || (m->special && !m->heap) ||
		    (heap && vigil_rt.opt.mode != VIGIL_MODE_CANARY))
			continue;
		/* Another allocator's (jemalloc's) mappings mix blocks with its own
		 * metadata and stale free space: a mapping holding blocks is its heap. */
		if (!vigil_rt.real_is_glibc && vigil_scan__any_in(&c.scan, m->lo, m->hi))
			continue;
		root_pieces(&c, m->lo, m->hi, 0);
	}
	if (all_stopped)
		check_redzones(&c.scan, bad, &nbad);
	vigil_stw__resume(&w);
	vigil_heaptab__unlock_all(vigil_heap, 0);
	for (unsigned i = 0; i < nbad; i++) {
		if (bad[i].freed)
			vigil_heaperr__write_after_free(&bad[i].b, bad[i].off);
		else
			vigil_heaperr__overflow(&bad[i].b, bad[i].off, VIGIL_DETECT_EXIT, 0);
	}
	for (unsigned i = 0; i < w.n; i++) {
		if (w.t[i].stopped && all_stopped)
			stat_stopped++;
		else
			stat_unstopped++;
	}

	vigil_scan__classify(&c.scan);
	stat_scan_ns = vigil_now_ns() - t0;
	report(&c.scan);
cleanup:
	vigil_ifree(c.scan.b, sizeof(*c.scan.b) * (cap ? cap : 1));
	vigil_ifree(c.scan.work, sizeof(*c.scan.work) * (cap ? cap : 1));
	vigil_ifree(mods, sizeof(*mods) * MAX_MODULE_RANGES);
	vigil_ifree(w.t, sizeof(*w.t) * MAX_STW);
	vigil_ifree(c.holes, sizeof(*c.holes) * MAX_HOLES);
	vigil_ifree(c.ts, sizeof(*c.ts) * MAX_THREAD_STACKS);
	vigil_ifree(snapshot, sizeof(*c.maps) * MAX_MAPS);
	vigil_ifree(c.now, sizeof(*c.now) * MAX_MAPS);
	vigil_ifree(c.still, sizeof(*c.still) * MAX_MAPS);
}
