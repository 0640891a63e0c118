// SPDX-License-Identifier: MIT
/* Invalid free of a global: a config loader falls back to a static default table and
 * the cleanup frees it like a loaded one. details.where must say a global. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: invalid-free function=config_free line=31 details.where="a global" details.free_op=free
// expect-none: crash
// expect-stdout[base,canary]: 3 defaults
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

struct option {
	const char *key;
	int value;
};

static struct option defaults[] = {{"threads", 4}, {"port", 8080}, {"backlog", 128}};

static struct option *config_load(const char *path, size_t *n)
{
	(void)path; /* no file: fall back to the defaults */
	*n = sizeof(defaults) / sizeof(defaults[0]);
	return defaults;
}

static void config_free(struct option *opts)
{
	free(opts);
}

int main(void)
{
	size_t n;
	struct option *opts = config_load("/nonexistent/vigil.conf", &n);

	printf("%zu defaults\n", n);
	config_free(opts); /* the bug: never allocated */
	return 0;
}
