// SPDX-License-Identifier: MIT
/* Runs a command with the mechanism's floor attached (bpf/floor.bpf.c: sys_enter and
 * sys_exit that only count), for the syscall benchmarks' "floor" columns.
 *
 * Usage: bpf_floor [--filter[=array|hash|task|none]] [--print] -- COMMAND [ARG...]
 * Loads and attaches the counter, starts COMMAND, waits for it and exits with its
 * status (128+N when signal N killed it). --filter counts only COMMAND's process,
 * marked before it execs (its children are not followed): every syscall of the
 * machine still runs the program and pays the test. array (the default): a byte per
 * tgid in an array map of pid_max entries; hash: the tgid in a hash map; task: task
 * storage of COMMAND's first thread, the lookup vigil makes for its per-thread state;
 * none: no filter, as without the option. --print writes the counts to stderr at the
 * end: sys_enter=N sys_exit=M. SIGINT, SIGTERM and SIGHUP are passed on to COMMAND.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "floor.skel.h"

/* As in bpf/floor.bpf.c, which has one enter/exit pair of programs for each. */
enum floor_filter { FLOOR_NONE, FLOOR_ARRAY, FLOOR_HASH, FLOOR_TASK, FLOOR_FILTERS };

static const char *const filter_names[] = {"none", "array", "hash", "task"};

static volatile pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static int usage(void)
{
	fprintf(stderr, "usage: bpf_floor [--filter[=array|hash|task|none]] [--print] -- COMMAND "
			"[ARG...]\n");
	return 2;
}

/* Sums the per-CPU counts of both slots; 0 or -errno. */
static int read_counts(struct vigil_floor *skel, __u64 out[2])
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *v;
	int err = 0;

	if (ncpu < 0)
		return ncpu;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (__u32 slot = 0; slot < 2 && !err; slot++) {
		err = bpf_map__lookup_elem(skel->maps.counts, &slot, sizeof(slot), v,
					   (size_t)ncpu * sizeof(*v), 0);
		out[slot] = 0;
		for (int i = 0; i < ncpu && !err; i++)
			out[slot] += v[i];
	}
	free(v);
	return err;
}

/* The kernel's pid_max: the array filter's size. */
static __u32 pid_max(void)
{
	unsigned long v = 0;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	/* PID_MAX_LIMIT on 64-bit kernels. */
	return v && v <= 4194304 ? (__u32)v : 4194304;
}

/* Keeps one enter/exit pair of programs, the one of the filter; 0 or -errno. */
static int choose(struct vigil_floor *skel, enum floor_filter how)
{
	__typeof__(skel->progs) *p = &skel->progs;
	struct bpf_program *pairs[FLOOR_FILTERS][2] = {
		[FLOOR_NONE] = {p->vigil_floor_enter, p->vigil_floor_exit},
		[FLOOR_ARRAY] = {p->vigil_floor_enter_array, p->vigil_floor_exit_array},
		[FLOOR_HASH] = {p->vigil_floor_enter_hash, p->vigil_floor_exit_hash},
		[FLOOR_TASK] = {p->vigil_floor_enter_task, p->vigil_floor_exit_task},
	};

	for (int i = 0; i < FLOOR_FILTERS; i++)
		for (int j = 0; j < 2; j++)
			bpf_program__set_autoload(pairs[i][j], i == (int)how);
	if (how != FLOOR_ARRAY)
		return 0;
	return bpf_map__set_max_entries(skel->maps.tgid_array, pid_max());
}

/* Marks the child's process for the filter; 0 or -errno. */
static int mark(struct vigil_floor *skel, enum floor_filter how, pid_t pid)
{
	__u8 one = 1;
	int fd, err;

	switch (how) {
	case FLOOR_NONE:
	case FLOOR_FILTERS:
		return 0;
	case FLOOR_ARRAY:
		return bpf_map__update_elem(skel->maps.tgid_array, &pid, sizeof(pid), &one,
					    sizeof(one), BPF_ANY);
	case FLOOR_HASH:
		return bpf_map__update_elem(skel->maps.tgid_hash, &pid, sizeof(pid), &one,
					    sizeof(one), BPF_ANY);
	case FLOOR_TASK:
		fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fd < 0)
			return -errno;
		err = bpf_map__update_elem(skel->maps.tgid_task, &fd, sizeof(fd), &one,
					   sizeof(one), BPF_ANY);
		close(fd);
		return err;
	}
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = forward};
	struct vigil_floor *skel;
	enum floor_filter how = FLOOR_NONE;
	bool print = false;
	int gate[2], i, status, err, rc = 1;
	__u64 counts[2];
	pid_t pid;
	char c;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--filter")) {
			how = FLOOR_ARRAY;
		} else if (!strncmp(argv[i], "--filter=", 9)) {
			for (how = FLOOR_NONE; how < FLOOR_FILTERS; how++)
				if (!strcmp(argv[i] + 9, filter_names[how]))
					break;
			if (how == FLOOR_FILTERS)
				return usage();
		} else if (!strcmp(argv[i], "--print")) {
			print = true;
		} else {
			return usage();
		}
	}
	if (i + 1 >= argc)
		return usage();
	argv += i + 1;

	skel = vigil_floor__open();
	if (!skel) {
		fprintf(stderr, "bpf_floor: error: cannot open the BPF object: %s\n",
			strerror(errno));
		return 1;
	}
	err = choose(skel, how);
	if (!err)
		err = vigil_floor__load(skel);
	if (!err)
		err = vigil_floor__attach(skel);
	if (err) {
		fprintf(stderr, "bpf_floor: error: cannot load and attach tp_btf sys_enter/sys_exit: "
				"%s (needs root, BTF and tp_btf)\n", strerror(-err));
		goto cleanup;
	}
	if (pipe2(gate, O_CLOEXEC)) {
		fprintf(stderr, "bpf_floor: error: pipe: %s\n", strerror(errno));
		goto cleanup;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bpf_floor: error: fork: %s\n", strerror(errno));
		goto cleanup;
	}
	if (pid == 0) {
		/* Held until the parent has put this tgid in the filter. */
		close(gate[1]);
		if (read(gate[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		dprintf(2, "bpf_floor: error: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(gate[0]);
	child = pid;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	err = mark(skel, how, pid);
	if (err) {
		fprintf(stderr, "bpf_floor: error: %s filter: %s\n", filter_names[how],
			strerror(-err));
		close(gate[1]);
		waitpid(pid, NULL, 0);
		goto cleanup;
	}
	if (write(gate[1], "g", 1) != 1)
		fprintf(stderr, "bpf_floor: error: cannot start '%s': %s\n", argv[0],
			strerror(errno));
	close(gate[1]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bpf_floor: error: waitpid: %s\n", strerror(errno));
			goto cleanup;
		}
	}
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (print) {
		err = read_counts(skel, counts);
		if (err)
			fprintf(stderr, "bpf_floor: error: reading the counts: %s\n", strerror(-err));
		else
			fprintf(stderr, "sys_enter=%llu sys_exit=%llu\n",
				(unsigned long long)counts[0], (unsigned long long)counts[1]);
	}
cleanup:
	vigil_floor__destroy(skel);
	return rc;
}
