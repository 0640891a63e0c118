// SPDX-License-Identifier: MIT
/* `vigil run`: validate what can be validated before the target starts, prepare OUT,
 * launch with the env contract, then render the report. Nothing goes to stdout: it
 * belongs to the target. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vigil/finding.h"
#include "vigil/options.h"
#include "bpf.h"
#include "cmd.h"
#include "launch.h"
#include "live.h"
#include "report.h"
#include "report_json.h"
#include "report_sarif.h"
#include "report_text.h"
#include "suppress.h"

extern char **environ;

#define ERR_PREFIX "vigil: error: "

/* The preload sits next to the binary in the build tree, and in ../lib/vigil after
 * `make install PREFIX=...`. */
static int find_preload(char *out, size_t len)
{
	static const char *const rel[] = {"libvigil.so", "../lib/vigil/libvigil.so"};
	char self[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		struct stat st;

		snprintf(cand, sizeof(cand), "%s/%s", self, rel[i]);
		if (stat(cand, &st) || !S_ISREG(st.st_mode))
			continue;
		if (!realpath(cand, self) || strlen(self) >= len)
			return -ENAMETOOLONG;
		memcpy(out, self, strlen(self) + 1);
		return 0;
	}
	return -ENOENT;
}

/* OUT made absolute without touching the file system (it may not exist yet). */
int vigil_run__absolute(const char *path, char *out, size_t len)
{
	char cwd[PATH_MAX];

	if (path[0] == '/') {
		if (strlen(path) >= len)
			return -ENAMETOOLONG;
		memcpy(out, path, strlen(path) + 1);
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	if (snprintf(out, len, "%s/%s", cwd, path) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* Parents are made as `mkdir -p` would; the last directory gets mode when it is new,
 * and keeps its own when it already exists (it may be shared on purpose). */
int vigil_run__mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	struct stat st;

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	if (stat(buf, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (access(buf, W_OK | X_OK))
		return -errno;
	return 0;
}

/* Logs of a previous run would merge into this one's report. */
int vigil_run__clear_stale(const char *out, const char *raw)
{
	static const char *const reports[] = {"report.json", "report.txt", "report.sarif"};
	DIR *d = opendir(raw);
	struct dirent *de;
	char path[PATH_MAX + 32];

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 4 && !strcmp(de->d_name + n - 4, ".log") &&
		    unlinkat(dirfd(d), de->d_name, 0) && errno != ENOENT) {
			int e = -errno;

			closedir(d);
			return e;
		}
	}
	closedir(d);
	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", out, reports[i]);
		if (unlink(path) && errno != ENOENT)
			return -errno;
	}
	return 0;
}

static struct vigil_status status_of(int wstatus)
{
	if (WIFSIGNALED(wstatus))
		return (struct vigil_status){VIGIL_STATUS_SIGNAL, WTERMSIG(wstatus)};
	return (struct vigil_status){VIGIL_STATUS_CODE, WEXITSTATUS(wstatus)};
}

static bool any_error(const struct vigil_report *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity == VIGIL_SEV_ERROR)
			return true;
	return false;
}

/* What render makes: the final report, or a snapshot of a run that goes on (no end,
 * no exit status, run.snapshot true) written to OUT or only returned (--metrics and
 * --events between snapshots). A snapshot says nothing on stderr. */
enum render_mode {
	RENDER_FINAL,
	RENDER_SNAPSHOT,
	RENDER_PEEK,
};

/* Reads the raw logs and writes report.json, report.txt, report.sarif (final only)
 * and the stderr summary; *errors tells whether a finding of severity error was
 * reported (a suppressed one was not); keep (may be NULL) gets the report. 0 or
 * -errno. */
static int render(const struct vigil_cli *cli, const char *out, const char *raw,
		  const struct vigil_options *opts, time_t started, time_t ended,
		  const struct vigil_child *child, const char *bpf_off, struct vigil_supp *supp,
		  enum render_mode mode, bool *errors, json_t **keep)
{
	char path[PATH_MAX + 32], root[PATH_MAX];
	struct vigil_report *r;
	json_t *j = NULL;
	int err = 0;

	r = vigil_report__from_dir(raw);
	if (!r) {
		err = -errno;
		fprintf(stderr, ERR_PREFIX "cannot read raw logs '%s': %s\n", raw, strerror(-err));
		return err;
	}
	/* A static or setuid program does not load the preload at all. */
	if (!r->nprocs && vigil_report__add_note(r, "no raw log was written: '%s' did not load "
						  "libvigil.so (statically linked or setuid?)",
						  cli->prog_argv[0])) {
		err = -ENOMEM;
		goto cleanup;
	}
	r->command = (const char **)cli->prog_argv;
	r->ncommand = cli->prog_argc;
	r->started = started;
	r->ended = mode == RENDER_FINAL ? ended : -1;
	r->mode = opts->mode;
	r->checks = opts->checks;
	/* The root's CONFIG record says what really ran; its mode wins over ours. */
	vigil_report__set_root(r, (uint32_t)child->pid);
	r->bpf = !bpf_off;
	r->bpf_off = bpf_off;
	if (r->bpf)
		r->bpf_probes = vigil_bpf__probes();
	else
		r->checks &= ~(1u << VIGIL_CHECK_SYSCALLS);
	if (mode != RENDER_FINAL) {
		/* The run goes on: no end, no exit status yet. */
	} else if (child->wstatus >= 0) {
		r->exit = status_of(child->wstatus);
		vigil_report__set_exit(r, (uint32_t)child->pid, r->exit);
	} else {
		/* Attached: the process's end, if it came while watched. */
		r->attach_pid = child->pid;
		for (size_t i = 0; i < r->nprocs; i++)
			if (r->procs[i].pid == (uint32_t)child->pid &&
			    r->procs[i].exit.kind != VIGIL_STATUS_UNKNOWN)
				r->exit = r->procs[i].exit;
	}
	for (unsigned i = 0; i < child->norphans; i++)
		vigil_report__set_exit(r, (uint32_t)child->orphans[i].pid,
				       status_of(child->orphans[i].wstatus));
	if (supp)
		vigil_supp__apply(supp, r);
	*errors = any_error(r);

	j = vigil_report__to_json(r);
	if (j && supp && vigil_supp__record(supp, j)) {
		json_decref(j);
		j = NULL;
	}
	if (j && mode != RENDER_FINAL &&
	    json_object_set_new(json_object_get(j, "run"), "snapshot", json_true())) {
		json_decref(j);
		j = NULL;
	}
	if (!j) {
		err = -ENOMEM;
		fprintf(stderr, ERR_PREFIX "cannot build report: %s\n", strerror(-err));
		goto cleanup;
	}
	if (mode == RENDER_PEEK)
		goto cleanup;
	snprintf(path, sizeof(path), "%s/report.json", out);
	err = vigil_json__write_atomic(j, path);
	if (!err) {
		snprintf(path, sizeof(path), "%s/report.txt", out);
		err = vigil_text__write_atomic(j, path);
	}
	if (err) {
		fprintf(stderr, ERR_PREFIX "cannot write report '%s': %s\n", path, strerror(-err));
		goto cleanup;
	}
	if (mode == RENDER_SNAPSHOT)
		goto cleanup;
	/* SARIF only at the end: code-scanning uploads take finished runs. */
	err = vigil_sarif__source_root(cli->source_root, root, sizeof(root));
	if (err) {
		fprintf(stderr, ERR_PREFIX "invalid --source-root '%s': %s\n",
			cli->source_root ? cli->source_root : ".", strerror(-err));
		goto cleanup;
	}
	snprintf(path, sizeof(path), "%s/report.sarif", out);
	err = vigil_sarif__write_atomic(j, root, path);
	if (err) {
		fprintf(stderr, ERR_PREFIX "cannot write report '%s': %s\n", path, strerror(-err));
		goto cleanup;
	}
	for (size_t i = 0; i < r->nnotes; i++)
		fprintf(stderr, "vigil: warning: %s\n", r->notes[i]);
	/* stdout is the target's: the rules go to stderr, after a line to find them by. */
	if (cli->gen_suppressions && r->nfindings) {
		fprintf(stderr, "vigil: suppressions for these findings (--gen-suppressions):\n");
		vigil_supp__generate(j, stderr);
	}
	if (supp)
		vigil_supp__print_summary(supp, stderr);
	snprintf(path, sizeof(path), "%s/report.txt", cli->out);
	vigil_text__summary(j, path, stderr, vigil_text__want_color(stderr));
cleanup:
	if (keep && !err) {
		*keep = j;
		j = NULL;
	}
	json_decref(j);
	vigil_report__free(r);
	return err;
}

int vigil_run__render(const struct vigil_cli *cli, const char *out, const char *raw,
		      const struct vigil_options *opts, time_t started, time_t ended,
		      const struct vigil_child *child, const char *bpf_off,
		      struct vigil_supp *supp, bool *errors)
{
	return render(cli, out, raw, opts, started, ended, child, bpf_off, supp, RENDER_FINAL,
		      errors, NULL);
}

bool vigil_run__require_bpf(void)
{
	const char *v = getenv("VIGIL_REQUIRE_BPF");

	return v && *v && strcmp(v, "0");
}

/* The syscall checks: loaded before the target exists so that none of its syscalls
 * is missed. NULL with why set when BPF cannot run here. */
struct vigil_bpf *vigil_run__load_bpf(const struct vigil_cli *cli, const struct vigil_options *o,
				      char *why, size_t len)
{
	struct vigil_bpf_config cfg = {
		.slow_ns = (uint64_t)o->slow_syscall_ms * 1000000ull,
		.err_samples = 3,
		.errors_min = o->syscall_errors_min,
	};
	struct vigil_bpf *b = NULL;

	if (!cli->bpf) {
		snprintf(why, len, "--no-bpf");
		return NULL;
	}
	if (!(cli->checks & (1u << VIGIL_CHECK_SYSCALLS))) {
		snprintf(why, len, "--checks without syscalls");
		return NULL;
	}
	if (vigil_bpf__open(&b, &cfg, why, len))
		return NULL;
	if (vigil_bpf__start(b)) {
		snprintf(why, len, "cannot read the BPF ring buffer");
		vigil_bpf__close(b);
		return NULL;
	}
	return b;
}

static void track_root(pid_t pid, void *arg)
{
	struct vigil_bpf *b = arg;
	int err = vigil_bpf__track(b, pid);

	if (err)
		fprintf(stderr, "vigil: warning: cannot follow the target in BPF: %s\n",
			strerror(-err));
}

/* What the monitor needs to render a snapshot (live.c calls snapshot on its thread;
 * the main thread only sets pid, before the program runs). */
struct live_ctx {
	const struct vigil_cli *cli;
	const char *out, *raw, *bpf_off;
	const struct vigil_options *opts;
	struct vigil_supp *supp;
	struct vigil_bpf *bpf;
	time_t started;
	int pid;
};

static json_t *snapshot(void *arg, bool write)
{
	struct live_ctx *c = arg;
	struct vigil_child child = {.pid = __atomic_load_n(&c->pid, __ATOMIC_ACQUIRE)};
	json_t *j = NULL;
	bool errors;
	int err = render(c->cli, c->out, c->raw, c->opts, c->started, -1, &child, c->bpf_off,
			 c->supp, write ? RENDER_SNAPSHOT : RENDER_PEEK, &errors, &j);

	if (err)
		errno = -err;
	return err ? NULL : j;
}

static void on_ready(pid_t pid, void *arg)
{
	struct live_ctx *c = arg;

	if (c->bpf)
		track_root(pid, c->bpf);
	__atomic_store_n(&c->pid, pid, __ATOMIC_RELEASE);
}

/* Whether path can be written: appended to (events), or created in its directory
 * (metrics, replaced by rename). One line and -1 when not. "-" is stderr. */
static int check_writable(const char *path, const char *what, bool append)
{
	char dir[PATH_MAX];
	const char *slash;
	int fd;

	if (!path || !strcmp(path, "-"))
		return 0;
	if (append) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
	} else {
		slash = strrchr(path, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + (slash == path)
							  : 1,
			 slash ? path : ".");
		if (!access(dir, W_OK | X_OK))
			return 0;
	}
	fprintf(stderr, ERR_PREFIX "%s '%s': %s\n", what, path, strerror(errno));
	return -1;
}

int vigil_cmd_run(const struct vigil_cli *cli)
{
	char bpf_why[512] = "";
	struct vigil_bpf *bpf = NULL;
	char out[PATH_MAX], raw[PATH_MAX + 8], preload[PATH_MAX], why[512];
	struct vigil_options opts;
	struct vigil_child child;
	char **env = NULL;
	time_t started, ended;
	struct vigil_supp *supp = NULL;
	struct vigil_live *live = NULL;
	struct live_ctx lctx;
	json_t *final = NULL;
	bool errors = false;
	int rc = 2, err;

	err = vigil_run__absolute(cli->out, out, sizeof(out));
	if (err) {
		fprintf(stderr, ERR_PREFIX "bad output directory '%s': %s\n", cli->out,
			strerror(-err));
		goto cleanup;
	}
	snprintf(raw, sizeof(raw), "%s/raw", out);
	err = find_preload(preload, sizeof(preload));
	if (err) {
		fprintf(stderr, ERR_PREFIX "cannot find 'libvigil.so' next to the vigil binary or "
				"in ../lib/vigil: %s\n", strerror(-err));
		goto cleanup;
	}
	if (!vigil_launch__preloadable(preload)) {
		fprintf(stderr, ERR_PREFIX "cannot preload '%s': the path contains ':' or a "
				"space\n", preload);
		goto cleanup;
	}
	env = vigil_launch__env(environ, preload, out, cli);
	if (!env) {
		fprintf(stderr, ERR_PREFIX "cannot build the environment: %s\n", strerror(ENOMEM));
		goto cleanup;
	}
	/* Check what the preload will see, so a typo fails here in one line instead of
	 * disabling the library inside the target. */
	vigil_options__defaults(&opts);
	if (vigil_options__from_env(&opts, env, why, sizeof(why))) {
		fprintf(stderr, ERR_PREFIX "invalid VIGIL_OPTIONS '%s': %s\n",
			getenv("VIGIL_OPTIONS") ? getenv("VIGIL_OPTIONS") : "", why);
		goto cleanup;
	}
	if (strcmp(opts.out, out)) {
		fprintf(stderr, ERR_PREFIX "invalid VIGIL_OPTIONS '%s': 'out' cannot be set "
				"under vigil run, use -o/--output\n", getenv("VIGIL_OPTIONS"));
		goto cleanup;
	}
	/* Checked before the target runs; render resolves it again at the end. */
	{
		char root[PATH_MAX];

		err = vigil_sarif__source_root(cli->source_root, root, sizeof(root));
		if (err) {
			fprintf(stderr, ERR_PREFIX "invalid --source-root '%s': %s\n",
				cli->source_root ? cli->source_root : ".", strerror(-err));
			goto cleanup;
		}
	}
	/* Before OUT is touched: a bad rule must not cost the previous report. */
	if (cli->nsuppressions) {
		char swhy[PATH_MAX + 256];

		supp = vigil_supp__from_files(cli->suppressions, cli->nsuppressions, swhy,
					      sizeof(swhy));
		if (!supp) {
			fprintf(stderr, ERR_PREFIX "%s\n", swhy);
			goto cleanup;
		}
	}
	/* The raw logs and the reports hold the target's argv and paths: a new OUT and
	 * raw/ are for the user alone, and raw/ is made so even when a run left it. */
	err = vigil_run__mkdir_p(out, 0700);
	if (!err)
		err = vigil_run__mkdir_p(raw, 0700);
	if (!err && chmod(raw, 0700))
		err = -errno;
	if (err) {
		fprintf(stderr, ERR_PREFIX "cannot create output directory '%s': %s\n", cli->out,
			strerror(-err));
		goto cleanup;
	}
	/* Its raw logs are about to be cleared: a run still live there says so. */
	if (vigil_live__answers(out)) {
		fprintf(stderr, ERR_PREFIX "another vigil run is live on '%s'\n", cli->out);
		goto cleanup;
	}
	/* BPF first: when it is required or all that was asked and cannot run, the
	 * previous report stays. */
	bpf = vigil_run__load_bpf(cli, &opts, bpf_why, sizeof(bpf_why));
	/* Nothing would be checked: say so rather than report "no findings". */
	if (!bpf && cli->checks == 1u << VIGIL_CHECK_SYSCALLS) {
		fprintf(stderr, ERR_PREFIX "--checks syscalls needs BPF, which cannot run (%s)\n",
			bpf_why);
		goto cleanup;
	}
	if (!bpf && cli->bpf && (cli->checks & (1u << VIGIL_CHECK_SYSCALLS))) {
		if (vigil_run__require_bpf()) {
			fprintf(stderr, ERR_PREFIX "BPF is required (VIGIL_REQUIRE_BPF) but cannot "
					"run: %s\n", bpf_why);
			goto cleanup;
		}
		fprintf(stderr, "vigil: notice: BPF unavailable (%s): syscall checks off, "
				"static binaries and raw syscalls not watched; preload checks "
				"only\n", bpf_why);
	}

	/* The live outputs' files are checked before the previous report is cleared: a
	 * typo in their path must not cost it. */
	if (check_writable(cli->metrics_path, "cannot write metrics file", false) ||
	    check_writable(cli->events_path, "cannot open events file", true))
		goto cleanup;
	err = vigil_run__clear_stale(out, raw);
	if (err) {
		fprintf(stderr, ERR_PREFIX "cannot clear output directory '%s': %s\n", cli->out,
			strerror(-err));
		goto cleanup;
	}

	/* Symbolization stays offline: a debuginfod lookup per module could stall the
	 * report for minutes on a machine without network. Unset here, before the
	 * monitor's thread exists: setenv is not thread-safe. */
	unsetenv("DEBUGINFOD_URLS");
	started = time(NULL);
	lctx = (struct live_ctx){
		.cli = cli, .out = out, .raw = raw, .bpf_off = bpf ? NULL : bpf_why,
		.opts = &opts, .supp = supp, .bpf = bpf, .started = started,
	};
	err = vigil_live__start(&live, &(struct vigil_live_config){
		.out = out, .interval_s = cli->dump_interval_s, .metrics_path = cli->metrics_path,
		.events_path = cli->events_path, .bpf = bpf, .render = snapshot, .arg = &lctx,
	}, why, sizeof(why));
	if (err) {
		fprintf(stderr, ERR_PREFIX "%s\n", why);
		goto cleanup;
	}
	err = vigil_launch__run(cli->prog_argv, env, on_ready, &lctx, &child);
	ended = time(NULL);
	vigil_live__stop(live);
	if (bpf) {
		vigil_bpf__stop(bpf);
		if (!err && !child.exec_errno) {
			struct vigil_bpf_limits lim = {
				.errors_min = opts.syscall_errors_min,
				.errors_rate = opts.syscall_errors_rate,
				.slow_ns = (uint64_t)opts.slow_syscall_ms * 1000000ull,
			};
			int werr = vigil_bpf__write_logs(bpf, raw, child.pid, &lim);

			if (werr)
				fprintf(stderr, "vigil: warning: cannot write what BPF saw: %s\n",
					strerror(-werr));
		}
	}
	if (err) {
		fprintf(stderr, ERR_PREFIX "cannot start '%s': %s\n", cli->prog_argv[0],
			strerror(-err));
		goto cleanup;
	}
	if (child.exec_errno) {
		fprintf(stderr, ERR_PREFIX "cannot run '%s': %s\n", cli->prog_argv[0],
			strerror(child.exec_errno));
		goto cleanup;
	}
	if (render(cli, out, raw, &opts, started, ended, &child, bpf ? NULL : bpf_why, supp,
		   RENDER_FINAL, &errors, &final))
		goto cleanup;
	if (vigil_live__final(live, final, why, sizeof(why)))
		fprintf(stderr, "vigil: warning: %s\n", why);
	if (errors && cli->error_exitcode)
		rc = cli->error_exitcode;
	else if (WIFSIGNALED(child.wstatus))
		rc = 128 + WTERMSIG(child.wstatus);
	else
		rc = WEXITSTATUS(child.wstatus);
cleanup:
	vigil_live__free(live);
	json_decref(final);
	vigil_supp__free(supp);
	vigil_bpf__close(bpf);
	vigil_launch__env_free(env);
	return rc;
}
