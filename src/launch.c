// SPDX-License-Identifier: MIT
/* The launcher: the target's environment (the env contract with the preload), fork,
 * go-pipe handshake, execvpe, exec errors sent back on a CLOEXEC pipe, SIGTERM/SIGHUP
 * forwarded, orphans reaped as their subreaper. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil/finding.h"
#include "launch.h"

static volatile sig_atomic_t forward_to;

static void forward(int sig)
{
	int e = errno;

	if (forward_to > 0)
		kill((pid_t)forward_to, sig);
	errno = e;
}

/* SIGINT and SIGQUIT come from the terminal to the whole foreground group, so the
 * target gets them anyway and vigil must live on to write the report; SIGTERM and
 * SIGHUP are often sent to vigil's pid alone (kill, systemd, a closing terminal). They
 * stay that way after the target ended, until vigil exits: `timeout` and service
 * managers signal the whole group, and the report is still being written then (a
 * forwarded signal with no target left is dropped). */
static const int forwarded[] = {SIGTERM, SIGHUP};
static const int ignored[] = {SIGINT, SIGQUIT};

static void install(void)
{
	struct sigaction sa = {0};

	sigemptyset(&sa.sa_mask);
	sa.sa_handler = forward;
	sa.sa_flags = SA_RESTART;
	for (int i = 0; i < 2; i++)
		sigaction(forwarded[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	for (int i = 0; i < 2; i++)
		sigaction(ignored[i], &sa, NULL);
}

static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static void note_orphan(struct vigil_child *c, pid_t pid, int st)
{
	if (c->norphans < VIGIL_ORPHANS_MAX) {
		c->orphans[c->norphans].pid = pid;
		c->orphans[c->norphans].wstatus = st;
		c->norphans++;
	}
}

/* In the child, between fork and exec: async-signal-safe calls only, no exit(). */
static void child(int go_rd, int err_wr, char *const *argv, char *const *envp,
		  const sigset_t *mask)
{
	char c;
	int e;

	sigprocmask(SIG_SETMASK, mask, NULL);
	/* The parent closes the pipe without a byte when it gives up. */
	if (read_full(go_rd, &c, 1) != 1)
		_exit(127);
	execvpe(argv[0], argv, envp);
	e = errno;
	(void)!write(err_wr, &e, sizeof(e));
	_exit(127);
}

int vigil_launch__run(char *const *argv, char *const *envp, vigil_launch_ready ready,
		      void *arg, struct vigil_child *out)
{
	int go[2] = {-1, -1}, ex[2] = {-1, -1};
	sigset_t block, old;
	pid_t pid;
	int err = 0, e = 0, st;
	ssize_t n;

	/* Orphans of the target (daemonized grandchildren) are re-parented to us, so
	 * they can be reaped instead of piling up as zombies. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (pipe2(go, O_CLOEXEC) || pipe2(ex, O_CLOEXEC)) {
		err = -errno;
		goto cleanup;
	}
	/* Blocked across fork so that no signal lands between fork and the handlers;
	 * the child restores the caller's mask and dispositions are left untouched
	 * for it (an ignored SIGINT stays ignored, as it would without vigil). */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		goto cleanup;
	}
	if (pid == 0)
		child(go[0], ex[1], argv, envp, &old);

	forward_to = pid;
	install();
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(ex[1]);
	ex[1] = -1;

	/* Probes attach here, before the target runs its first instruction. Our read
	 * end stays open across the write: a child killed meanwhile must not turn it
	 * into a SIGPIPE for vigil. */
	if (ready)
		ready(pid, arg);
	if (write(go[1], "g", 1) != 1)
		err = -errno;
	close(go[0]);
	close(go[1]);
	go[0] = go[1] = -1;

	n = read_full(ex[0], &e, sizeof(e));
	out->pid = pid;
	out->wstatus = 0;
	out->exec_errno = 0;
	out->norphans = 0;
	if (n == (ssize_t)sizeof(e))
		out->exec_errno = e ? e : EIO;

	for (;;) {
		pid_t w = waitpid(-1, &st, 0);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = err ? err : -errno;
			break;
		}
		if (w == pid) {
			out->wstatus = st;
			break;
		}
		note_orphan(out, w, st);
	}
	for (pid_t w; (w = waitpid(-1, &st, WNOHANG)) > 0;)
		note_orphan(out, w, st);
	forward_to = 0;
cleanup:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (ex[i] >= 0)
			close(ex[i]);
	}
	return err;
}

static char *checks_list(unsigned mask)
{
	char buf[128] = "";
	size_t n = 0;

	for (unsigned c = 0; c < VIGIL_CHECK_MAX; c++)
		if (mask & (1u << c))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "," : "",
					      vigil_check_name(c));
	return strdup(buf);
}

static bool is_var(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(entry, name, n) && entry[n] == '=';
}

static int add_var(char **env, size_t *k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int add_var(char **env, size_t *k, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	env[(*k)++] = s;
	return 0;
}

char **vigil_launch__env(char *const *base, const char *preload, const char *out,
			const struct vigil_cli *cli)
{
	static const char *const ours[] = {"LD_PRELOAD", "VIGIL_OUT", "VIGIL_CHECKS",
					   "VIGIL_MODE", "VIGIL_ON_ERROR"};
	const size_t nours = sizeof(ours) / sizeof(ours[0]);
	const char *old_preload = NULL;
	char *list = checks_list(cli->checks);
	size_t n = 0, k = 0;
	char **env;
	int err = 0;

	while (base[n]) {
		if (!old_preload && is_var(base[n], "LD_PRELOAD"))
			old_preload = base[n] + strlen("LD_PRELOAD=");
		n++;
	}
	env = calloc(n + nours + 1, sizeof(*env));
	if (!env || !list)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		bool skip = false;

		for (size_t j = 0; j < nours; j++)
			skip |= is_var(base[i], ours[j]);
		if (skip)
			continue;
		if (!(env[k] = strdup(base[i])))
			goto cleanup;
		k++;
	}
	if (old_preload && *old_preload)
		err = add_var(env, &k, "LD_PRELOAD=%s:%s", preload, old_preload);
	else
		err = add_var(env, &k, "LD_PRELOAD=%s", preload);
	err = err ?: add_var(env, &k, "VIGIL_OUT=%s", out);
	err = err ?: add_var(env, &k, "VIGIL_CHECKS=%s", list);
	err = err ?: add_var(env, &k, "VIGIL_MODE=%s",
			     cli->mode == VIGIL_MODE_CANARY ? "canary" : "full");
	err = err ?: add_var(env, &k, "VIGIL_ON_ERROR=%s",
			     cli->on_error_abort ? "abort" : "continue");
	if (err)
		goto cleanup;
	free(list);
	return env;
cleanup:
	vigil_launch__env_free(env);
	free(list);
	return NULL;
}

void vigil_launch__env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

bool vigil_launch__preloadable(const char *path)
{
	for (const char *p = path; *p; p++)
		if (*p == ':' || isspace((unsigned char)*p))
			return false;
	return true;
}
