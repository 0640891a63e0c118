// SPDX-License-Identifier: MIT
/* Crash by abort(): a failed invariant check aborts. vigil must write a crash finding
 * whose stack reaches the abort() call, and keep the SIGABRT exit status (128 + 6). */
// expect: crash function=check_balance line=17 details.signal=6 details.si_code=-6
// expect-exit: 134
#include <stdio.h>
#include <stdlib.h>

struct account {
	long balance;
	long limit;
};

static void check_balance(const struct account *a)
{
	if (a->balance < -a->limit)
		abort();
}

int main(void)
{
	struct account a = {.balance = 100, .limit = 50};

	check_balance(&a);
	a.balance -= 500;
	check_balance(&a);
	printf("unreachable\n");
	return 0;
}
