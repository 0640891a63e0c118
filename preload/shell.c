// SPDX-License-Identifier: MIT
/* shell-exec: system, popen, and the exec and posix_spawn families when they run a
 * shell with -c, reported once per call stack with the command text. The exec calls
 * keep their exact behaviour: execl's arguments are gathered as the C library does,
 * and in a vfork child (which shares its parent's memory and runs on its stack)
 * nothing is checked, since a report would take locks and write the parent's
 * per-thread state. */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "api.h"
#include "realsym.h"
#include "rt.h"

extern char **environ;

/* Filled on first use; after vigil's start from the table vigil_realsym__init made,
 * without dlsym, which a vfork child must not run. */
static int (*real_system)(const char *);
static FILE *(*real_popen)(const char *, const char *);
static int (*real_execv)(const char *, char *const[]);
static int (*real_execve)(const char *, char *const[], char *const[]);
static int (*real_execvp)(const char *, char *const[]);
static int (*real_execvpe)(const char *, char *const[], char *const[]);
static int (*real_posix_spawn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			       const posix_spawnattr_t *, char *const[], char *const[]);
static int (*real_posix_spawnp)(pid_t *, const char *, const posix_spawn_file_actions_t *,
				const posix_spawnattr_t *, char *const[], char *const[]);

#define REAL(name) VIGIL_REAL(real_##name, #name, NULL)

/* Checks apply in the process vigil initialised for (a fork child re-initialises);
 * a vfork or clone child still has its parent's pid in vigil_rt. */
static int checking(void)
{
	int saved;
	pid_t pid;

	if (!vigil_api__on())
		return 0;
	saved = errno;
	pid = (pid_t)syscall(SYS_getpid);
	errno = saved;
	return pid == vigil_rt.pid;
}

static int is_shell(const char *path)
{
	static const char *const shells[] = {"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash"};
	const char *base = path ? strrchr(path, '/') : NULL;

	base = base ? base + 1 : path;
	for (size_t i = 0; base && i < sizeof(shells) / sizeof(shells[0]); i++)
		if (!strcmp(base, shells[i]))
			return 1;
	return 0;
}

/* The command of `sh [options] -c command ...`, or NULL. Short options may be
 * grouped (-ec); -o and +o take a word. */
static const char *shell_command(char *const argv[])
{
	int c = 0;
	size_t i = 1;

	if (!argv || !argv[0])
		return NULL;
	for (; argv[i] && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "--"))
			break;
		if (w[1] == '-')
			continue; /* --norc, --posix... */
		c |= w[0] == '-' && strchr(w + 1, 'c') != NULL;
		if (strchr(w + 1, 'o') && argv[i + 1])
			i++;
	}
	if (argv[i] && !strcmp(argv[i], "--"))
		i++;
	return c ? argv[i] : NULL;
}

static void exec_check(unsigned fn, const char *path, char *const argv[])
{
	const char *cmd;

	if (!checking() || !is_shell(path))
		return;
	cmd = shell_command(argv);
	if (cmd)
		vigil_api__shell(fn, cmd);
}

VIGIL_EXPORT int system(const char *cmd)
{
	if (cmd && vigil_api__on())
		vigil_api__shell(VIGIL_FN_SYSTEM, cmd);
	return REAL(system)(cmd);
}

VIGIL_EXPORT FILE *popen(const char *cmd, const char *type)
{
	if (cmd && vigil_api__on())
		vigil_api__shell(VIGIL_FN_POPEN, cmd);
	return REAL(popen)(cmd, type);
}

VIGIL_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	exec_check(VIGIL_FN_EXECVE, path, argv);
	return REAL(execve)(path, argv, envp);
}

VIGIL_EXPORT int execv(const char *path, char *const argv[])
{
	exec_check(VIGIL_FN_EXECV, path, argv);
	return REAL(execv)(path, argv);
}

VIGIL_EXPORT int execvp(const char *file, char *const argv[])
{
	exec_check(VIGIL_FN_EXECVP, file, argv);
	return REAL(execvp)(file, argv);
}

VIGIL_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	exec_check(VIGIL_FN_EXECVPE, file, argv);
	return REAL(execvpe)(file, argv, envp);
}

/* The execl family gathers its arguments as glibc does: counted up to the NULL
 * (E2BIG past INT_MAX), then copied into an array on the stack, the NULL included;
 * execle's environment follows the NULL. */
static long count_args(va_list *ap)
{
	long n = 1;

	while (va_arg(*ap, const char *))
		if (n++ == INT_MAX)
			return -1;
	return n;
}

static void fill_args(char **argv, long argc, const char *arg, va_list *ap)
{
	argv[0] = (char *)arg;
	for (long i = 1; i <= argc; i++)
		argv[i] = va_arg(*ap, char *);
}

VIGIL_EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	long argc;

	va_start(ap, arg);
	argc = count_args(&ap);
	va_end(ap);
	if (argc < 0) {
		errno = E2BIG;
		return -1;
	}
	char *argv[argc + 1];

	va_start(ap, arg);
	fill_args(argv, argc, arg, &ap);
	va_end(ap);
	exec_check(VIGIL_FN_EXECL, path, argv);
	return REAL(execve)(path, argv, environ);
}

VIGIL_EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	char **envp;
	long argc;

	va_start(ap, arg);
	argc = count_args(&ap);
	va_end(ap);
	if (argc < 0) {
		errno = E2BIG;
		return -1;
	}
	char *argv[argc + 1];

	va_start(ap, arg);
	fill_args(argv, argc, arg, &ap);
	envp = va_arg(ap, char **);
	va_end(ap);
	exec_check(VIGIL_FN_EXECLE, path, argv);
	return REAL(execve)(path, argv, envp);
}

VIGIL_EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	long argc;

	va_start(ap, arg);
	argc = count_args(&ap);
	va_end(ap);
	if (argc < 0) {
		errno = E2BIG;
		return -1;
	}
	char *argv[argc + 1];

	va_start(ap, arg);
	fill_args(argv, argc, arg, &ap);
	va_end(ap);
	exec_check(VIGIL_FN_EXECLP, file, argv);
	return REAL(execvpe)(file, argv, environ);
}

VIGIL_EXPORT int posix_spawn(pid_t *restrict pid, const char *restrict path,
			     const posix_spawn_file_actions_t *fa,
			     const posix_spawnattr_t *restrict attr, char *const argv[restrict],
			     char *const envp[restrict])
{
	exec_check(VIGIL_FN_POSIX_SPAWN, path, argv);
	return REAL(posix_spawn)(pid, path, fa, attr, argv, envp);
}

VIGIL_EXPORT int posix_spawnp(pid_t *restrict pid, const char *restrict file,
			      const posix_spawn_file_actions_t *fa,
			      const posix_spawnattr_t *restrict attr, char *const argv[restrict],
			      char *const envp[restrict])
{
	exec_check(VIGIL_FN_POSIX_SPAWNP, file, argv);
	return REAL(posix_spawnp)(pid, file, fa, attr, argv, envp);
}
