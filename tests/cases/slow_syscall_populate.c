// SPDX-License-Identifier: MIT
/* Info: one mmap that pre-faults 512 MiB (MAP_POPULATE) takes far longer than the
 * program's other mmaps: a slow-syscall at that call, with the latency and the median.
 * Syscalls that wait by design (poll, nanosleep), as far above their medians, are not
 * reported. The threshold is lowered to 50 ms so that a fast machine crosses it. */
// needs: bpf
// vigil-env: VIGIL_OPTIONS=slow_syscall_ms=50
// expect: slow-syscall function=prefault line=25 severity=info details.syscall=mmap details.latency_ns>=50000000 details.median_ns<1000000 pids-include=self
// expect-none: slow-syscall details.syscall!=mmap
// expect-none: syscall-errors
// expect-exit: 0
// expect-stdout: prefaulted
#include <poll.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define BIG ((size_t)512 << 20)

static void *prefault(void)
{
	void *p;

	p = mmap(NULL, BIG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int main(void)
{
	struct timespec nap = {.tv_nsec = 150 * 1000 * 1000};
	void *p;

	printf("vigil-case: self=%d\n", (int)getpid());
	for (int i = 0; i < 64; i++) {
		struct timespec tick = {.tv_nsec = 1};

		munmap(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), 4096);
		poll(NULL, 0, 0);
		nanosleep(&tick, NULL);
	}
	/* Outliers too, against medians of microseconds, but waiting is their job. */
	poll(NULL, 0, 150);
	nanosleep(&nap, NULL);
	p = prefault();
	if (!p)
		return 1;
	/* Left mapped: unmapping 512 MiB is a slow munmap of its own. */
	printf("prefaulted\n");
	return 0;
}
