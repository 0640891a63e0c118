// SPDX-License-Identifier: MIT
/* Write after free found when the block leaves quarantine: with a 1 MiB quarantine,
 * a cache entry is freed and its hit counter bumped afterwards, then enough other
 * blocks are freed to push it out. The pattern check on eviction finds the write;
 * the program ends with _exit, so the exit-time check cannot be what found it; with
 * the default 64 MiB quarantine (variant no-evict) the block never leaves, and nothing
 * is found. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0:quarantine_mb=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0:quarantine_mb=1
// variant: no-evict VIGIL_OPTIONS=guard_rate=0
// variant: abort --on-error abort
// expect[base,canary,abort]: use-after-free function=entry_evict line=36 details.detected_by="freed-memory pattern, checked leaving quarantine" details.size=64 details.offset=16
// expect[base,canary,abort]: use-after-free role=allocation function=entry_new line=31
// expect-none: crash
// expect-none[no-evict]: use-after-free
// expect-stdout[base,canary,no-evict]: churned 4096 blocks
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct entry {
	char key[16];
	long hits;
	char value[40];
};

static struct entry *entry_new(void)
{
	return calloc(1, sizeof(struct entry));
}

static void entry_evict(struct entry *e)
{
	free(e);
}

/* Other work that frees: 4 MiB of 1 KiB blocks, four times the quarantine. */
static int churn(void)
{
	int n;

	for (n = 0; n < 4096; n++) {
		char *p = malloc(1024);

		if (!p)
			return -1;
		p[0] = (char)n;
		free(p);
	}
	return n;
}

int main(void)
{
	struct entry *e = entry_new();

	if (!e)
		return 1;
	entry_evict(e);
	e->hits++; /* the bug: the entry is gone */
	printf("churned %d blocks\n", churn());
	fflush(stdout);
	_exit(0);
}
