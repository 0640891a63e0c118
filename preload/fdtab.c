// SPDX-License-Identifier: MIT
/* The descriptor table. Descriptor numbers are small and dense, so slots are indexed
 * directly, in chunks mapped on first use; each slot has its own lock, taken only to
 * change it (a use on the fast path reads it without one). Creating sites live in a
 * lock-free open-addressed table; the stream map has one lock (fopen and fclose are
 * rare next to reads and writes). */
#include <errno.h>
#include <string.h>

#include "fdtab.h"
#include "ialloc.h"
#include "lock.h"
#include "vigil/finding.h"

#define CHUNK 256u
#define USES 4u       /* call sites remembered per number */
#define SITES 4096u   /* creating sites, power of two */
#define STREAMS 4096u /* FILE* and DIR* open at once, power of two */
#define TOMB ((uintptr_t)1)

struct use_site {
	uintptr_t ra;
	uint32_t stack, gen, tid;
	uint32_t closed_use; /* used the number while gen was closed (an EBADF) */
};

struct slot {
	vigil_lock_t lock;
	uint32_t state; /* enum vigil_fd_state */
	uint32_t site;  /* cur's creating site: index + 1, 0 for none */
	uint32_t busy, busy_tid, busy_stack;
	unsigned use_next;
	/* cur's first user: its site had not used prev (a second owner's evidence) */
	uintptr_t first_ra;
	uint32_t first_foreign;
	struct vigil_fd_gen cur, prev;
	struct use_site use[USES];
};

struct site {
	uint32_t stack, tid, call;
	uint64_t created;
	int64_t open;
};

struct stream {
	uintptr_t ptr; /* 0 free, TOMB removed */
	int fd;
};

struct vigil_fdtab {
	struct vigil_fdtab_ops ops;
	unsigned nchunks;
	struct slot **chunks;
	struct site *sites;
	struct stream *streams;
	vigil_lock_t stream_lock;
	uint32_t next_gen;
	uint64_t opened, closed, inherited, overflow;
	int64_t open, peak;
};

struct vigil_fdtab *vigil_fdtab__new(unsigned max, const struct vigil_fdtab_ops *ops)
{
	struct vigil_fdtab *t = vigil_ialloc(sizeof(*t));

	if (!t)
		return NULL;
	t->ops = *ops;
	t->nchunks = (max + CHUNK - 1) / CHUNK;
	t->chunks = vigil_ialloc(t->nchunks * sizeof(*t->chunks));
	t->sites = vigil_ialloc(SITES * sizeof(*t->sites));
	t->streams = vigil_ialloc(STREAMS * sizeof(*t->streams));
	if (!t->chunks || !t->sites || !t->streams) {
		vigil_fdtab__free(t);
		return NULL;
	}
	return t;
}

void vigil_fdtab__free(struct vigil_fdtab *t)
{
	if (!t)
		return;
	for (unsigned i = 0; t->chunks && i < t->nchunks; i++)
		if (t->chunks[i])
			vigil_ifree(t->chunks[i], CHUNK * sizeof(struct slot));
	if (t->chunks)
		vigil_ifree(t->chunks, t->nchunks * sizeof(*t->chunks));
	if (t->sites)
		vigil_ifree(t->sites, SITES * sizeof(*t->sites));
	if (t->streams)
		vigil_ifree(t->streams, STREAMS * sizeof(*t->streams));
	vigil_ifree(t, sizeof(*t));
}

/* The slot of fd; with make, its chunk is mapped if it is not yet. NULL past the
 * table (or when mapping failed). */
static struct slot *slot_of(struct vigil_fdtab *t, int fd, int make)
{
	unsigned c = (unsigned)fd / CHUNK;
	struct slot *chunk, *fresh;

	if (fd < 0 || c >= t->nchunks)
		return NULL;
	chunk = __atomic_load_n(&t->chunks[c], __ATOMIC_ACQUIRE);
	if (__builtin_expect(chunk != NULL, 1) || !make)
		return chunk ? &chunk[(unsigned)fd % CHUNK] : NULL;
	fresh = vigil_ialloc(CHUNK * sizeof(struct slot));
	if (!fresh)
		return NULL;
	if (!__atomic_compare_exchange_n(&t->chunks[c], &chunk, fresh, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		vigil_ifree(fresh, CHUNK * sizeof(struct slot));
	else
		chunk = fresh;
	return &chunk[(unsigned)fd % CHUNK];
}

/* The creating site of stack, made on first use: index + 1, 0 when the table is
 * full. Two threads claiming one free entry: the loser looks further. */
static uint32_t site_of(struct vigil_fdtab *t, uint32_t stack, uint32_t tid, unsigned call)
{
	unsigned h = (stack * 0x9e3779b1u) & (SITES - 1);

	if (!stack)
		return 0;
	for (unsigned i = 0; i < SITES; i++, h = (h + 1) & (SITES - 1)) {
		struct site *s = &t->sites[h];
		uint32_t k = __atomic_load_n(&s->stack, __ATOMIC_ACQUIRE);

		if (!k) {
			s->tid = tid;
			s->call = call;
			if (!__atomic_compare_exchange_n(&s->stack, &k, stack, 0, __ATOMIC_ACQ_REL,
							 __ATOMIC_ACQUIRE) &&
			    k != stack)
				continue;
			return h + 1;
		}
		if (k == stack)
			return h + 1;
	}
	return 0;
}

static void site_add(struct vigil_fdtab *t, uint32_t site, int64_t created, int64_t open)
{
	if (!site)
		return;
	if (created)
		__atomic_add_fetch(&t->sites[site - 1].created, (uint64_t)created, __ATOMIC_RELAXED);
	__atomic_add_fetch(&t->sites[site - 1].open, open, __ATOMIC_RELAXED);
}

static void count_open(struct vigil_fdtab *t, int64_t d)
{
	int64_t now = __atomic_add_fetch(&t->open, d, __ATOMIC_RELAXED);
	int64_t peak = __atomic_load_n(&t->peak, __ATOMIC_RELAXED);

	while (now > peak && !__atomic_compare_exchange_n(&t->peak, &peak, now, 1,
							  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* The open generation of s ends (closed, or replaced): slot lock held. */
static void end_open(struct vigil_fdtab *t, struct slot *s)
{
	site_add(t, s->site, 0, -1);
	s->site = 0;
	count_open(t, -1);
}

uint32_t vigil_fdtab__created(struct vigil_fdtab *t, int fd, unsigned call, uint32_t stack,
			      uint32_t tid, unsigned flags)
{
	struct slot *s = slot_of(t, fd, 1);
	uint32_t g;
	int was_open;

	if (!s) {
		__atomic_add_fetch(&t->overflow, 1, __ATOMIC_RELAXED);
		return 0;
	}
	g = __atomic_add_fetch(&t->next_gen, 1, __ATOMIC_RELAXED);
	if (!g) /* 0 means "none": skip it when the counter wraps */
		g = __atomic_add_fetch(&t->next_gen, 1, __ATOMIC_RELAXED);
	vigil_lock__acquire(&s->lock);
	was_open = s->state == VIGIL_FDS_OPEN;
	if (was_open) {
		/* A dup2 onto it, or a close the table did not see. */
		s->cur.close_stack = flags & VIGIL_FDF_TARGETED ? stack : 0;
		s->cur.close_tid = tid;
		s->cur.close_call = flags & VIGIL_FDF_TARGETED ? (uint8_t)call : VIGIL_FDC_OTHER;
		end_open(t, s);
	}
	if (s->state != VIGIL_FDS_NONE)
		s->prev = s->cur;
	else
		memset(&s->prev, 0, sizeof(s->prev));
	s->cur = (struct vigil_fd_gen){
		.gen = g, .create_stack = stack, .create_tid = tid, .create_call = (uint8_t)call,
		.flags = (uint8_t)flags};
	/* A FILE* whose descriptor is replaced in place (dup2 onto fileno(f)) still owns
	 * the number: its fclose closes the new descriptor, as the program meant. */
	if ((flags & VIGIL_FDF_TARGETED) && was_open && s->prev.owner != VIGIL_FDO_PLAIN) {
		s->cur.owner = s->prev.owner;
		s->cur.owner_ptr = s->prev.owner_ptr;
		s->cur.owner_stack = s->prev.owner_stack;
	}
	s->state = VIGIL_FDS_OPEN;
	s->first_ra = 0;
	s->first_foreign = 0;
	/* Whoever was inside a call on the number is not inside one on this descriptor
	 * (a siglongjmp out of the call skips its leave). */
	__atomic_store_n(&s->busy, 0, __ATOMIC_RELEASE);
	s->site = flags & VIGIL_FDF_INHERITED ? 0 : site_of(t, stack, tid, call);
	site_add(t, s->site, 1, 1);
	vigil_lock__release(&s->lock);
	__atomic_add_fetch(flags & VIGIL_FDF_INHERITED ? &t->inherited : &t->opened, 1,
			   __ATOMIC_RELAXED);
	count_open(t, 1);
	return g;
}

uint32_t vigil_fdtab__seq(struct vigil_fdtab *t)
{
	return __atomic_load_n(&t->next_gen, __ATOMIC_RELAXED);
}

void vigil_fdtab__owned(struct vigil_fdtab *t, int fd, unsigned owner, uintptr_t ptr,
			uint32_t stack)
{
	struct slot *s = slot_of(t, fd, 0);

	if (!s)
		return;
	vigil_lock__acquire(&s->lock);
	if (s->state == VIGIL_FDS_OPEN) {
		s->cur.owner = (uint8_t)owner;
		s->cur.owner_ptr = ptr;
		s->cur.owner_stack = stack;
	}
	vigil_lock__release(&s->lock);
}

static void view_locked(const struct slot *s, struct vigil_fd_view *v)
{
	v->state = s->state;
	v->cur = s->cur;
	v->prev = s->prev;
}

void vigil_fdtab__view(struct vigil_fdtab *t, int fd, struct vigil_fd_view *v)
{
	struct slot *s = slot_of(t, fd, 0);

	memset(v, 0, sizeof(*v));
	if (!s)
		return;
	vigil_lock__acquire(&s->lock);
	view_locked(s, v);
	vigil_lock__release(&s->lock);
}

void vigil_fdtab__close_begin(struct vigil_fdtab *t, int fd, uint32_t tid,
			      struct vigil_fd_closing *c)
{
	struct slot *s = slot_of(t, fd, 0);

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	if (!s)
		return;
	vigil_lock__acquire(&s->lock);
	view_locked(s, &c->view);
	c->gen = s->cur.gen;
	if (__atomic_load_n(&s->busy, __ATOMIC_ACQUIRE) &&
	    __atomic_load_n(&s->busy_tid, __ATOMIC_RELAXED) != tid) {
		c->busy_tid = __atomic_load_n(&s->busy_tid, __ATOMIC_RELAXED);
		c->busy_stack = __atomic_load_n(&s->busy_stack, __ATOMIC_RELAXED);
	}
	vigil_lock__release(&s->lock);
}

/* s's number was closed by call at stack: slot lock held. */
static void mark_closed(struct vigil_fdtab *t, struct slot *s, unsigned call, uint32_t stack,
			uint32_t tid)
{
	if (s->state != VIGIL_FDS_OPEN) {
		/* Open without the table knowing (a descriptor the C library made for
		 * itself, mkstemp...): a generation with no creation, so a second close
		 * or a use after this one is still told. */
		uint32_t g = __atomic_add_fetch(&t->next_gen, 1, __ATOMIC_RELAXED);

		if (s->state != VIGIL_FDS_NONE)
			s->prev = s->cur;
		else
			memset(&s->prev, 0, sizeof(s->prev));
		s->cur = (struct vigil_fd_gen){.gen = g};
	} else {
		end_open(t, s);
		__atomic_add_fetch(&t->closed, 1, __ATOMIC_RELAXED);
	}
	s->cur.close_stack = stack;
	s->cur.close_tid = tid;
	s->cur.close_call = (uint8_t)call;
	s->cur.close_seq = __atomic_load_n(&t->next_gen, __ATOMIC_RELAXED);
	s->state = VIGIL_FDS_CLOSED;
	__atomic_store_n(&s->busy, 0, __ATOMIC_RELEASE);
}

void vigil_fdtab__close_end(struct vigil_fdtab *t, const struct vigil_fd_closing *c, int closed,
			    unsigned call, uint32_t stack, uint32_t tid)
{
	struct slot *s = slot_of(t, c->fd, closed);

	if (!s)
		return;
	vigil_lock__acquire(&s->lock);
	if (s->cur.gen == c->gen) {
		if (closed)
			mark_closed(t, s, call, stack, tid);
		else if (s->state == VIGIL_FDS_OPEN)
			/* EBADF on a number the table thought open: it was closed behind
			 * the table's back. Nothing is known of that close. */
			mark_closed(t, s, VIGIL_FDC_OTHER, 0, 0);
	}
	vigil_lock__release(&s->lock);
}

void vigil_fdtab__close_range(struct vigil_fdtab *t, unsigned first, unsigned last,
			      unsigned call, uint32_t stack, uint32_t tid)
{
	unsigned end = t->nchunks * CHUNK;

	if (last >= end)
		last = end - 1;
	for (unsigned fd = first; fd <= last && fd < end; fd++) {
		struct slot *s = slot_of(t, (int)fd, 0);

		if (!s) {
			fd |= CHUNK - 1; /* the whole chunk is unmapped */
			continue;
		}
		if (__atomic_load_n(&s->state, __ATOMIC_RELAXED) != VIGIL_FDS_OPEN)
			continue;
		vigil_lock__acquire(&s->lock);
		if (s->state == VIGIL_FDS_OPEN)
			mark_closed(t, s, call, stack, tid);
		vigil_lock__release(&s->lock);
	}
}

/* The function that called close at stack c (its frame is c[0]) is on the path of
 * the call at stack s: it is the function of s[0] or one of its callers, called from
 * the same place. Stacks the capture cut short are compared as far as both go. An
 * unknown stack counts as on the path: no report rests on a guess. */
static int on_path(struct vigil_fdtab *t, uint32_t c_id, uint32_t s_id)
{
	const uintptr_t *c, *s;
	unsigned nc, ns;
	int cut;

	if (t->ops.pcs(c_id, &c, &nc) || t->ops.pcs(s_id, &s, &ns) || nc <= 1)
		return 1;
	cut = nc >= t->ops.depth || ns >= t->ops.depth;
	for (unsigned k = 1; k < ns; k++) {
		unsigned m = nc - 1 < ns - k ? nc - 1 : ns - k;

		if (!cut && nc - 1 != ns - k)
			continue;
		if (!memcmp(c + 1, s + k, m * sizeof(*c)))
			return 1;
	}
	return 0;
}

/* The descriptors of generations a and b were opened by the same call (the same
 * innermost frame): one object's open, reached from two paths (a journal opened by
 * whichever statement needs it first). Unknown stacks count as the same. */
static int same_opener(struct vigil_fdtab *t, uint32_t a, uint32_t b)
{
	const uintptr_t *pa, *pb;
	unsigned na, nb;

	if (t->ops.pcs(a, &pa, &na) || t->ops.pcs(b, &pb, &nb) || !na || !nb)
		return 1;
	return pa[0] == pb[0];
}

/* A stale use (the log-rotation bug): the site e used the generation that was just
 * closed and now uses the number again, from the same full stack S, though the
 * descriptor there was created elsewhere. A site that uses whatever its object holds
 * looks the same when the object reopened (a database's journal, a proxy's
 * connection), so a report needs evidence that the number went to another owner:
 * - the site itself used the number while it was closed (its EBADF: it still held
 *   the number after its owner closed it), or
 * - the new descriptor was first used by a site that never used the old one (a
 *   second owner at work), and it was opened by another call than the old one.
 * What clears it even then:
 * - the new descriptor was put there on purpose (dup2, dup3, freopen): the site is
 *   meant to write into whatever is there (stdout redirected, a log reopened in
 *   place), and inherited descriptors (a fork child) are not the program's doing;
 * - it was created at the same stack as the one before (an accept loop, a helper
 *   that opens what it serves);
 * - the site's own path closed the one before, in the thread that used it (the
 *   handler, or a caller of it, closed its connection: whatever it is handed next
 *   is new to it, an event loop that serves two listeners);
 * - the site's own path created the new one, in this thread (it got it from there).
 * Uses of stdio's numbers are never stale: a daemon reopens them on /dev/null. */
static int stale(struct vigil_fdtab *t, const struct slot *s, const struct use_site *e,
		 uint32_t stack, uint32_t tid)
{
	const struct vigil_fd_gen *c = &s->cur, *p = &s->prev;

	if (!p->gen || e->gen != p->gen || !p->close_stack)
		return 0;
	if ((c->flags & (VIGIL_FDF_INHERITED | VIGIL_FDF_TARGETED)) || !c->create_stack ||
	    c->create_stack == p->create_stack)
		return 0;
	if (!e->closed_use &&
	    (!s->first_ra || s->first_ra == e->ra || !s->first_foreign || !p->create_stack ||
	     same_opener(t, p->create_stack, c->create_stack)))
		return 0;
	if (p->close_tid == e->tid && on_path(t, p->close_stack, stack))
		return 0;
	if (c->create_tid == tid && on_path(t, c->create_stack, stack))
		return 0;
	return 1;
}

static void use_slow(struct vigil_fdtab *t, struct slot *s, int fd, uintptr_t ra, uint32_t tid,
		     struct vigil_fd_use *u)
{
	uint32_t stack = t->ops.capture();
	struct use_site *e = NULL;

	vigil_lock__acquire(&s->lock);
	if (s->state == VIGIL_FDS_OPEN) {
		for (unsigned i = 0; i < USES && !e; i++)
			if (s->use[i].ra == ra)
				e = &s->use[i];
		if (!e) {
			if (!s->first_ra) {
				s->first_ra = ra;
				s->first_foreign = 1;
			}
			e = &s->use[s->use_next++ % USES];
			*e = (struct use_site){.ra = ra, .stack = stack, .gen = s->cur.gen, .tid = tid};
		} else if (e->gen != s->cur.gen) {
			if (fd > 2 && stack && e->stack == stack && stale(t, s, e, stack, tid)) {
				u->stale = 1;
				view_locked(s, &u->view);
			}
			if (!s->first_ra) {
				s->first_ra = ra;
				s->first_foreign = !(s->prev.gen && e->gen == s->prev.gen);
			}
			*e = (struct use_site){.ra = ra, .stack = stack, .gen = s->cur.gen, .tid = tid};
		}
	}
	vigil_lock__release(&s->lock);
	u->stack = stack;
}

/* A use of a number the table saw closed: the site still holds it. */
static void use_closed(struct slot *s, uintptr_t ra)
{
	vigil_lock__acquire(&s->lock);
	for (unsigned i = 0; i < USES && s->state == VIGIL_FDS_CLOSED; i++)
		if (s->use[i].ra == ra && s->use[i].gen == s->cur.gen)
			s->use[i].closed_use = 1;
	vigil_lock__release(&s->lock);
}

void vigil_fdtab__use(struct vigil_fdtab *t, int fd, uintptr_t ra, uint32_t tid,
		      struct vigil_fd_use *u)
{
	struct slot *s = slot_of(t, fd, 0);
	uint32_t g;

	u->stack = 0;
	u->stale = 0;
	if (!s)
		return;
	if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != VIGIL_FDS_OPEN) {
		if (__atomic_load_n(&s->state, __ATOMIC_RELAXED) == VIGIL_FDS_CLOSED &&
		    (!t->ops.writable || t->ops.writable()))
			use_closed(s, ra);
		return;
	}
	g = __atomic_load_n(&s->cur.gen, __ATOMIC_RELAXED);
	/* Racy reads: a torn pair only sends the call to the slow path, which looks
	 * again under the lock. */
	for (unsigned i = 0; i < USES; i++)
		if (__atomic_load_n(&s->use[i].ra, __ATOMIC_RELAXED) == ra &&
		    __atomic_load_n(&s->use[i].gen, __ATOMIC_RELAXED) == g) {
			u->stack = __atomic_load_n(&s->use[i].stack, __ATOMIC_RELAXED);
			return;
		}
	if (!t->ops.writable || t->ops.writable())
		use_slow(t, s, fd, ra, tid, u);
}

void vigil_fdtab__busy_enter(struct vigil_fdtab *t, int fd, uint32_t tid, uint32_t stack)
{
	struct slot *s = slot_of(t, fd, 0);

	if (!s)
		return;
	__atomic_store_n(&s->busy_tid, tid, __ATOMIC_RELAXED);
	__atomic_store_n(&s->busy_stack, stack, __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->busy, 1, __ATOMIC_RELEASE);
}

void vigil_fdtab__busy_leave(struct vigil_fdtab *t, int fd)
{
	struct slot *s = slot_of(t, fd, 0);
	uint32_t b;

	if (!s)
		return;
	/* Never below zero: a fork child reset the count under a call in flight. */
	b = __atomic_load_n(&s->busy, __ATOMIC_RELAXED);
	while (b && !__atomic_compare_exchange_n(&s->busy, &b, b - 1, 1, __ATOMIC_RELEASE,
						 __ATOMIC_RELAXED))
		;
}

static unsigned stream_hash(uintptr_t ptr)
{
	return (unsigned)((ptr >> 4) * 0x9e3779b97f4a7c15ull >> 40) & (STREAMS - 1);
}

int vigil_fdtab__stream_add(struct vigil_fdtab *t, uintptr_t ptr, int fd)
{
	unsigned h = stream_hash(ptr);
	struct stream *free_slot = NULL;
	int r = -ENOSPC;

	vigil_lock__acquire(&t->stream_lock);
	for (unsigned i = 0; i < STREAMS; i++, h = (h + 1) & (STREAMS - 1)) {
		struct stream *e = &t->streams[h];

		if (e->ptr == ptr) {
			free_slot = e;
			break;
		}
		if (e->ptr == TOMB && !free_slot)
			free_slot = e;
		if (!e->ptr) {
			if (!free_slot)
				free_slot = e;
			break;
		}
	}
	if (free_slot) {
		free_slot->ptr = ptr;
		free_slot->fd = fd;
		r = 0;
	}
	vigil_lock__release(&t->stream_lock);
	return r;
}

int vigil_fdtab__stream_take(struct vigil_fdtab *t, uintptr_t ptr)
{
	unsigned h = stream_hash(ptr);
	int fd = -1;

	if (ptr <= TOMB)
		return -1;
	vigil_lock__acquire(&t->stream_lock);
	for (unsigned i = 0; i < STREAMS; i++, h = (h + 1) & (STREAMS - 1)) {
		struct stream *e = &t->streams[h];

		if (!e->ptr)
			break;
		if (e->ptr == ptr) {
			fd = e->fd;
			e->ptr = TOMB;
			break;
		}
	}
	vigil_lock__release(&t->stream_lock);
	return fd;
}

int vigil_fdtab__stream_check(struct vigil_fdtab *t, int fd, uintptr_t ptr,
			      struct vigil_fd_gen *closed, struct vigil_fd_gen *now)
{
	struct slot *s = slot_of(t, fd, 0);
	int r = 1;

	memset(closed, 0, sizeof(*closed));
	memset(now, 0, sizeof(*now));
	if (!s)
		return 0;
	vigil_lock__acquire(&s->lock);
	if (s->cur.owner_ptr == ptr && s->state == VIGIL_FDS_OPEN)
		r = 0;
	else if (s->cur.owner_ptr == ptr)
		*closed = s->cur;
	else {
		if (s->prev.owner_ptr == ptr)
			*closed = s->prev;
		if (s->state == VIGIL_FDS_OPEN)
			*now = s->cur;
	}
	vigil_lock__release(&s->lock);
	return r;
}

unsigned vigil_fdtab__leaks(struct vigil_fdtab *t, int (*is_open)(int fd),
			    struct vigil_fd_leak *out, unsigned max)
{
	unsigned *count = vigil_ialloc(SITES * sizeof(*count));
	int *sample = vigil_ialloc(SITES * sizeof(*sample));
	unsigned n = 0;

	if (!count || !sample)
		goto out;
	for (unsigned c = 0; c < t->nchunks; c++) {
		struct slot *chunk = __atomic_load_n(&t->chunks[c], __ATOMIC_ACQUIRE);

		for (unsigned i = 0; chunk && i < CHUNK; i++) {
			struct slot *s = &chunk[i];
			int fd = (int)(c * CHUNK + i);

			if (s->state != VIGIL_FDS_OPEN || !s->site || fd <= 2 ||
			    (s->cur.flags & VIGIL_FDF_INHERITED) || !is_open(fd))
				continue;
			count[s->site - 1]++;
			sample[s->site - 1] = fd;
		}
	}
	for (unsigned i = 0; i < SITES && n < max; i++) {
		const struct site *s = &t->sites[i];

		if (!count[i])
			continue;
		out[n++] = (struct vigil_fd_leak){.stack = s->stack, .tid = s->tid, .call = s->call,
						  .open = count[i], .created = s->created,
						  .fd = sample[i]};
	}
out:
	if (count)
		vigil_ifree(count, SITES * sizeof(*count));
	if (sample)
		vigil_ifree(sample, SITES * sizeof(*sample));
	return n;
}

void vigil_fdtab__sites(struct vigil_fdtab *t, void (*add)(void *arg, uint32_t stack,
							    uint64_t open),
			void *arg)
{
	for (unsigned i = 0; i < SITES; i++) {
		uint32_t stack = __atomic_load_n(&t->sites[i].stack, __ATOMIC_ACQUIRE);
		int64_t open = __atomic_load_n(&t->sites[i].open, __ATOMIC_RELAXED);

		if (stack && open > 0)
			add(arg, stack, (uint64_t)open);
	}
}

void vigil_fdtab__stats(struct vigil_fdtab *t, struct vigil_fdtab_stats *s)
{
	int64_t open = __atomic_load_n(&t->open, __ATOMIC_RELAXED);
	int64_t peak = __atomic_load_n(&t->peak, __ATOMIC_RELAXED);

	s->opened = __atomic_load_n(&t->opened, __ATOMIC_RELAXED);
	s->closed = __atomic_load_n(&t->closed, __ATOMIC_RELAXED);
	s->inherited = __atomic_load_n(&t->inherited, __ATOMIC_RELAXED);
	s->overflow = __atomic_load_n(&t->overflow, __ATOMIC_RELAXED);
	s->open = open > 0 ? (uint64_t)open : 0;
	s->peak = peak > 0 ? (uint64_t)peak : 0;
}

void vigil_fdtab__after_fork_child(struct vigil_fdtab *t)
{
	int64_t open = 0;

	for (unsigned c = 0; c < t->nchunks; c++) {
		struct slot *chunk = t->chunks[c];

		for (unsigned i = 0; chunk && i < CHUNK; i++) {
			struct slot *s = &chunk[i];

			vigil_lock__reset(&s->lock);
			s->busy = 0;
			s->site = 0;
			s->use_next = 0;
			s->first_ra = 0;
			s->first_foreign = 0;
			memset(s->use, 0, sizeof(s->use));
			memset(&s->prev, 0, sizeof(s->prev));
			if (s->state == VIGIL_FDS_OPEN) {
				s->cur.flags |= VIGIL_FDF_INHERITED;
				open++;
			} else {
				s->state = VIGIL_FDS_NONE;
				memset(&s->cur, 0, sizeof(s->cur));
			}
		}
	}
	for (unsigned i = 0; i < SITES; i++) {
		t->sites[i].created = 0;
		t->sites[i].open = 0;
	}
	vigil_lock__reset(&t->stream_lock);
	t->opened = t->closed = t->overflow = 0;
	t->inherited = (uint64_t)open;
	t->open = t->peak = open;
}
