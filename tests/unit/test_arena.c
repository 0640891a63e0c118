// SPDX-License-Identifier: MIT
/* The report arena: zeroed, aligned, large requests, strings. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

Test(arena, allocations_are_zeroed_and_aligned)
{
	struct vigil_arena *a = vigil_arena__new();

	for (size_t n = 1; n < 5000; n += 97) {
		unsigned char *p = vigil_arena__alloc(a, n);

		cr_assert_not_null(p);
		cr_expect_eq((uintptr_t)p % 16, 0);
		for (size_t i = 0; i < n; i++)
			cr_assert_eq(p[i], 0);
		memset(p, 0xab, n);
	}
	vigil_arena__free(a);
	vigil_arena__free(NULL);
}

Test(arena, large_requests_and_strings)
{
	struct vigil_arena *a = vigil_arena__new();
	char *small = vigil_arena__strdup(a, "before");
	char *big = vigil_arena__alloc(a, 1 << 20);
	char *after = vigil_arena__strdup(a, "after");

	cr_assert_not_null(big);
	memset(big, 1, 1 << 20);
	cr_expect_str_eq(small, "before");
	cr_expect_str_eq(after, "after");
	cr_expect_null(vigil_arena__strdup(a, NULL));
	cr_expect_null(vigil_arena__alloc(a, SIZE_MAX - 3));
	vigil_arena__free(a);
}
