// SPDX-License-Identifier: MIT
/* Launcher: the env contract, exit codes, deaths by signal, exec failures reported
 * back, the given environment, and orphans reaped (vigil is their subreaper). */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil/finding.h"
#include "launch.h"

static char *const env[] = {"PATH=/usr/bin:/bin", "VIGIL_TEST=yes", NULL};

static struct vigil_child run(char *const *argv)
{
	struct vigil_child c;

	cr_assert_eq(vigil_launch__run(argv, env, NULL, NULL, &c), 0);
	return c;
}

Test(launch, exit_code_is_kept)
{
	struct vigil_child c = run((char *const[]){"sh", "-c", "exit 3", NULL});

	cr_expect_eq(c.exec_errno, 0);
	cr_expect(WIFEXITED(c.wstatus));
	cr_expect_eq(WEXITSTATUS(c.wstatus), 3);
	cr_expect_gt(c.pid, 0);
}

Test(launch, death_by_signal_is_kept)
{
	struct vigil_child c = run((char *const[]){"sh", "-c", "kill -SEGV $$", NULL});

	cr_expect(WIFSIGNALED(c.wstatus));
	cr_expect_eq(WTERMSIG(c.wstatus), SIGSEGV);
}

Test(launch, environment_is_the_given_one)
{
	struct vigil_child c = run((char *const[]){
		"sh", "-c", "test \"$VIGIL_TEST\" = yes && test -z \"$HOME\"", NULL});

	cr_expect_eq(WEXITSTATUS(c.wstatus), 0);
}

Test(launch, exec_failures_come_back_as_errno)
{
	char path[] = "/tmp/vigil-noexec-XXXXXX";
	int fd = mkstemp(path);
	struct vigil_child c;

	c = run((char *const[]){"/nonexistent/prog", NULL});
	cr_expect_eq(c.exec_errno, ENOENT);
	c = run((char *const[]){"no-such-program-anywhere", NULL});
	cr_expect_eq(c.exec_errno, ENOENT);
	cr_assert_geq(fd, 0);
	close(fd);
	c = run((char *const[]){path, NULL});
	cr_expect_eq(c.exec_errno, EACCES);
	unlink(path);
}

Test(launch, orphans_are_reaped)
{
	char cmd[64];
	struct vigil_child c;
	FILE *p;
	int zombies = -1;

	/* The grandchild outlives its parent, is re-parented to us and exits. */
	c = run((char *const[]){"sh", "-c", "(sleep 0.2; exit 0) & exit 0", NULL});
	cr_expect_eq(WEXITSTATUS(c.wstatus), 0);
	usleep(400000);
	c = run((char *const[]){"true", NULL});
	/* An orphan that ends while the target runs is reaped with its status. */
	c = run((char *const[]){"sh", "-c", "(sh -c 'sleep 0.1; exit 5' &) ; sleep 0.4", NULL});
	cr_assert_geq(c.norphans, 1);
	cr_expect_eq(WEXITSTATUS(c.orphans[c.norphans - 1].wstatus), 5);
	snprintf(cmd, sizeof(cmd), "ps --ppid %d -o stat= | grep -c Z", (int)getpid());
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	cr_expect_eq(fscanf(p, "%d", &zombies), 1);
	pclose(p);
	cr_expect_eq(zombies, 0);
}

Test(launch, sigterm_is_forwarded)
{
	struct vigil_child c;
	pid_t self = getpid();
	pid_t killer = fork();

	cr_assert_geq(killer, 0);
	if (killer == 0) {
		usleep(300000);
		kill(self, SIGTERM);
		_exit(0);
	}
	c = run((char *const[]){"sleep", "5", NULL});
	waitpid(killer, NULL, 0);
	cr_expect(WIFSIGNALED(c.wstatus));
	cr_expect_eq(WTERMSIG(c.wstatus), SIGTERM);
}

static const char *lookup(char *const *e, const char *name)
{
	size_t n = strlen(name);

	for (; *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static size_t count(char *const *e, const char *name)
{
	size_t n = strlen(name), c = 0;

	for (; *e; e++)
		c += !strncmp(*e, name, n) && (*e)[n] == '=';
	return c;
}

Test(launch, env_contract)
{
	char *const base[] = {"HOME=/root", "LD_PRELOAD=/opt/other.so", "VIGIL_MODE=full",
			      "VIGIL_ON_ERROR=abort", "VIGIL_OPTIONS=stack_depth=8",
			      "VIGIL_OUTX=kept", NULL};
	struct vigil_cli cli;
	char **e;

	vigil_cli__defaults(&cli);
	e = vigil_launch__env(base, "/b/libvigil.so", "/tmp/out", &cli);
	cr_assert_not_null(e);
	cr_expect_str_eq(lookup(e, "LD_PRELOAD"), "/b/libvigil.so:/opt/other.so");
	cr_expect_str_eq(lookup(e, "VIGIL_OUT"), "/tmp/out");
	cr_expect_str_eq(lookup(e, "VIGIL_CHECKS"), "heap,threads,fds,api,syscalls");
	cr_expect_str_eq(lookup(e, "VIGIL_MODE"), "full");
	/* Set every time: an inherited value must not outlive the command line. */
	cr_expect_str_eq(lookup(e, "VIGIL_ON_ERROR"), "continue");
	cr_expect_str_eq(lookup(e, "VIGIL_OPTIONS"), "stack_depth=8");
	cr_expect_str_eq(lookup(e, "VIGIL_OUTX"), "kept");
	cr_expect_str_eq(lookup(e, "HOME"), "/root");
	cr_expect_eq(count(e, "VIGIL_MODE"), 1);
	cr_expect_eq(count(e, "VIGIL_ON_ERROR"), 1);
	cr_expect_eq(count(e, "LD_PRELOAD"), 1);
	vigil_launch__env_free(e);

	cli.mode = VIGIL_MODE_CANARY;
	cli.on_error_abort = true;
	e = vigil_launch__env((char *const[]){NULL}, "/b/libvigil.so", "/o", &cli);
	cr_assert_not_null(e);
	cr_expect_str_eq(lookup(e, "LD_PRELOAD"), "/b/libvigil.so");
	cr_expect_str_eq(lookup(e, "VIGIL_MODE"), "canary");
	cr_expect_str_eq(lookup(e, "VIGIL_ON_ERROR"), "abort");
	vigil_launch__env_free(e);
	vigil_launch__env_free(NULL);
}

/* ld.so splits LD_PRELOAD at ':' and spaces: such a path would load as pieces. */
Test(launch, preloadable_paths)
{
	cr_expect(vigil_launch__preloadable("/usr/local/lib/vigil/libvigil.so"));
	cr_expect(vigil_launch__preloadable("/opt/v-1.0_x/libvigil.so"));
	cr_expect_not(vigil_launch__preloadable("/opt/a:b/libvigil.so"));
	cr_expect_not(vigil_launch__preloadable("/opt/my build/libvigil.so"));
	cr_expect_not(vigil_launch__preloadable("/opt/tab\there/libvigil.so"));
	cr_expect_not(vigil_launch__preloadable("/opt/nl\n/libvigil.so"));
}
