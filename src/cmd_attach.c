// SPDX-License-Identifier: MIT
/* `vigil attach PID`: the syscall checks on a process tree that is already running,
 * with BPF alone. The tree is adopted (the process and its descendants found in
 * /proc, then whatever they fork), watched until the duration ends, Ctrl-C, or the
 * process exits, and reported like a run. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "vigil/finding.h"
#include "vigil/options.h"
#include "bpf.h"
#include "cmd.h"
#include "launch.h"
#include "procmaps.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define ERR_PREFIX "vigil: error: "
#define TREE_MAX 4096

extern char **environ;

/* The process a task id belongs to; the id itself when /proc does not say. */
static int tgid_of(int pid)
{
	char path[64], buf[256];
	int tgid = pid;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "Tgid: %d", &tgid) == 1)
			break;
	if (f)
		fclose(f);
	return tgid;
}

/* The process and its descendants alive now. */
static size_t tree_of(int root, int *tree, size_t cap)
{
	size_t n = 0;
	bool grew = true;

	tree[n++] = root;
	while (grew && n < cap) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		grew = false;
		while (d && (de = readdir(d)) && n < cap) {
			char *end;
			long v = strtol(de->d_name, &end, 10);
			int pid = (int)v, pp;
			bool known = false, parent_in = false;

			if (*end || v <= 0 || v > INT_MAX)
				continue;
			for (size_t i = 0; i < n && !known; i++)
				known = tree[i] == pid;
			if (known || vigil_proc__stat(pid, &pp, NULL) || pp <= 0)
				continue;
			for (size_t i = 0; i < n && !parent_in; i++)
				parent_in = tree[i] == pp;
			if (parent_in) {
				tree[n++] = pid;
				grew = true;
			}
		}
		if (d)
			closedir(d);
	}
	return n;
}

/* argv of the process, for the report's run.command; NULL when it is gone. */
static char **cmdline_of(int pid, int *argc, char **buf)
{
	ssize_t len = vigil_proc__cmdline(pid, buf);
	char **argv;
	int n = 0;

	if (len <= 0)
		return NULL;
	for (ssize_t i = 0; i < len; i++)
		n += (*buf)[i] == '\0';
	argv = calloc((size_t)n + 1, sizeof(*argv));
	if (!argv)
		return NULL;
	for (ssize_t i = 0, k = 0; i < len && k < n; i += (ssize_t)strlen(*buf + i) + 1)
		argv[k++] = *buf + i;
	*argc = n;
	return argv;
}

/* The signals that end a watch, blocked in every thread (the BPF consumer thread
 * inherits the mask: it must not take them and die) and read from a signalfd. An
 * inherited SIG_IGN (a background job) would discard them before the signalfd. */
static void take_signals(sigset_t *set)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		signal(sigs[i], SIG_DFL);
		sigaddset(set, sigs[i]);
	}
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

/* Until the duration ends or, without one, the process exits; or a terminating
 * signal comes. */
static void watch(int pid, unsigned duration_s, const sigset_t *set)
{
	struct pollfd pfd[2];
	int sfd, pfdn = 1, timeout;
	struct timespec end, now;

	sfd = signalfd(-1, set, SFD_CLOEXEC);
	pfd[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
	/* With a duration, descendants that outlive the process are watched to its end. */
	pfd[1] = (struct pollfd){.fd = duration_s ? -1 : (int)syscall(SYS_pidfd_open, pid, 0),
				 .events = POLLIN};
	if (pfd[1].fd >= 0)
		pfdn = 2;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += duration_s;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		timeout = -1;
		if (duration_s) {
			long long ms = (end.tv_sec - now.tv_sec) * 1000LL +
				       (end.tv_nsec - now.tv_nsec) / 1000000;

			if (ms <= 0)
				break;
			timeout = ms > 1000000 ? 1000000 : (int)ms;
		}
		if (poll(pfd, (nfds_t)pfdn, timeout) < 0 && errno != EINTR)
			break;
		if ((pfd[0].revents & POLLIN) || (pfdn == 2 && (pfd[1].revents & POLLIN)))
			break;
	}
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	if (sfd >= 0)
		close(sfd);
}

int vigil_cmd_attach(const struct vigil_cli *cli)
{
	char out[PATH_MAX], raw[PATH_MAX + 8], why[512] = "", *argbuf = NULL;
	struct vigil_child child = {.pid = cli->attach_pid, .wstatus = -1};
	struct vigil_cli shown = *cli;
	struct vigil_options opts;
	struct vigil_bpf *bpf = NULL;
	int tree[TREE_MAX], rc = 2, err, tgid;
	sigset_t sigs;
	time_t started, ended;
	bool errors = false;
	size_t n;

	if (kill(cli->attach_pid, 0) && errno == ESRCH) {
		fprintf(stderr, ERR_PREFIX "cannot attach to %d: no such process\n",
			cli->attach_pid);
		return 2;
	}
	tgid = tgid_of(cli->attach_pid);
	if (tgid != cli->attach_pid) {
		fprintf(stderr, ERR_PREFIX "cannot attach to %d: it is a thread of process %d "
				"(attach to that)\n", cli->attach_pid, tgid);
		return 2;
	}
	vigil_options__defaults(&opts);
	if (vigil_options__from_env(&opts, environ, why, sizeof(why))) {
		fprintf(stderr, ERR_PREFIX "invalid VIGIL_OPTIONS '%s': %s\n",
			getenv("VIGIL_OPTIONS") ? getenv("VIGIL_OPTIONS") : "", why);
		return 2;
	}
	err = vigil_run__absolute(cli->out, out, sizeof(out));
	snprintf(raw, sizeof(raw), "%s/raw", out);
	if (!err)
		err = vigil_run__mkdir_p(out, 0700);
	if (!err)
		err = vigil_run__mkdir_p(raw, 0700);
	if (!err)
		err = vigil_run__clear_stale(out, raw);
	if (err) {
		fprintf(stderr, ERR_PREFIX "cannot create output directory '%s': %s\n", cli->out,
			strerror(-err));
		return 2;
	}
	shown.prog_argv = cmdline_of(cli->attach_pid, &shown.prog_argc, &argbuf);
	if (!shown.prog_argv) {
		fprintf(stderr, ERR_PREFIX "cannot attach to %d: cannot read its command line\n",
			cli->attach_pid);
		goto cleanup;
	}
	/* Symbolization stays offline (cmd_run.c says why), set before any thread. */
	unsetenv("DEBUGINFOD_URLS");
	take_signals(&sigs);
	bpf = vigil_run__load_bpf(cli, &opts, why, sizeof(why));
	if (!bpf) {
		fprintf(stderr, ERR_PREFIX "cannot attach to %d: BPF cannot run (%s)\n",
			cli->attach_pid, why);
		goto cleanup;
	}
	n = tree_of(cli->attach_pid, tree, TREE_MAX);
	for (size_t i = 0; i < n; i++) {
		err = vigil_bpf__adopt(bpf, tree[i]);
		if (err && i == 0) {
			fprintf(stderr, ERR_PREFIX "cannot attach to %d: %s\n", cli->attach_pid,
				strerror(-err));
			goto cleanup;
		}
	}
	fprintf(stderr, "vigil: watching %d (%zu process%s)%s\n", cli->attach_pid, n,
		n == 1 ? "" : "es", cli->duration_s ? "" : " until Ctrl-C or its exit");
	started = time(NULL);
	watch(cli->attach_pid, cli->duration_s, &sigs);
	ended = time(NULL);
	vigil_bpf__stop(bpf);
	{
		struct vigil_bpf_limits lim = {
			.errors_min = opts.syscall_errors_min,
			.errors_rate = opts.syscall_errors_rate,
			.slow_ns = (uint64_t)opts.slow_syscall_ms * 1000000ull,
		};

		err = vigil_bpf__write_logs(bpf, raw, cli->attach_pid, &lim);
		if (err)
			fprintf(stderr, "vigil: warning: cannot write what BPF saw: %s\n",
				strerror(-err));
	}
	opts.checks = 1u << VIGIL_CHECK_SYSCALLS;
	if (vigil_run__render(&shown, out, raw, &opts, started, ended, &child, NULL, NULL,
			      &errors))
		goto cleanup;
	rc = errors && cli->error_exitcode ? cli->error_exitcode : 0;
cleanup:
	vigil_bpf__close(bpf);
	free(shown.prog_argv);
	free(argbuf);
	return rc;
}
