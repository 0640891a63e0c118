// SPDX-License-Identifier: MIT
/* VIGIL_OPTIONS and VIGIL_* parsing (preload/options.c), which `vigil run` also uses to
 * validate the environment before launching. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "vigil/finding.h"
#include "vigil/options.h"

Test(options, defaults)
{
	struct vigil_options o;

	vigil_options__defaults(&o);
	cr_expect_str_eq(o.out, "vigil-report");
	cr_expect_eq(o.checks, VIGIL_CHECKS_AVAILABLE);
	cr_expect_eq(o.mode, VIGIL_MODE_FULL);
	cr_expect(o.standalone);
	cr_expect(o.leak_check);
	cr_expect(!o.report_reachable);
}

Test(options, parse_values)
{
	struct vigil_options o;
	char err[256];

	vigil_options__defaults(&o);
	cr_assert_eq(vigil_options__parse(&o, "stack_depth=24:report_reachable=1::leak_check=0",
					  err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(o.stack_depth, 24);
	cr_expect_eq(o.report_reachable, 1);
	cr_expect_eq(o.leak_check, 0);
	cr_expect_eq(vigil_options__parse(&o, "", err, sizeof(err)), 0);
}

Test(options, fd_check_options)
{
	struct vigil_options o;
	char err[256];

	vigil_options__defaults(&o);
	cr_expect_eq(o.spin_count, 10000);
	cr_expect_eq(o.spin_ms, 100);
	cr_expect_eq(o.fd_leak_min, 2);
	cr_assert_eq(vigil_options__parse(&o, "spin_count=50:spin_ms=7:fd_leak_min=1", err,
					  sizeof(err)), 0, "%s", err);
	cr_expect_eq(o.spin_count, 50);
	cr_expect_eq(o.spin_ms, 7);
	cr_expect_eq(o.fd_leak_min, 1);
	cr_expect_eq(vigil_options__parse(&o, "spin_count=1", err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "bad value for option 'spin_count'");
	cr_expect_eq(vigil_options__parse(&o, "spin_ms=0", err, sizeof(err)), -EINVAL);
	cr_expect_eq(vigil_options__parse(&o, "fd_leak_min=0", err, sizeof(err)), -EINVAL);
}

Test(options, parse_errors_name_the_culprit)
{
	struct vigil_options o;
	char err[256];

	vigil_options__defaults(&o);
	cr_expect_eq(vigil_options__parse(&o, "garbage", err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "expected key=value, got 'garbage'");
	cr_expect_eq(vigil_options__parse(&o, "nope=1", err, sizeof(err)), -EINVAL);
	cr_expect_eq(strncmp(err, "unknown option 'nope'", 21), 0, "%s", err);
	cr_expect_eq(vigil_options__parse(&o, "stack_depth=-1", err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "bad value for option 'stack_depth'");
	cr_expect_eq(vigil_options__parse(&o, "stack_depth=1000", err, sizeof(err)), -EINVAL);
	cr_expect_eq(vigil_options__parse(&o, "mode=fast", err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "bad value for option 'mode'");
	cr_expect_eq(vigil_options__parse(&o, "on_error=later", err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "bad value for option 'on_error'");
	/* A tiny error buffer is cut, never overrun. */
	cr_expect_eq(vigil_options__parse(&o, "garbage", err, 4), -EINVAL);
	cr_expect_str_eq(err, "exp");
}

Test(options, mode_and_on_error)
{
	struct vigil_options o;
	char err[256];

	vigil_options__defaults(&o);
	cr_expect(!o.on_error_abort);
	cr_assert_eq(vigil_options__parse(&o, "mode=canary:on_error=abort", err, sizeof(err)), 0,
		     "%s", err);
	cr_expect_eq(o.mode, VIGIL_MODE_CANARY);
	cr_expect(o.on_error_abort);
	cr_assert_eq(vigil_options__parse(&o, "mode=full:on_error=continue", err, sizeof(err)),
		     0, "%s", err);
	cr_expect_eq(o.mode, VIGIL_MODE_FULL);
	cr_expect(!o.on_error_abort);

	/* What `vigil run --mode canary --on-error abort` sets; VIGIL_OPTIONS still wins. */
	vigil_options__defaults(&o);
	cr_assert_eq(vigil_options__from_env(&o, (char *const[]){"VIGIL_MODE=canary",
								"VIGIL_ON_ERROR=abort", NULL},
					     err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(o.mode, VIGIL_MODE_CANARY);
	cr_expect(o.on_error_abort);
	vigil_options__defaults(&o);
	cr_assert_eq(vigil_options__from_env(&o, (char *const[]){"VIGIL_ON_ERROR=abort",
								"VIGIL_OPTIONS=on_error=continue",
								NULL},
					     err, sizeof(err)), 0, "%s", err);
	cr_expect(!o.on_error_abort);
	cr_expect_eq(vigil_options__from_env(&o, (char *const[]){"VIGIL_ON_ERROR=yes", NULL},
					     err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "bad value for option 'on_error'");
}

Test(options, checks_lists)
{
	unsigned m = 0;
	char err[256];

	cr_expect_eq(vigil_options__parse_checks("heap", &m, err, sizeof(err)), 0);
	cr_expect_eq(m, 1u << VIGIL_CHECK_HEAP);
	cr_expect_eq(vigil_options__parse_checks("heap,,heap", &m, err, sizeof(err)), -EINVAL);
	cr_expect_eq(vigil_options__parse_checks("heap,threads", &m, err, sizeof(err)), 0);
	cr_expect_eq(m, (1u << VIGIL_CHECK_HEAP) | (1u << VIGIL_CHECK_THREADS));
	cr_expect_eq(vigil_options__parse_checks("races", &m, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "check 'races' is not available yet (available: "
			      VIGIL_CHECKS_AVAILABLE_NAMES ")");
}

Test(options, env_order_and_standalone)
{
	struct vigil_options o;
	char err[256];
	char *const env[] = {"HOME=/root", "VIGIL_OUT=/tmp/out", "VIGIL_CHECKS=heap",
			     "VIGIL_MODE=full", "VIGIL_OPTIONS=out=/tmp/other:stack_depth=8", NULL};

	vigil_options__defaults(&o);
	cr_assert_eq(vigil_options__from_env(&o, env, err, sizeof(err)), 0, "%s", err);
	cr_expect(!o.standalone);
	cr_expect_str_eq(o.out, "/tmp/other");
	cr_expect_eq(o.stack_depth, 8);
	vigil_options__defaults(&o);
	cr_expect_eq(vigil_options__from_env(&o, (char *const[]){"VIGIL_OPTIONS=x", NULL}, err,
					     sizeof(err)), -EINVAL);
	cr_expect(o.standalone);
}
