// SPDX-License-Identifier: MIT
/* Write after free found by the freed-memory pattern: a job is released and its state
 * field set afterwards through a stale pointer. The block sits in quarantine (64 MiB
 * by default) until exit, where its pattern is checked; the finding carries the free
 * stack first, then the allocation stack, and the offset of the damaged field. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: use-after-free function=job_release line=38 details.detected_by="freed-memory pattern, checked leaving quarantine" details.size=40 details.offset=8
// expect: use-after-free role=allocation function=job_new line=29
// expect-none: heap-overflow
// expect-none: crash
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

struct job {
	long id;
	int state;
	int retries;
	char name[24];
};

enum { JOB_NEW, JOB_DONE };

static struct job *job_new(long id)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j)
		j->id = id;
	return j;
}

static void job_release(struct job *j)
{
	free(j);
}

static void job_finish(struct job *j)
{
	job_release(j);
	j->state = JOB_DONE; /* the bug: written after the release */
}

int main(void)
{
	struct job *j = job_new(42);

	if (!j)
		return 1;
	job_finish(j);
	printf("job finished\n");
	return 0;
}
