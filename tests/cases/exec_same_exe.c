// SPDX-License-Identifier: MIT
/* The program execs itself once with an argument. Both images are processes of the
 * report under the same pid: the first replaced by exec, the second, whose raw log
 * takes the .1 suffix since the first's name is taken, exiting 0. */
// expect-stdout: second image: again
// expect-process: self exec
// expect-process: self code=0
// expect-report: processes.0.log~exec_same_exe[.][0-9]+[.]log
// expect-report: processes.1.log~exec_same_exe[.][0-9]+[.]1[.]log
// expect-report: processes.1.argv.1=again
// expect-none: crash
// expect-exit: 0
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1) {
		printf("second image: %s\n", argv[1]);
		return strcmp(argv[1], "again") != 0;
	}
	printf("vigil-case: self=%d\n", (int)getpid());
	fflush(stdout);
	execl("/proc/self/exe", argv[0], "again", (char *)NULL);
	return 127;
}
