// SPDX-License-Identifier: MIT
/* The why/fix table: every finding kind has both, each one line ending in a period,
 * and names vigil does not know are refused without touching the out-parameters. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "explain.h"
#include "vigil/finding.h"

Test(explain, every_kind_has_why_and_fix)
{
	for (unsigned k = 1; k < VIGIL_FK_MAX; k++) {
		const char *name = vigil_kind_name(k), *why = NULL, *fix = NULL;

		cr_assert_not_null(name);
		cr_expect_eq(vigil_explain__kind(name, &why, &fix), 0, "%s", name);
		cr_expect(why && fix, "%s: why %p fix %p", name, (void *)why, (void *)fix);
		if (!why || !fix)
			continue;
		cr_expect_null(strchr(why, '\n'), "%s: why spans lines", name);
		cr_expect_null(strchr(fix, '\n'), "%s: fix spans lines", name);
		cr_expect(strlen(why) > 20 && why[strlen(why) - 1] == '.', "%s: '%s'", name, why);
		cr_expect(strlen(fix) > 20 && fix[strlen(fix) - 1] == '.', "%s: '%s'", name, fix);
		cr_expect_str_neq(why, fix, "%s", name);
	}
}

Test(explain, unknown_kind)
{
	const char *why = "w", *fix = "f";

	cr_expect_eq(vigil_explain__kind("no-such-kind", &why, &fix), -ENOENT);
	cr_expect_eq(vigil_explain__kind("", &why, &fix), -ENOENT);
	cr_expect_eq(vigil_explain__kind(NULL, &why, &fix), -ENOENT);
	cr_expect_str_eq(why, "w");
	cr_expect_str_eq(fix, "f");
}
