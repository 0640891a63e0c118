// SPDX-License-Identifier: MIT
/* System call microbenchmark: one thread makes the cheapest system calls in a loop,
 * so that what a tracepoint program adds to every syscall (vigil's, or the bare
 * counter of bpf/floor.bpf.c) is most of what changes.
 *
 * Usage: syscall_bench [-n CALLS] getppid|read
 * Prints one line: mode=M calls=N seconds=S ns_per_call=X cpu_ns_per_call=Y
 * best_ns_per_call=Z (getppid: getppid(2); read: a 1-byte read(2) of /dev/zero;
 * seconds: the timed loop, wall clock, after CALLS/10 untimed calls that warm the
 * caches and the CPU's idle state; ns_per_call: seconds over the calls;
 * cpu_ns_per_call: the thread's CPU time, user and system, over the calls, which time
 * spent waiting for a CPU another process holds does not inflate; best_ns_per_call:
 * the loop runs in BLOCKS blocks of CALLS/BLOCKS calls, and this is the wall-clock
 * time per call of the fastest, the one least disturbed by the rest of a shared
 * machine). The calls
 * go through syscall(2), which the preload does not interpose, so that a preload
 * injected by `vigil run` adds nothing of its own to the loop; the program also
 * builds and runs statically linked (-static).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

enum mode { GETPPID, READ, MODES };

#define BLOCKS 20

static const char *const mode_names[] = {"getppid", "read"};

/* n calls of the mode; 0 or the errno of the first failure. */
__attribute__((noinline, noclone)) static int loop(enum mode mode, int fd, unsigned long n)
{
	char c;

	switch (mode) {
	case GETPPID:
		for (unsigned long i = 0; i < n; i++)
			if (syscall(SYS_getppid) < 0)
				return errno;
		return 0;
	case READ:
		for (unsigned long i = 0; i < n; i++)
			if (syscall(SYS_read, fd, &c, 1) != 1)
				return errno ? errno : EIO;
		return 0;
	case MODES:
		break;
	}
	return EINVAL;
}

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: syscall_bench [-n CALLS] getppid|read\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long calls = 2000000;
	enum mode mode = MODES;
	double t0, t1, c0, c1, b0, best = 0;
	int opt, fd = -1, err;

	while ((opt = getopt(argc, argv, "n:h")) != -1) {
		if (opt != 'n' || parse_ulong(optarg, 1, 1ul << 40, &calls))
			return usage();
	}
	if (optind != argc - 1)
		return usage();
	for (unsigned m = 0; m < MODES; m++)
		if (!strcmp(argv[optind], mode_names[m]))
			mode = (enum mode)m;
	if (mode == MODES)
		return usage();
	if (mode == READ && (fd = open("/dev/zero", O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "syscall_bench: error: /dev/zero: %s\n", strerror(errno));
		return 1;
	}
	err = loop(mode, fd, calls / 10);
	t0 = now();
	c0 = thread_cpu();
	for (unsigned b = 0; b < BLOCKS && !err; b++) {
		unsigned long n = calls / BLOCKS + (b < calls % BLOCKS);
		double per;

		if (!n)
			continue;
		b0 = now();
		err = loop(mode, fd, n);
		per = (now() - b0) / (double)n;
		if (!best || per < best)
			best = per;
	}
	c1 = thread_cpu();
	t1 = now();
	if (err) {
		fprintf(stderr, "syscall_bench: error: %s: %s\n", mode_names[mode], strerror(err));
		return 1;
	}
	printf("mode=%s calls=%lu seconds=%.4f ns_per_call=%.1f cpu_ns_per_call=%.1f "
	       "best_ns_per_call=%.1f\n",
	       mode_names[mode], calls, t1 - t0, (t1 - t0) * 1e9 / (double)calls,
	       (c1 - c0) * 1e9 / (double)calls, best * 1e9);
	return 0;
}
