// SPDX-License-Identifier: MIT
/* Crash in a statically linked program, where no preload handler can catch it: a
 * lookup that misses returns NULL and the caller writes through it. The kernel's view
 * reports the fatal SIGSEGV as a crash at the faulting function and line, and
 * `vigil run` keeps the exit status of the death (128 + 11). */
// build-flags: -static
// needs: bpf
// expect: crash function=record_hit line=35 severity=error details.signal=11 details.fault_addr=0x8 pids-include=self
// expect-none: syscall-errors
// expect-none: wx-mapping
// expect-process: self signal=11
// expect-exit: 139
// expect-stdout: recording
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counter {
	const char *name;
	int hits;
};

static struct counter counters[] = {{"get", 0}, {"put", 0}};

static struct counter *find_counter(const char *name)
{
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		if (!strcmp(counters[i].name, name))
			return &counters[i];
	return NULL;
}

static void record_hit(const char *name)
{
	find_counter(name)->hits++;
}

int main(void)
{
	printf("vigil-case: self=%d\n", (int)getpid());
	printf("recording\n");
	fflush(stdout);
	record_hit("get");
	record_hit("delete");
	printf("hits %d\n", counters[0].hits);
	return 0;
}
