// SPDX-License-Identifier: MIT
/* A daemonized grandchild (double fork, setsid) that leaks after its parents exited,
 * so after `vigil run` rendered its report. The run itself must be clean and quick;
 * tests/integration/real_programs.py (report-after-daemon) then checks that
 * `vigil report DIR` renders the leak from the newer raw log. */
// expect-none: crash
// expect-none: leak
// expect-exit: 0
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void keep_state(void)
{
	char *state = malloc(4321);

	if (state)
		memset(state, 1, 4321);
}

int main(void)
{
	if (fork() == 0) {
		setsid();
		if (fork() == 0) {
			sleep(1);
			keep_state();
			exit(0);
		}
		_exit(0);
	}
	return 0;
}
