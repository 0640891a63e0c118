// SPDX-License-Identifier: MIT
/* Stack walking from a per-pc cache of unwind rules, with no unwinding library in the
 * target: libunwind, once initialised, keeps a pipe for validating addresses, so the
 * program's fds shift, and one that closes fds >= 3 and opens files gets its files
 * read and written by every later libunwind call. A return address maps to the rule
 * that recovers its caller's frame, in the forms GCC and clang emit for nearly all
 * x86-64 code: CFA = RSP+k, RBP+k or *(RBP+k) (stack realignment), return address
 * at CFA+k, caller's RBP unchanged or saved at CFA+k or RBP+k. Each frame is then
 * one hashed load and two or three stack loads.
 *
 * The cache is a global table of 8192 slots, two probes per key within one cache
 * line, each slot under its own sequence count: readers never write and never wait;
 * a writer that finds a slot busy skips caching. Rules come on a miss from the
 * object's .eh_frame_hdr (found with _dl_find_object, lock-free) and a small DWARF
 * CFA interpreter. A generation number in every slot makes vigil_unwind__flush O(1).
 * glibc's signal trampoline gets a rule of its own: the walk goes on from the
 * registers the kernel saved in the signal frame. Anything else - other CFA
 * registers or expressions, a pc with no CFI - ends the walk at the last frame it
 * could prove. Every stack read lies in the thread's stack above the current frame
 * and each CFA must be above the last, so a corrupt stack ends the walk instead of
 * faulting; off the thread's known stack (signal stacks, coroutines, a crash before
 * the bounds were known) each page is checked readable before it is read.
 *
 * A walk from the cache still costs a chain of dependent loads per frame. What makes
 * captures cheap is that consecutive ones in a thread share most of their frames:
 * each thread keeps its last walk (the state of every frame and the stack words read
 * to reach it). When the walk reaches a state the last one passed through (same sp,
 * pc and bp), the frames above are taken from it for as long as the words it read
 * still hold the same values - independent loads, no chain - and the walk resumes
 * from the rules where they do not. Same state and same words give the same frames,
 * so this too is exact. The memo lives outside static TLS (allocated on a thread's
 * first capture), which every thread's stack would otherwise pay for. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "ialloc.h"
#include "maps.h"
#include "unwind.h"

/* The values keep the switch in the walk a short compare chain: the ones that end a
 * walk are adjacent. */
enum rule_kind {
	RULE_NONE = 0,
	RULE_UNSUPPORTED, /* CFI this walker does not follow */
	RULE_END,         /* return address undefined: the outermost frame */
	RULE_CFA,         /* a frame to step, as the flags below say */
	RULE_SIGNAL,      /* the key is glibc's sigreturn trampoline */
	RULE_NO_CFI,      /* no FDE covers the pc */
};

#define RULE_KIND_MASK 0x0f
#define RULE_CFA_RBP 0x10    /* CFA = RBP + cfa_off, else RSP + cfa_off */
#define RULE_CFA_DEREF 0x20  /* CFA = *(RBP + cfa_off): DW_OP_breg6 k; DW_OP_deref */
#define RULE_RBP_AT_CFA 0x40 /* caller's RBP saved at CFA + rbp_off */
#define RULE_RBP_AT_RBP 0x80 /* caller's RBP saved at RBP + rbp_off */

struct rule {
	int32_t cfa_off;
	int16_t rbp_off;
	int8_t ra_off; /* the return address is at CFA + ra_off */
	uint8_t kind;  /* enum rule_kind | RULE_CFA_* | RULE_RBP_AT_* */
};
_Static_assert(sizeof(struct rule) == sizeof(uint64_t), "a rule is one atomic word");

/* key is a return address; its rule is the CFI row at key - 1, inside the call. An
 * interrupted pc is looked up as pc + 1, for the row at pc itself. */
struct slot {
	uint64_t tag; /* generation << 32 | sequence; sequence odd while being written */
	uint64_t key;
	uint64_t rule;
	uint64_t pad;
};

#define CACHE_BITS 13
#define CACHE_SLOTS (1u << CACHE_BITS)

static struct slot cache[CACHE_SLOTS] __attribute__((aligned(64)));
static uint32_t cache_gen = 1;
static uint64_t n_fills, n_truncated;

/* Code of the object this file is linked into, for skip_own. */
static uintptr_t own_lo, own_hi;

/* The calling thread's stack; hi == 1 when it could not be found, 0 until looked up. */
static __thread uintptr_t stack_lo, stack_hi;

/* The walk of this thread's previous capture: each frame's state and the stack
 * words read to reach it from the frame below. */
#define MEMO_MAX 80
#define MEMO_RBP 1   /* bp was read at sp + rbp_rel */
#define MEMO_DEREF 2 /* sp (the CFA) was read at sp + deref_rel */

struct memo_frame {
	uintptr_t sp, pc, bp;
	int16_t rbp_rel, deref_rel;
	int8_t ra_off; /* pc was read at sp + ra_off */
	uint8_t flags;
};

struct memo {
	uint32_t gen; /* cache generation of the rules it followed; 0: none */
	uint32_t len;
	struct memo_frame f[MEMO_MAX];
};

/* Two walks: the previous one is read while the next is written. */
struct thread_memo {
	struct memo m[2];
	unsigned cur;
};

static __thread struct thread_memo *tmemo;
/* Non-zero while a capture runs in this thread (a signal handler's capture then
 * leaves the memo alone), and for good once the thread has given its memo back. */
static __thread unsigned memo_busy;

/* Stop at a return address this low, as libunwind does (x86_64 Gtrace.c). */
#define PC_MIN 0x4000
/* Off the thread's known stack, how far above sp a walk may read. */
#define PROBE_SPAN (8ul << 20)
#define PAGE 4096ul
/* Signal frames one walk goes through: a corrupt frame cannot make it loop. */
#define SIG_MAX 8

/* glibc's __restore_rt (sysdeps/unix/sysv/linux/x86_64/libc_sigaction.c):
 * mov $15 (rt_sigreturn), %rax; syscall. */
static const uint8_t sigreturn_code[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};

static inline unsigned slot_of(uint64_t key)
{
	return (unsigned)((key * 0x9e3779b97f4a7c15ull) >> (64 - CACHE_BITS));
}

static inline int cache_get(uint64_t key, uint32_t gen, struct rule *r)
{
	unsigned i = slot_of(key);

	for (unsigned probe = 0; probe < 2; probe++, i ^= 1) {
		struct slot *s = &cache[i];
		uint64_t t = __atomic_load_n(&s->tag, __ATOMIC_ACQUIRE);
		uint64_t k = __atomic_load_n(&s->key, __ATOMIC_RELAXED);
		uint64_t v = __atomic_load_n(&s->rule, __ATOMIC_RELAXED);

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (k != key || (t >> 32) != gen || (t & 1) ||
		    __atomic_load_n(&s->tag, __ATOMIC_RELAXED) != t)
			continue;
		memcpy(r, &v, sizeof(*r));
		return 1;
	}
	return 0;
}

static void cache_put(uint64_t key, uint32_t gen, const struct rule *r)
{
	unsigned i = slot_of(key);
	uint64_t t = __atomic_load_n(&cache[i].tag, __ATOMIC_RELAXED);
	uint64_t t2 = __atomic_load_n(&cache[i ^ 1].tag, __ATOMIC_RELAXED);
	uint64_t v;

	/* A free or stale slot first; between two live ones, the key picks the victim. */
	if (((t >> 32) == gen && (t2 >> 32) != gen) ||
	    ((t >> 32) == gen && (t2 >> 32) == gen && ((key >> 4) & 1))) {
		i ^= 1;
		t = t2;
	}
	if (t & 1)
		return;
	if (!__atomic_compare_exchange_n(&cache[i].tag, &t, t + 1, 0, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return;
	memcpy(&v, r, sizeof(v));
	__atomic_store_n(&cache[i].key, key, __ATOMIC_RELAXED);
	__atomic_store_n(&cache[i].rule, v, __ATOMIC_RELAXED);
	__atomic_store_n(&cache[i].tag, (uint64_t)gen << 32 | (uint32_t)(t + 2), __ATOMIC_RELEASE);
}

void vigil_unwind__flush(void)
{
	uint32_t g = __atomic_add_fetch(&cache_gen, 1, __ATOMIC_ACQ_REL);

	/* Generation 0 is what empty slots carry. */
	if (!g)
		__atomic_add_fetch(&cache_gen, 1, __ATOMIC_ACQ_REL);
}

void vigil_unwind__stats(struct vigil_unwind_stats *out)
{
	out->fills = __atomic_load_n(&n_fills, __ATOMIC_RELAXED);
	out->truncated = __atomic_load_n(&n_truncated, __ATOMIC_RELAXED);
}

/* ---- reading .eh_frame_hdr and .eh_frame ---- */

struct rd {
	const uint8_t *p, *end;
	int bad;
};

static uint64_t rd_fixed(struct rd *c, unsigned n)
{
	uint64_t v = 0;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return 0;
	}
	memcpy(&v, c->p, n); /* little endian */
	c->p += n;
	return v;
}

/* A LEB128 number: its bits, how many were read, and the last byte (for the sign). */
static uint64_t rd_leb(struct rd *c, unsigned *shift, uint8_t *last)
{
	uint64_t v = 0;
	uint8_t b;

	*shift = 0;
	do {
		if (c->bad || c->p >= c->end || *shift > 63) {
			c->bad = 1;
			*last = 0;
			return 0;
		}
		b = *c->p++;
		v |= (uint64_t)(b & 0x7f) << *shift;
		*shift += 7;
	} while (b & 0x80);
	*last = b;
	return v;
}

static uint64_t rd_uleb(struct rd *c)
{
	unsigned shift;
	uint8_t last;

	return rd_leb(c, &shift, &last);
}

static int64_t rd_sleb(struct rd *c)
{
	unsigned shift;
	uint8_t last;
	uint64_t v = rd_leb(c, &shift, &last);

	if (shift < 64 && (last & 0x40))
		v |= ~0ull << shift;
	return (int64_t)v;
}

#define PE_OMIT 0xff
#define PE_PCREL 0x10
#define PE_DATAREL 0x30
#define PE_INDIRECT 0x80

/* A DW_EH_PE-encoded pointer. datarel is the base for DW_EH_PE_datarel, 0 where
 * that encoding is not valid. Indirect pointers are never followed: the one place
 * they occur (the personality routine) is only skipped. */
static uintptr_t rd_enc(struct rd *c, uint8_t enc, uintptr_t datarel)
{
	uintptr_t at = (uintptr_t)c->p;
	uint64_t v;

	switch (enc & 0x0f) {
	case 0x00:
	case 0x04:
	case 0x0c:
		v = rd_fixed(c, 8);
		break;
	case 0x01:
		v = rd_uleb(c);
		break;
	case 0x02:
		v = rd_fixed(c, 2);
		break;
	case 0x03:
		v = rd_fixed(c, 4);
		break;
	case 0x09:
		v = (uint64_t)rd_sleb(c);
		break;
	case 0x0a:
		v = (uint64_t)(int64_t)(int16_t)rd_fixed(c, 2);
		break;
	case 0x0b:
		v = (uint64_t)(int64_t)(int32_t)rd_fixed(c, 4);
		break;
	default:
		c->bad = 1;
		return 0;
	}
	switch (enc & 0x70) {
	case 0:
		break;
	case PE_PCREL:
		v += at;
		break;
	case PE_DATAREL:
		if (!datarel)
			c->bad = 1;
		v += datarel;
		break;
	default:
		c->bad = 1;
	}
	return (uintptr_t)v;
}

/* Opens the CFI entry (CIE or FDE) at p: c covers its body after the length. */
static int rd_entry(const uint8_t *p, struct rd *c)
{
	uint32_t len;

	memcpy(&len, p, 4);
	/* 0 ends .eh_frame; 0xffffffff is the 64-bit format, which nothing emits here. */
	if (!len || len == 0xffffffffu)
		return -1;
	c->p = p + 4;
	c->end = p + 4 + len;
	c->bad = 0;
	return 0;
}

struct cie {
	uint64_t code_align;
	int64_t data_align;
	uint64_t ra_reg;
	uint8_t fde_enc;
	uint8_t has_z;
	uint8_t signal;
	struct rd insns;
};

static int parse_cie(const uint8_t *p, struct cie *ci)
{
	struct rd c, aug;
	const char *s;
	uint8_t version;

	if (rd_entry(p, &c) || rd_fixed(&c, 4) != 0)
		return -1;
	version = (uint8_t)rd_fixed(&c, 1);
	if (version != 1 && version != 3)
		return -1;
	s = (const char *)c.p;
	while (c.p < c.end && *c.p)
		c.p++;
	c.p++;
	if (c.p > c.end)
		return -1;
	memset(ci, 0, sizeof(*ci));
	ci->fde_enc = 0; /* absptr unless 'R' says otherwise */
	ci->code_align = rd_uleb(&c);
	ci->data_align = rd_sleb(&c);
	ci->ra_reg = version == 1 ? rd_fixed(&c, 1) : rd_uleb(&c);
	if (*s == 'z') {
		uint64_t alen = rd_uleb(&c);

		if (c.bad || alen > (uint64_t)(c.end - c.p))
			return -1;
		aug = (struct rd){c.p, c.p + alen, 0};
		c.p += alen;
		ci->has_z = 1;
		for (s++; *s; s++) {
			uint8_t enc;

			switch (*s) {
			case 'R':
				ci->fde_enc = (uint8_t)rd_fixed(&aug, 1);
				break;
			case 'L':
				rd_fixed(&aug, 1);
				break;
			case 'P':
				enc = (uint8_t)rd_fixed(&aug, 1);
				rd_enc(&aug, enc & (uint8_t)~PE_INDIRECT & 0x0f, 0);
				break;
			case 'S':
				ci->signal = 1;
				break;
			default:
				return -1;
			}
		}
		if (aug.bad)
			return -1;
	} else if (*s) {
		return -1;
	}
	if (c.bad)
		return -1;
	ci->insns = c;
	return 0;
}

/* ---- the CFA program ---- */

enum how {
	HOW_SAME = 0,
	HOW_UNDEF,
	HOW_OFFSET,  /* saved at CFA + off */
	HOW_EXPR,    /* DW_CFA_expression: saved at the address expr computes */
	HOW_OTHER,   /* register, val_offset, val_expression */
};

struct reg_rule {
	uint8_t how;
	int64_t off;
	const uint8_t *expr;
	uint64_t expr_len;
};

struct cfa_row {
	uint64_t cfa_reg;
	int64_t cfa_off;
	const uint8_t *cfa_expr; /* non-NULL: DW_CFA_def_cfa_expression */
	uint64_t cfa_expr_len;
	struct reg_rule rbp, ra;
};

#define CFA_STACK 8
#define DW_REG_RBP 6
#define DW_REG_RSP 7

struct cfa_vm {
	const struct cie *ci;
	uintptr_t loc, target;
	struct cfa_row row, init;
	struct cfa_row saved[CFA_STACK];
	unsigned nsaved;
};

static struct reg_rule *vm_reg(struct cfa_vm *vm, struct cfa_row *row, uint64_t reg)
{
	if (reg == DW_REG_RBP)
		return &row->rbp;
	if (reg == vm->ci->ra_reg)
		return &row->ra;
	return NULL;
}

static void set_how(struct reg_rule *r, uint8_t how, int64_t off)
{
	if (r) {
		r->how = how;
		r->off = off;
		r->expr = NULL;
		r->expr_len = 0;
	}
}

/* Returns 1 when the row for target is complete, 0 when the program ended (the
 * row holds too), -1 on anything malformed or unsupported. */
static int vm_run(struct cfa_vm *vm, struct rd *c)
{
	const struct cie *ci = vm->ci;

	while (c->p < c->end) {
		uint8_t op = (uint8_t)rd_fixed(c, 1);
		uint64_t reg, len, delta = 0;
		struct reg_rule *r;

		switch (op & 0xc0) {
		case 0x40:
			delta = op & 0x3f;
			goto advance;
		case 0x80:
			set_how(vm_reg(vm, &vm->row, op & 0x3f), HOW_OFFSET,
				(int64_t)rd_uleb(c) * ci->data_align);
			continue;
		case 0xc0:
			r = vm_reg(vm, &vm->row, op & 0x3f);
			if (r)
				*r = *vm_reg(vm, &vm->init, op & 0x3f);
			continue;
		}
		switch (op) {
		case 0x00: /* nop */
			continue;
		case 0x01: /* set_loc */
			vm->loc = rd_enc(c, ci->fde_enc, 0);
			if (c->bad)
				return -1;
			if (vm->loc > vm->target)
				return 1;
			continue;
		case 0x02:
			delta = rd_fixed(c, 1);
			goto advance;
		case 0x03:
			delta = rd_fixed(c, 2);
			goto advance;
		case 0x04:
			delta = rd_fixed(c, 4);
			goto advance;
		case 0x05: /* offset_extended */
			reg = rd_uleb(c);
			set_how(vm_reg(vm, &vm->row, reg), HOW_OFFSET,
				(int64_t)rd_uleb(c) * ci->data_align);
			continue;
		case 0x06: /* restore_extended */
			reg = rd_uleb(c);
			r = vm_reg(vm, &vm->row, reg);
			if (r)
				*r = *vm_reg(vm, &vm->init, reg);
			continue;
		case 0x07: /* undefined */
			set_how(vm_reg(vm, &vm->row, rd_uleb(c)), HOW_UNDEF, 0);
			continue;
		case 0x08: /* same_value */
			set_how(vm_reg(vm, &vm->row, rd_uleb(c)), HOW_SAME, 0);
			continue;
		case 0x09: /* register */
			reg = rd_uleb(c);
			rd_uleb(c);
			set_how(vm_reg(vm, &vm->row, reg), HOW_OTHER, 0);
			continue;
		case 0x0a: /* remember_state: the whole row, CFA included, as GCC expects */
			if (vm->nsaved == CFA_STACK)
				return -1;
			vm->saved[vm->nsaved++] = vm->row;
			continue;
		case 0x0b: /* restore_state */
			if (!vm->nsaved)
				return -1;
			vm->row = vm->saved[--vm->nsaved];
			continue;
		case 0x0c: /* def_cfa */
			vm->row.cfa_reg = rd_uleb(c);
			vm->row.cfa_off = (int64_t)rd_uleb(c);
			vm->row.cfa_expr = NULL;
			continue;
		case 0x0d: /* def_cfa_register */
			vm->row.cfa_reg = rd_uleb(c);
			vm->row.cfa_expr = NULL;
			continue;
		case 0x0e: /* def_cfa_offset */
			vm->row.cfa_off = (int64_t)rd_uleb(c);
			continue;
		case 0x0f: /* def_cfa_expression */
			len = rd_uleb(c);
			if (c->bad || len > (uint64_t)(c->end - c->p))
				return -1;
			vm->row.cfa_expr = c->p;
			vm->row.cfa_expr_len = len;
			c->p += len;
			continue;
		case 0x10: /* expression */
		case 0x16: /* val_expression */
			reg = rd_uleb(c);
			len = rd_uleb(c);
			if (c->bad || len > (uint64_t)(c->end - c->p))
				return -1;
			r = vm_reg(vm, &vm->row, reg);
			set_how(r, op == 0x10 ? HOW_EXPR : HOW_OTHER, 0);
			if (r && op == 0x10) {
				r->expr = c->p;
				r->expr_len = len;
			}
			c->p += len;
			continue;
		case 0x11: /* offset_extended_sf */
			reg = rd_uleb(c);
			set_how(vm_reg(vm, &vm->row, reg), HOW_OFFSET, rd_sleb(c) * ci->data_align);
			continue;
		case 0x12: /* def_cfa_sf */
			vm->row.cfa_reg = rd_uleb(c);
			vm->row.cfa_off = rd_sleb(c) * ci->data_align;
			vm->row.cfa_expr = NULL;
			continue;
		case 0x13: /* def_cfa_offset_sf */
			vm->row.cfa_off = rd_sleb(c) * ci->data_align;
			continue;
		case 0x14: /* val_offset */
			reg = rd_uleb(c);
			rd_uleb(c);
			set_how(vm_reg(vm, &vm->row, reg), HOW_OTHER, 0);
			continue;
		case 0x15: /* val_offset_sf */
			reg = rd_uleb(c);
			rd_sleb(c);
			set_how(vm_reg(vm, &vm->row, reg), HOW_OTHER, 0);
			continue;
		case 0x2e: /* GNU_args_size: only matters when resuming, not unwinding */
			rd_uleb(c);
			continue;
		case 0x2f: /* GNU_negative_offset_extended */
			reg = rd_uleb(c);
			set_how(vm_reg(vm, &vm->row, reg), HOW_OFFSET,
				-(int64_t)rd_uleb(c) * ci->data_align);
			continue;
		default:
			return -1;
		}
advance:
		if (c->bad)
			return -1;
		vm->loc += delta * ci->code_align;
		if (vm->loc > vm->target)
			return 1;
	}
	return c->bad ? -1 : 0;
}

/* DW_OP_breg6 k as a whole expression, optionally followed by DW_OP_deref. */
static int expr_breg6(const uint8_t *p, uint64_t len, int deref, int64_t *k)
{
	struct rd c = {p, p + len, 0};

	if (rd_fixed(&c, 1) != 0x76)
		return -1;
	*k = rd_sleb(&c);
	if (deref && rd_fixed(&c, 1) != 0x06)
		return -1;
	return c.bad || c.p != c.end ? -1 : 0;
}

static int fits(int64_t v, int64_t lo, int64_t hi)
{
	return v >= lo && v <= hi;
}

static void rule_from_row(const struct cfa_row *row, struct rule *r)
{
	int64_t k;

	r->kind = RULE_UNSUPPORTED;
	if (row->ra.how == HOW_UNDEF) {
		r->kind = RULE_END;
		return;
	}
	if (row->ra.how != HOW_OFFSET || !fits(row->ra.off, INT8_MIN, INT8_MAX))
		return;
	r->ra_off = (int8_t)row->ra.off;

	if (row->cfa_expr) {
		if (expr_breg6(row->cfa_expr, row->cfa_expr_len, 1, &k) || !fits(k, INT32_MIN, INT32_MAX))
			return;
		r->cfa_off = (int32_t)k;
		r->kind = RULE_CFA | RULE_CFA_RBP | RULE_CFA_DEREF;
	} else if ((row->cfa_reg == DW_REG_RSP || row->cfa_reg == DW_REG_RBP) &&
		   fits(row->cfa_off, INT32_MIN, INT32_MAX)) {
		r->cfa_off = (int32_t)row->cfa_off;
		r->kind = RULE_CFA | (row->cfa_reg == DW_REG_RBP ? RULE_CFA_RBP : 0);
	} else {
		return;
	}

	switch (row->rbp.how) {
	case HOW_SAME:
		return;
	case HOW_OFFSET:
		if (fits(row->rbp.off, INT16_MIN, INT16_MAX)) {
			r->rbp_off = (int16_t)row->rbp.off;
			r->kind |= RULE_RBP_AT_CFA;
			return;
		}
		break;
	case HOW_EXPR:
		if (!expr_breg6(row->rbp.expr, row->rbp.expr_len, 0, &k) &&
		    fits(k, INT16_MIN, INT16_MAX)) {
			r->rbp_off = (int16_t)k;
			r->kind |= RULE_RBP_AT_RBP;
			return;
		}
		break;
	case HOW_UNDEF:
	case HOW_OTHER:
		break;
	}
	r->kind = RULE_UNSUPPORTED;
}

/* The FDE that may cover addr, from the object's binary search table: 0, -ENOENT when
 * no CFI can cover it, -ENOTSUP for a table this does not read. */
static int find_fde(uintptr_t addr, const uint8_t **fde)
{
	struct dl_find_object o;
	const uint8_t *h;
	const int32_t *tab;
	struct rd c;
	uint64_t count, lo, hi;
	uint8_t ptr_enc, cnt_enc, tab_enc;
	int64_t rel;

	if (_dl_find_object((void *)addr, &o) || !o.dlfo_eh_frame)
		return -ENOENT;
	h = o.dlfo_eh_frame;
	/* The header's extent is not recorded: its table is bounded by its count. */
	c = (struct rd){h, h + 4 + 8 + 8, 0};
	if (rd_fixed(&c, 1) != 1)
		return -ENOTSUP;
	ptr_enc = (uint8_t)rd_fixed(&c, 1);
	cnt_enc = (uint8_t)rd_fixed(&c, 1);
	tab_enc = (uint8_t)rd_fixed(&c, 1);

	/* Linkers only write datarel|sdata4 tables. */
	if (ptr_enc == PE_OMIT || cnt_enc == PE_OMIT || tab_enc != (PE_DATAREL | 0x0b))
		return -ENOTSUP;
	rd_enc(&c, ptr_enc, (uintptr_t)h);
	count = rd_enc(&c, cnt_enc, (uintptr_t)h);
	if (c.bad)
		return -ENOTSUP;
	tab = (const int32_t *)c.p;
	rel = (int64_t)(addr - (uintptr_t)h);
	if (!count || rel < tab[0])
		return -ENOENT;
	lo = 0;
	hi = count;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (tab[2 * mid] <= rel)
			lo = mid;
		else
			hi = mid;
	}
	*fde = h + tab[2 * lo + 1];
	return 0;
}

static void rule_for(uintptr_t addr, struct rule *r)
{
	const uint8_t *fde;
	struct cfa_vm vm;
	struct cie ci;
	struct rd c, ins;
	uintptr_t start, range;
	uint32_t cie_off;
	int err = find_fde(addr, &fde);

	memset(r, 0, sizeof(*r));
	r->kind = err == -ENOENT ? RULE_NO_CFI : RULE_UNSUPPORTED;
	if (err || rd_entry(fde, &c))
		return;
	cie_off = (uint32_t)rd_fixed(&c, 4);
	if (c.bad || !cie_off || parse_cie(fde + 4 - cie_off, &ci))
		return;
	start = rd_enc(&c, ci.fde_enc, 0);
	range = rd_enc(&c, ci.fde_enc & 0x0f, 0);
	if (ci.has_z) {
		uint64_t alen = rd_uleb(&c);

		if (c.bad || alen > (uint64_t)(c.end - c.p))
			return;
		c.p += alen;
	}
	if (c.bad)
		return;
	if (addr < start || addr - start >= range) {
		r->kind = RULE_NO_CFI;
		return;
	}
	/* A signal frame ('S'): followed only where it is the trampoline whose frame
	 * layout is known, and whose code the FDE covers, so it can be read. */
	if (ci.signal) {
		if (addr + 1 + sizeof(sigreturn_code) <= start + range &&
		    !memcmp((const void *)(addr + 1), sigreturn_code, sizeof(sigreturn_code)))
			r->kind = RULE_SIGNAL;
		return;
	}

	memset(&vm, 0, sizeof(vm));
	vm.ci = &ci;
	vm.loc = start;
	vm.target = addr;
	vm.row.ra.how = HOW_SAME;
	vm.row.rbp.how = HOW_SAME;
	ins = ci.insns;
	/* The CIE's instructions build the row DW_CFA_restore goes back to. */
	if (vm_run(&vm, &ins) != 0)
		return;
	vm.init = vm.row;
	vm.nsaved = 0;
	if (vm_run(&vm, &c) < 0)
		return;
	rule_from_row(&vm.row, r);
}

static inline void lookup(uintptr_t key, uint32_t gen, struct rule *r)
{
	if (__builtin_expect(!cache_get(key, gen, r), 0)) {
		rule_for(key - 1, r);
		cache_put(key, gen, r);
		__atomic_add_fetch(&n_fills, 1, __ATOMIC_RELAXED);
	}
}

/* ---- reading the stack ---- */

/* Where a walk may read: the words at [sp, lim] directly. With lim 0 (off the
 * thread's known stack, or in a fault handler) any word below top, once its page is
 * found readable. */
struct bounds {
	uintptr_t lim;
	uintptr_t top;          /* no CFA lies above it */
	uintptr_t ok_lo, ok_hi; /* the pages last found readable */
};

static void bounds_for(struct bounds *b, uintptr_t sp, int probe)
{
	int known = sp >= stack_lo && sp < stack_hi;

	b->top = known ? stack_hi : sp + PROBE_SPAN;
	b->lim = known && !probe ? stack_hi - sizeof(uintptr_t) : 0;
	b->ok_lo = 0;
	b->ok_hi = 0;
}

/* Whether the page holding a is readable. rt_sigprocmask copies the new mask in
 * before it looks at `how`, so with an invalid one it fails with EFAULT or EINVAL
 * and changes nothing: no fd, unlike libunwind's pipe. Abseil's AddressIsReadable
 * (absl/debugging/internal/address_is_readable.cc) does the same. */
static int page_readable(uintptr_t a)
{
	int saved = errno, ok;

	ok = syscall(SYS_rt_sigprocmask, ~0, (void *)(a & ~(PAGE - 1)), NULL, sizeof(uint64_t)) &&
	     errno == EINVAL;
	errno = saved;
	return ok;
}

static __attribute__((noinline)) int load_checked(struct bounds *b, uintptr_t sp, uintptr_t a,
						  uintptr_t *v)
{
	uintptr_t lo = a & ~(PAGE - 1), hi = (a + sizeof(*v) + PAGE - 1) & ~(PAGE - 1);

	if (b->lim || a < sp || a > b->top - sizeof(*v))
		return 0;
	if (a < b->ok_lo || a + sizeof(*v) > b->ok_hi) {
		for (uintptr_t p = lo; p < hi; p += PAGE)
			if (!page_readable(p))
				return 0;
		b->ok_lo = lo;
		b->ok_hi = hi;
	}
	memcpy(v, (const void *)a, sizeof(*v));
	return 1;
}

/* The word at a, if it lies in the stack above the current frame's sp. lim is
 * b->lim, passed apart so that it stays in a register. */
static inline int load(struct bounds *b, uintptr_t lim, uintptr_t sp, uintptr_t a, uintptr_t *v)
{
	if (__builtin_expect(a >= sp && a <= lim, 1)) {
		*v = *(const uintptr_t *)a;
		return 1;
	}
	return load_checked(b, sp, a, v);
}

/* An interrupted pc with no CFI: a leaf in code without it, or a call through a bad
 * pointer (pc 0). Either way the return address may be at sp; it is believed only
 * where it is code with CFI. */
static __attribute__((noinline)) int leaf_return(struct bounds *b, uintptr_t lim, uintptr_t sp,
						 uint32_t gen, uintptr_t *ra)
{
	struct rule r;

	if (!load(b, lim, sp, sp, ra))
		return 0;
	lookup(*ra, gen, &r);
	return (r.kind & RULE_KIND_MASK) != RULE_NO_CFI;
}

#define UC_GREG(r) offsetof(ucontext_t, uc_mcontext.gregs[r])

/* Out of a signal handler through the frame the kernel built: the handler returns to
 * the trampoline with sp at the saved ucontext (struct rt_sigframe { char *pretcode;
 * struct ucontext uc; ... }, arch/x86/include/asm/sigframe.h; glibc's ucontext_t has
 * the kernel's layout), which holds the interrupted frame's registers. */
static int cross_signal(struct bounds *b, uintptr_t *sp, uintptr_t *bp, uintptr_t *pc)
{
	uintptr_t uc = *sp, nsp, nbp, npc;

	if (!load(b, b->lim, uc, uc + UC_GREG(REG_RSP), &nsp) ||
	    !load(b, b->lim, uc, uc + UC_GREG(REG_RBP), &nbp) ||
	    !load(b, b->lim, uc, uc + UC_GREG(REG_RIP), &npc))
		return 0;
	/* The handler may have run on another stack: bounds follow the new sp, checked
	 * unless it lies above this frame on the stack already walked. */
	bounds_for(b, nsp, !b->lim || nsp <= uc);
	*sp = nsp;
	*bp = nbp;
	*pc = npc;
	return 1;
}

/* ---- the walk ---- */

static void own_range(uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t h = __atomic_load_n(&own_hi, __ATOMIC_ACQUIRE);
	struct dl_find_object o;

	if (!h && !_dl_find_object((void *)(uintptr_t)&vigil_unwind__capture, &o)) {
		__atomic_store_n(&own_lo, (uintptr_t)o.dlfo_map_start, __ATOMIC_RELAXED);
		h = (uintptr_t)o.dlfo_map_end;
		__atomic_store_n(&own_hi, h, __ATOMIC_RELEASE);
	}
	*lo = h ? __atomic_load_n(&own_lo, __ATOMIC_RELAXED) : 0;
	*hi = h;
}

/* The thread's stack is the mapping that holds this frame. Not from
 * pthread_getattr_np: glibc calls malloc (so a capture, so this) while it holds the
 * thread's own lock there, and asking again would wait for that lock forever. */
static void stack_init(void)
{
	struct vigil_map m;

	stack_lo = 0;
	stack_hi = 1;
	if (vigil_maps__containing((uintptr_t)__builtin_frame_address(0), &m))
		return;
	stack_lo = m.lo;
	stack_hi = m.hi;
}

/* Appends pc (and, with cfas, the CFA it was read below) unless it is one of the
 * leading frames inside [olo, ohi); returns true once max pcs are held. */
static inline int emit(uintptr_t *pcs, uintptr_t *cfas, unsigned *n, unsigned max, uintptr_t pc,
		       uintptr_t cfa, uintptr_t olo, uintptr_t ohi)
{
	if (__builtin_expect(*n || pc < olo || pc >= ohi, 1)) {
		if (cfas)
			cfas[*n] = cfa;
		pcs[(*n)++] = pc;
	}
	return *n == max;
}

static void memo_keep(struct thread_memo *tm, struct memo *w, const struct memo *old, unsigned t,
		      unsigned old_len, uint32_t gen)
{
	t = t < MEMO_MAX ? t + 1 : MEMO_MAX;
	/* Stopped early on the kept memo: what lies beyond still holds. */
	if (w == old && t < old_len)
		t = old_len;
	w->len = t;
	w->gen = gen;
	if (w != old)
		tm->cur ^= 1;
}

/* Walks up from the frame (sp, bp) whose rule is keyed by key, appending to pcs[n..]
 * the return address (or, past a signal frame, the interrupted pc) of each caller.
 * exact: key - 1 is an interrupted pc, not a call. With tm, the walk follows and
 * records the thread's memo (only on the thread's known stack: the memo's words are
 * read unchecked). */
static inline __attribute__((always_inline)) unsigned
walk(uintptr_t *pcs, uintptr_t *cfas, unsigned n, unsigned max, uintptr_t sp, uintptr_t bp,
     uintptr_t key, int exact, struct bounds *b, struct thread_memo *tm, uintptr_t olo, uintptr_t ohi)
{
	uint32_t gen = __atomic_load_n(&cache_gen, __ATOMIC_ACQUIRE);
	struct memo *old = NULL, *w = NULL;
	unsigned j = 0, t = 0, old_len = 0, nsig = 0;
	int rec = tm != NULL;
	uintptr_t cfa, ra, a, lim = b->lim, top = b->top;
	struct rule r;

	if (n >= max)
		return n;
	if (rec) {
		old = &tm->m[tm->cur];
		w = &tm->m[tm->cur ^ 1];
		if (old->gen == gen)
			old_len = old->len;
		w->f[0] = (struct memo_frame){.sp = sp, .pc = key, .bp = bp};
	}

	for (;;) {
		/* Where this state is one the previous capture passed through, the frames
		 * above it are the same as long as every word that walk read still holds
		 * what it read: checking that costs independent loads, not a chain. */
		while (j < old_len && old->f[j].sp < sp)
			j++;
		if (j < old_len && old->f[j].sp == sp && old->f[j].pc == key && old->f[j].bp == bp) {
			/* The same stack from its first frame: the previous memo stays, and is
			 * copied only if the stacks part. */
			int same = rec && !t && !j;
			const struct memo_frame *f;

			for (j++; j < old_len; j++) {
				f = &old->f[j];
				if (*(const uintptr_t *)(f->sp + f->ra_off) != f->pc ||
				    ((f->flags & MEMO_RBP) &&
				     *(const uintptr_t *)(f->sp + f->rbp_rel) != f->bp) ||
				    ((f->flags & MEMO_DEREF) &&
				     *(const uintptr_t *)(f->sp + f->deref_rel) != f->sp))
					break;
				if (same)
					t++;
				else if (rec && ++t < MEMO_MAX)
					w->f[t] = *f;
				if (emit(pcs, cfas, &n, max, f->pc, f->sp, olo, ohi)) {
					if (same)
						w = old;
					goto done;
				}
			}
			if (same && j < old_len)
				memcpy(&w->f[1], &old->f[1], t * sizeof(w->f[0]));
			else if (same)
				w = old;
			f = &old->f[j - 1];
			sp = f->sp;
			key = f->pc;
			bp = f->bp;
			exact = 0;
		}

		lookup(key, gen, &r);
		switch ((enum rule_kind)(r.kind & RULE_KIND_MASK)) {
		case RULE_CFA:
			break;
		case RULE_SIGNAL:
			if (++nsig > SIG_MAX || !cross_signal(b, &sp, &bp, &ra))
				goto truncated;
			lim = b->lim;
			top = b->top;
			/* The memo's frames are steps from a CFA; this one is not. */
			if (rec) {
				memo_keep(tm, w, old, t, old_len, gen);
				rec = 0;
			}
			old_len = 0;
			key = ra + 1;
			exact = 1;
			if (emit(pcs, cfas, &n, max, ra, sp, olo, ohi))
				goto done;
			continue;
		case RULE_NO_CFI:
			/* Only exact frames get here without ending the walk, and they are
			 * past a signal frame or from a context: the memo is not in use. */
			if (!exact || !leaf_return(b, lim, sp, gen, &ra))
				goto truncated;
			sp += sizeof(uintptr_t);
			exact = 0;
			if (ra < PC_MIN || emit(pcs, cfas, &n, max, ra, sp, olo, ohi))
				goto done;
			key = ra;
			continue;
		case RULE_NONE:
		case RULE_UNSUPPORTED:
		case RULE_END:
			if ((r.kind & RULE_KIND_MASK) == RULE_END)
				goto done;
			goto truncated;
		}
		struct memo_frame m = {.ra_off = r.ra_off};

		cfa = (r.kind & RULE_CFA_RBP ? bp : sp) + (intptr_t)r.cfa_off;
		if (r.kind & RULE_CFA_DEREF) {
			a = cfa;
			if (!load(b, lim, sp, a, &cfa))
				goto truncated;
			m.flags |= MEMO_DEREF;
			m.deref_rel = (int16_t)(a - cfa);
			if (a - cfa != (uintptr_t)(intptr_t)m.deref_rel)
				rec = 0;
		}
		if (cfa <= sp || cfa > top)
			goto truncated;
		m.sp = cfa;
		if (!load(b, lim, sp, cfa + (intptr_t)r.ra_off, &ra))
			goto truncated;
		if (r.kind & (RULE_RBP_AT_CFA | RULE_RBP_AT_RBP)) {
			a = (r.kind & RULE_RBP_AT_CFA ? cfa : bp) + (intptr_t)r.rbp_off;
			if (!load(b, lim, sp, a, &bp))
				goto truncated;
			m.flags |= MEMO_RBP;
			m.rbp_rel = (int16_t)(a - cfa);
			if (a - cfa != (uintptr_t)(intptr_t)m.rbp_rel)
				rec = 0;
		}
		sp = cfa;
		exact = 0;
		if (ra < PC_MIN)
			goto done;
		m.pc = ra;
		m.bp = bp;
		if (rec && ++t < MEMO_MAX)
			w->f[t] = m;
		if (emit(pcs, cfas, &n, max, ra, sp, olo, ohi))
			goto done;
		key = ra;
	}
truncated:
	__atomic_add_fetch(&n_truncated, 1, __ATOMIC_RELAXED);
done:
	if (rec)
		memo_keep(tm, w, old, t, old_len, gen);
	return n;
}

static inline __attribute__((always_inline)) unsigned
capture(uintptr_t *pcs, uintptr_t *cfas, unsigned max, unsigned skip_own)
{
	uintptr_t ip, sp, bp, olo = 0, ohi = 0;
	struct thread_memo *tm = NULL;
	struct bounds b;
	unsigned n;
	int rec;

	/* One instant of this frame: the CFI row at ip describes exactly these sp, bp. */
	__asm__ volatile("leaq 0(%%rip), %0\n\t"
			 "movq %%rsp, %1\n\t"
			 "movq %%rbp, %2"
			 : "=r"(ip), "=r"(sp), "=r"(bp));
	if (!max)
		return 0;
	if (skip_own)
		own_range(&olo, &ohi);
	if (__builtin_expect(!stack_hi, 0))
		stack_init();
	bounds_for(&b, sp, 0);

	/* A capture in a signal handler that interrupted one here neither reads nor
	 * writes the memo, nor allocates it. */
	rec = !memo_busy;
	memo_busy++;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (rec && b.lim) {
		if (__builtin_expect(!tmemo, 0))
			tmemo = vigil_ialloc(sizeof(*tmemo));
		tm = tmemo;
	}
	n = walk(pcs, cfas, 0, max, sp, bp, ip + 1, 0, &b, tm, olo, ohi);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	memo_busy--;
	return n;
}

unsigned vigil_unwind__capture(uintptr_t *pcs, unsigned max, unsigned skip_own)
{
	return capture(pcs, NULL, max, skip_own);
}

unsigned vigil_unwind__capture_cfa(uintptr_t *pcs, uintptr_t *cfas, unsigned max)
{
	return capture(pcs, cfas, max, 1);
}

unsigned vigil_unwind__from_context(const void *ucontext, uintptr_t *pcs, unsigned max)
{
	const ucontext_t *uc = ucontext;
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
	uintptr_t bp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
	struct bounds b;

	if (!max)
		return 0;
	pcs[0] = pc;
	/* Every page is checked: the fault may come from a wild sp, or the thread's
	 * bounds may be unknown, and finding them here is not async-signal-safe. */
	bounds_for(&b, sp, 1);
	return walk(pcs, NULL, 1, max, sp, bp, pc + 1, 1, &b, NULL, 0, 0);
}

void vigil_unwind__thread_exit(void)
{
	struct thread_memo *tm = tmemo;

	/* For good: captures from later TLS destructors walk without a memo. */
	memo_busy++;
	tmemo = NULL;
	vigil_ifree(tm, sizeof(*tm));
}

int vigil_unwind__on_stack(uintptr_t addr)
{
	if (__builtin_expect(!stack_hi, 0))
		stack_init();
	return addr >= stack_lo && addr < stack_hi;
}
