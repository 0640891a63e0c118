/* SPDX-License-Identifier: MIT */
/* Starts the target and waits for it: its environment, fork, a go-pipe handshake,
 * execvpe, exec errors sent back on a CLOEXEC pipe, signals forwarded. */
#ifndef VIGIL_LAUNCH_H
#define VIGIL_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "cli.h"

#define VIGIL_ORPHANS_MAX 256

struct vigil_child {
	pid_t pid;
	int wstatus;    /* from waitpid, when exec_errno is 0 */
	int exec_errno; /* not 0: the program could not be started */
	/* Descendants re-parented to vigil and reaped by it, with their status: their
	 * raw logs may lack an EXIT record if they were killed. The first ones only. */
	struct {
		pid_t pid;
		int wstatus;
	} orphans[VIGIL_ORPHANS_MAX];
	unsigned norphans;
};

/* The target's environment: base with LD_PRELOAD=preload[:base's LD_PRELOAD] and
 * VIGIL_OUT, VIGIL_CHECKS, VIGIL_MODE, VIGIL_ON_ERROR set from out and cli; any of
 * these in base is replaced, the rest (VIGIL_OPTIONS included) kept as is. NULL when
 * out of memory. Free with vigil_launch__env_free. */
char **vigil_launch__env(char *const *base, const char *preload, const char *out,
			 const struct vigil_cli *cli);
void vigil_launch__env_free(char **env);

/* Whether path survives LD_PRELOAD as one entry: ld.so splits the list at ':' and
 * spaces, so a path holding either would be preloaded as pieces. */
bool vigil_launch__preloadable(const char *path);

/* Called with the child's pid while it is held before exec (probes attach there). */
typedef void (*vigil_launch_ready)(pid_t pid, void *arg);

/* Runs argv[0] (searched in PATH) with envp until it exits, reaping any orphaned
 * descendant along the way (vigil is their subreaper). ready (may be NULL) runs
 * before the child may exec. Returns 0 once the child has exited or failed to exec
 * (see exec_errno), -errno if it could not be started. */
int vigil_launch__run(char *const *argv, char *const *envp, vigil_launch_ready ready,
		      void *arg, struct vigil_child *out);

#endif
