// SPDX-License-Identifier: MIT
/* Symbolization with elfutils libdwfl: one Dwfl per module path with the ELF reported
 * at bias 0, so module-relative addresses are looked up directly; results cached. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "symbolize.h"

/* libstdc++'s demangler; the C++ runtime is linked for exactly this. */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

struct symbol {
	uint64_t addr, size;
	const char *name; /* demangled, in the arena */
	int rank;         /* binding preference among aliases: higher wins */
};

struct module {
	char *path;
	uint64_t hash;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	bool tried;
	/* Function symbols sorted by address: dwfl_module_addrname scans the whole
	 * symbol table on every call, far too slow for thousands of frames. Data
	 * symbols apart, for naming objects (a global mutex). */
	struct symbol *syms, *objs;
	size_t nsyms, nobjs;
};

struct entry {
	uint32_t module; /* index + 1; 0 marks an empty slot */
	uint64_t addr;
	const struct vigil_symframe *frames;
	size_t n;
};

struct vigil_sym {
	struct vigil_arena *arena;
	struct module *modules;
	size_t nmodules, cap_modules;
	struct entry *cache;
	size_t cache_cap, cache_used; /* cap is a power of two */
};

static char *debuginfo_path;

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static uint64_t fnv1a(const void *p, size_t n, uint64_t h)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

struct vigil_sym *vigil_sym__new(void)
{
	struct vigil_sym *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->arena = vigil_arena__new();
	s->cache_cap = 1024;
	s->cache = calloc(s->cache_cap, sizeof(*s->cache));
	if (!s->arena || !s->cache) {
		vigil_sym__free(s);
		return NULL;
	}
	return s;
}

void vigil_sym__free(struct vigil_sym *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nmodules; i++) {
		if (s->modules[i].dwfl)
			dwfl_end(s->modules[i].dwfl);
		free(s->modules[i].path);
		free(s->modules[i].syms);
		free(s->modules[i].objs);
	}
	free(s->modules);
	free(s->cache);
	vigil_arena__free(s->arena);
	free(s);
}

char *vigil_sym__demangle(const char *name)
{
	int status = 0;

	if (!name || strncmp(name, "_Z", 2))
		return NULL;
	return __cxa_demangle(name, NULL, NULL, &status);
}

/* Index of the module for path, opening it on first use. -1 when out of memory. */
static long module_index(struct vigil_sym *s, const char *path)
{
	uint64_t h = fnv1a(path, strlen(path), 0xcbf29ce484222325ull);
	struct module *m;

	/* Few modules per run (tens), and lookups are cached by (module, addr) anyway. */
	for (size_t i = 0; i < s->nmodules; i++)
		if (s->modules[i].hash == h && !strcmp(s->modules[i].path, path))
			return (long)i;
	if (s->nmodules == s->cap_modules) {
		size_t cap = s->cap_modules ? s->cap_modules * 2 : 16;
		struct module *nm = realloc(s->modules, cap * sizeof(*nm));

		if (!nm)
			return -1;
		s->modules = nm;
		s->cap_modules = cap;
	}
	m = &s->modules[s->nmodules];
	*m = (struct module){.path = strdup(path), .hash = h};
	if (!m->path)
		return -1;
	return (long)s->nmodules++;
}

static int cmp_symbol(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return y->rank - x->rank;
}

static int symbol_rank(unsigned bind)
{
	switch (bind) {
	case STB_GLOBAL:
		return 2;
	case STB_WEAK:
		return 1;
	default:
		return 0;
	}
}

/* Loads the symbol table (.symtab, else .dynsym) into two sorted arrays, functions
 * and data objects; aliases at one address keep the global one. Failure leaves the
 * module without symbol names. */
static void load_symbols(struct vigil_sym *s, struct module *m)
{
	int n = dwfl_module_getsymtab(m->mod);
	size_t k = 0, o = 0;

	if (n <= 0)
		return;
	m->syms = malloc((size_t)n * sizeof(*m->syms));
	m->objs = malloc((size_t)n * sizeof(*m->objs));
	if (!m->syms || !m->objs) {
		free(m->syms);
		free(m->objs);
		m->syms = m->objs = NULL;
		return;
	}
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(m->mod, i, &sym, &addr, &shndx, NULL,
							   NULL);
		unsigned type = GELF_ST_TYPE(sym.st_info);
		struct symbol *to;
		char *dm;

		if (!name || !*name || shndx == SHN_UNDEF || !addr)
			continue;
		if (type == STT_OBJECT && sym.st_size)
			to = &m->objs[o];
		else if (type == STT_FUNC || type == STT_GNU_IFUNC || type == STT_NOTYPE)
			to = &m->syms[k];
		else
			continue;
		dm = vigil_sym__demangle(name);
		*to = (struct symbol){
			.addr = addr,
			.size = sym.st_size,
			.name = vigil_arena__strdup(s->arena, dm ? dm : name),
			.rank = symbol_rank(GELF_ST_BIND(sym.st_info)),
		};
		free(dm);
		if (to->name && to == &m->objs[o])
			o++;
		else if (to->name)
			k++;
	}
	qsort(m->syms, k, sizeof(*m->syms), cmp_symbol);
	qsort(m->objs, o, sizeof(*m->objs), cmp_symbol);
	m->nsyms = k;
	m->nobjs = o;
}

static void module_open(struct vigil_sym *s, struct module *m)
{
	m->tried = true;
	m->dwfl = dwfl_begin(&callbacks);
	if (!m->dwfl)
		return;
	dwfl_report_begin(m->dwfl);
	/* Bias 0: an ET_DYN object then has its file addresses, which is what pc - base
	 * gives; ET_EXEC ignores the bias. */
	m->mod = dwfl_report_elf(m->dwfl, m->path, m->path, -1, 0, false);
	dwfl_report_end(m->dwfl, NULL, NULL);
	if (!m->mod) {
		dwfl_end(m->dwfl);
		m->dwfl = NULL;
		return;
	}
	load_symbols(s, m);
}

/* The function symbol holding addr: the last one at or below it, if addr is inside
 * its size; a sizeless one (assembly labels such as _start) holds what follows it up
 * to the next symbol, within a page, since its real end is unknown. */
static const char *symtab_name(const struct module *m, uint64_t addr)
{
	size_t lo = 0, hi = m->nsyms;
	const struct symbol *sym;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* Among aliases at one address the sort put the best first. */
	sym = &m->syms[lo - 1];
	while (sym > m->syms && sym[-1].addr == sym->addr)
		sym--;
	for (const struct symbol *a = sym; a < m->syms + m->nsyms && a->addr == sym->addr; a++)
		if (addr < a->addr + a->size)
			return a->name;
	return sym->size == 0 && addr - sym->addr < 4096 ? sym->name : NULL;
}

/* A DIE's name for people: the demangled linkage name when there is one (qualified,
 * with parameters), else DW_AT_name. Follows abstract origins and specifications. */
static const char *die_name(struct vigil_sym *s, Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name = NULL;
	char *dm;

	if (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) ||
	    dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr))
		name = dwarf_formstring(&attr);
	if (!name)
		name = dwarf_diename(die);
	if (!name)
		return NULL;
	dm = vigil_sym__demangle(name);
	if (dm) {
		name = vigil_arena__strdup(s->arena, dm);
		free(dm);
		return name;
	}
	return vigil_arena__strdup(s->arena, name);
}

#define MAX_INLINE 32

/* File rule: "file" is the source path as the DWARF line table records it, that is its
 * directory entry joined with its name (what libdw returns), with no compilation
 * directory prepended. It is therefore relative exactly when the compiler was given a
 * relative path: `cc tests/cases/leak.c` run from the repository root gives
 * "tests/cases/leak.c", `cc /src/leak.c` or a system header gives an absolute path.
 * Inlined call sites use DW_AT_call_file through the same file table, so every frame
 * follows the same rule. */

/* Fills out[] (innermost first) for addr; returns the number of frames. */
static size_t resolve(struct vigil_sym *s, const struct module *m, uint64_t addr,
		      struct vigil_symframe *out)
{
	Dwfl_Module *mod = m->mod;
	Dwfl_Line *line = dwfl_module_getsrc(mod, addr);
	const char *file = NULL;
	int lineno = 0;
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu, *scopes = NULL, die;
	Dwarf_Files *files = NULL;
	size_t n = 0;
	int nscopes;

	if (line) {
		file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		file = vigil_arena__strdup(s->arena, file);
	}
	cu = dwfl_module_addrdie(mod, addr, &bias);
	if (cu && dwarf_getscopes(cu, addr - bias, &scopes) > 0) {
		/* Re-walk from the innermost concrete scope by DIE nesting, as eu-addr2line
		 * -i does: dwarf_getscopes also lists the abstract scopes of inlined
		 * functions, which are not call frames. */
		Dwarf_Off off = dwarf_dieoffset(&scopes[0]);

		free(scopes);
		scopes = NULL;
		nscopes = dwarf_offdie(dwfl_module_getdwarf(mod, &bias), off, &die)
				  ? dwarf_getscopes_die(&die, &scopes)
				  : -1;
		if (dwarf_getsrcfiles(cu, &files, NULL))
			files = NULL;
		for (int i = 0; i < nscopes && n < MAX_INLINE; i++) {
			Dwarf_Die *sc = &scopes[i];
			int tag = dwarf_tag(sc);
			Dwarf_Attribute attr;
			Dwarf_Word w;

			if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
				continue;
			out[n] = (struct vigil_symframe){
				.function = die_name(s, sc),
				.file = file,
				.line = lineno > 0 ? (unsigned)lineno : 0,
				.inlined = tag == DW_TAG_inlined_subroutine,
			};
			n++;
			if (tag == DW_TAG_subprogram)
				break;
			/* The caller's location is this inlined call's site. */
			file = NULL;
			lineno = 0;
			if (files &&
			    dwarf_formudata(dwarf_attr(sc, DW_AT_call_file, &attr), &w) == 0)
				file = vigil_arena__strdup(s->arena,
							   dwarf_filesrc(files, w, NULL, NULL));
			if (dwarf_formudata(dwarf_attr(sc, DW_AT_call_line, &attr), &w) == 0)
				lineno = (int)w;
		}
		free(scopes);
		/* Ends inside an inlined frame with no enclosing subprogram (broken
		 * DWARF): the caller gets the symbol table's name. */
		if (n && out[n - 1].inlined && n < MAX_INLINE) {
			out[n] = (struct vigil_symframe){
				.function = symtab_name(m, addr),
				.file = file,
				.line = lineno > 0 ? (unsigned)lineno : 0,
			};
			n++;
		}
	}
	if (!n) {
		out[0] = (struct vigil_symframe){
			.function = symtab_name(m, addr),
			.file = file,
			.line = lineno > 0 ? (unsigned)lineno : 0,
		};
		n = out[0].function || out[0].file ? 1 : 0;
	}
	/* An out-of-line frame with no DWARF name takes the symbol table's. */
	if (n && !out[n - 1].function)
		out[n - 1].function = symtab_name(m, addr);
	return n;
}

static int cache_grow(struct vigil_sym *s)
{
	size_t cap = s->cache_cap * 2;
	struct entry *c = calloc(cap, sizeof(*c));

	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < s->cache_cap; i++) {
		struct entry *e = &s->cache[i];
		size_t j;

		if (!e->module)
			continue;
		j = mix(e->addr ^ ((uint64_t)e->module << 48)) & (cap - 1);
		while (c[j].module)
			j = (j + 1) & (cap - 1);
		c[j] = *e;
	}
	free(s->cache);
	s->cache = c;
	s->cache_cap = cap;
	return 0;
}

const char *vigil_sym__object(struct vigil_sym *s, const char *path, uint64_t addr)
{
	long mi = module_index(s, path);
	struct module *m;
	size_t lo = 0, hi;
	const struct symbol *o;
	char buf[512];

	if (mi < 0)
		return NULL;
	m = &s->modules[mi];
	if (!m->tried)
		module_open(s, m);
	for (hi = m->nobjs; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->objs[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	o = &m->objs[lo - 1];
	if (addr >= o->addr + o->size)
		return NULL;
	if (addr == o->addr)
		return o->name;
	snprintf(buf, sizeof(buf), "%s+0x%" PRIx64, o->name, addr - o->addr);
	return vigil_arena__strdup(s->arena, buf);
}

int vigil_sym__lookup(struct vigil_sym *s, const char *path, uint64_t addr,
		      const struct vigil_symframe **frames, size_t *n)
{
	struct vigil_symframe tmp[MAX_INLINE + 1];
	struct vigil_symframe *copy = NULL;
	struct module *m;
	struct entry *e;
	long mi;
	size_t j, k = 0;

	mi = module_index(s, path);
	if (mi < 0)
		return -ENOMEM;
	j = mix(addr ^ ((uint64_t)(mi + 1) << 48)) & (s->cache_cap - 1);
	while (s->cache[j].module) {
		e = &s->cache[j];
		if (e->module == (uint32_t)(mi + 1) && e->addr == addr) {
			*frames = e->frames;
			*n = e->n;
			return 0;
		}
		j = (j + 1) & (s->cache_cap - 1);
	}

	m = &s->modules[mi];
	if (!m->tried)
		module_open(s, m);
	if (m->mod)
		k = resolve(s, m, addr, tmp);
	if (k) {
		copy = vigil_arena__alloc(s->arena, k * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, tmp, k * sizeof(*copy));
	}
	if ((s->cache_used + 1) * 2 > s->cache_cap) {
		if (cache_grow(s))
			return -ENOMEM;
		j = mix(addr ^ ((uint64_t)(mi + 1) << 48)) & (s->cache_cap - 1);
		while (s->cache[j].module)
			j = (j + 1) & (s->cache_cap - 1);
	}
	s->cache[j] = (struct entry){.module = (uint32_t)(mi + 1), .addr = addr,
				     .frames = copy, .n = k};
	s->cache_used++;
	*frames = copy;
	*n = k;
	return 0;
}
