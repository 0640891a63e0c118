// SPDX-License-Identifier: MIT
/* .eh_frame lookups through libdw, one open ELF per path, cached for the run. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfi.h"

#define CFI_CACHE 64
#define DWARF_REG_RSP 7

struct cfi_file {
	char *path;
	int fd;
	Elf *elf;
	Dwarf_CFI *cfi; /* NULL when the file has none */
};

struct vigil_cfi {
	struct cfi_file files[CFI_CACHE];
	size_t n;
};

struct vigil_cfi *vigil_cfi__new(void)
{
	elf_version(EV_CURRENT);
	return calloc(1, sizeof(struct vigil_cfi));
}

void vigil_cfi__free(struct vigil_cfi *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		if (c->files[i].cfi)
			dwarf_cfi_end(c->files[i].cfi);
		if (c->files[i].elf)
			elf_end(c->files[i].elf);
		if (c->files[i].fd >= 0)
			close(c->files[i].fd);
		free(c->files[i].path);
	}
	free(c);
}

static struct cfi_file *file_of(struct vigil_cfi *c, const char *path)
{
	struct cfi_file *f;

	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->files[i].path, path))
			return &c->files[i];
	if (c->n == CFI_CACHE)
		return NULL;
	f = &c->files[c->n];
	*f = (struct cfi_file){.fd = -1};
	if (!(f->path = strdup(path)))
		return NULL;
	c->n++;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd >= 0)
		f->elf = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
	if (f->elf)
		f->cfi = dwarf_getcfi_elf(f->elf);
	return f;
}

static Dwarf_CFI *cfi_of(struct vigil_cfi *c, const char *path)
{
	struct cfi_file *f = file_of(c, path);

	return f ? f->cfi : NULL;
}

bool vigil_cfi__after_call(struct vigil_cfi *c, const char *path, uint64_t bias, uint64_t pc)
{
	struct cfi_file *f = file_of(c, path);
	uint64_t addr = pc - bias;
	uint8_t b[8];
	size_t nph;

	if (!f || !f->elf || elf_getphdrnum(f->elf, &nph))
		return true;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(f->elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    !(ph.p_flags & PF_X) || addr < ph.p_vaddr + sizeof(b) ||
		    addr > ph.p_vaddr + ph.p_filesz)
			continue;
		if (pread(f->fd, b, sizeof(b), (off_t)(addr - sizeof(b) - ph.p_vaddr + ph.p_offset)) !=
		    (ssize_t)sizeof(b))
			return true;
		/* call rel32; call through a register or memory (ff /2), 2 to 7 bytes. */
		if (b[3] == 0xe8)
			return true;
		for (int len = 2; len <= 7; len++)
			if (b[8 - len] == 0xff && (b[9 - len] & 0x38) == 0x10)
				return true;
		return false;
	}
	return false;
}

uint64_t vigil_cfi__caller(struct vigil_cfi *c, const char *path, uint64_t bias, uint64_t pc,
			   const uint8_t *stack, size_t stack_len)
{
	Dwarf_CFI *cfi = cfi_of(c, path);
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops;
	size_t nops;
	uint64_t ra = 0;

	if (!cfi || dwarf_cfi_addrframe(cfi, pc - bias, &frame) || !frame)
		return 0;
	/* x86-64 keeps the return address just below the CFA. */
	if (!dwarf_frame_cfa(frame, &ops, &nops) && nops == 1 && ops[0].atom == DW_OP_bregx &&
	    ops[0].number == DWARF_REG_RSP) {
		int64_t off = (int64_t)ops[0].number2 - 8;

		if (off >= 0 && (uint64_t)off + 8 <= stack_len)
			memcpy(&ra, stack + off, sizeof(ra));
	}
	free(frame);
	return ra;
}
