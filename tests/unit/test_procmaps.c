// SPDX-License-Identifier: MIT
/* The loaded objects of a process read from /proc, checked against what the loader
 * itself says (dl_iterate_phdr); the first-frame repair on a frameless leaf of this
 * very binary; syscall and errno names. */
#include <criterion/criterion.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "cfi.h"
#include "procmaps.h"
#include "syscalls.h"

static int first_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	*(uintptr_t *)arg = info->dlpi_addr;
	return 1; /* the main program comes first */
}

Test(procmaps, main_bias_matches_the_loader)
{
	struct vigil_pmod *mods = NULL;
	size_t n = 0, cap = 0;
	uintptr_t bias = 0;
	const struct vigil_pmod *main_mod = NULL;

	dl_iterate_phdr(first_object, &bias);
	cr_assert_eq(vigil_procmaps__read(getpid(), &mods, &n, &cap), 0);
	for (size_t i = 0; i < n; i++)
		if (mods[i].main)
			main_mod = &mods[i];
	cr_assert_not_null(main_mod);
	cr_expect_eq(main_mod->base, (uint64_t)bias);
	cr_expect((uint64_t)(uintptr_t)&first_object >= main_mod->start &&
		  (uint64_t)(uintptr_t)&first_object < main_mod->end);
	/* A second read adds nothing already known. */
	{
		size_t before = n;

		cr_assert_eq(vigil_procmaps__read(getpid(), &mods, &n, &cap), 0);
		cr_expect_eq(n, before);
	}
	vigil_procmaps__free(mods, n);
}

Test(procmaps, gone_process)
{
	struct vigil_pmod *mods = NULL;
	size_t n = 0, cap = 0;

	cr_expect_eq(vigil_procmaps__read(0x3ffffff0, &mods, &n, &cap), -ENOENT);
	cr_expect_eq(n, 0);
}

/* A frameless leaf at the entry: CFA = rsp + 8, the return address at [rsp]. */
__attribute__((naked, noinline)) static void leaf(void)
{
	__asm__ volatile("ret");
}

Test(cfi, caller_of_a_frameless_leaf)
{
	struct vigil_cfi *c = vigil_cfi__new();
	struct vigil_pmod *mods = NULL;
	size_t n = 0, cap = 0;
	uint64_t stack[4] = {0x1234567, 0, 0, 0};
	const struct vigil_pmod *m = NULL;

	cr_assert_eq(vigil_procmaps__read(getpid(), &mods, &n, &cap), 0);
	for (size_t i = 0; i < n; i++)
		if (mods[i].main)
			m = &mods[i];
	cr_assert_not_null(m);
	cr_expect_eq(vigil_cfi__caller(c, m->path, m->base, (uint64_t)(uintptr_t)&leaf,
				       (const uint8_t *)stack, sizeof(stack)),
		     0x1234567);
	/* Too few bytes copied: no answer rather than a wrong one. */
	cr_expect_eq(vigil_cfi__caller(c, m->path, m->base, (uint64_t)(uintptr_t)&leaf,
				       (const uint8_t *)stack, 4),
		     0);
	vigil_procmaps__free(mods, n);
	vigil_cfi__free(c);
}

Test(syscalls, names)
{
	cr_expect_str_eq(vigil_syscall_name(42), "connect");
	cr_expect_str_eq(vigil_syscall_name(0), "read");
	cr_expect_null(vigil_syscall_name(100000));
	cr_expect_str_eq(vigil_errno_name(ECONNREFUSED), "ECONNREFUSED");
	cr_expect_null(vigil_errno_name(0));
}
