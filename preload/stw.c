// SPDX-License-Identifier: MIT
/* The tracer runs on its own stack but with our thread pointer, so it uses nothing
 * but raw system calls: no errno-dependent logic, no locks, no allocation. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ialloc.h"
#include "rt.h"
#include "stw.h"

#define TRACER_STACK (256 * 1024)

static long sys(long nr, long a, long b, long c, long d)
{
	return syscall(nr, a, b, c, d);
}

static void fwait(int *word, int val, long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	sys(SYS_futex, (long)word, FUTEX_WAIT, val, ms >= 0 ? (long)&ts : 0);
}

static void fwake(int *word)
{
	__atomic_store_n(word, 1, __ATOMIC_RELEASE);
	sys(SYS_futex, (long)word, FUTEX_WAKE, 1 << 30, 0);
}

static int known(struct vigil_stw *w, pid_t tid)
{
	for (unsigned i = 0; i < w->n; i++)
		if (w->t[i].tid == tid)
			return 1;
	return 0;
}

static void attach(struct vigil_stw_thread *t)
{
	int status;

	if (sys(SYS_ptrace, PTRACE_SEIZE, t->tid, 0, 0) < 0)
		return;
	if (sys(SYS_ptrace, PTRACE_INTERRUPT, t->tid, 0, 0) < 0)
		goto detach;
	for (;;) {
		long r = sys(SYS_wait4, t->tid, (long)&status, __WALL, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto detach;
		}
		if (!WIFSTOPPED(status))
			return; /* the thread exited meanwhile */
		if ((status >> 16) != PTRACE_EVENT_STOP)
			t->pending_sig = WSTOPSIG(status);
		break;
	}
	if (sys(SYS_ptrace, PTRACE_GETREGS, t->tid, 0, (long)&t->regs) < 0)
		goto detach;
	t->stopped = 1;
	return;
detach:
	sys(SYS_ptrace, PTRACE_DETACH, t->tid, 0, 0);
}

/* Lists the tasks of w->pid not yet known; returns how many it added. */
static unsigned enumerate(struct vigil_stw *w)
{
	char path[64] = "/proc/";
	char buf[4096];
	unsigned added = 0;
	size_t n = 6;
	long fd, got;

	vigil_fmt__u64(path, sizeof(path), &n, (uint64_t)w->pid);
	vigil_fmt__str(path, sizeof(path), &n, "/task");
	fd = sys(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	while ((got = sys(SYS_getdents64, fd, (long)buf, sizeof(buf), 0)) > 0) {
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			pid_t tid = 0;
			off += d->d_reclen;
			for (const char *c = d->d_name; *c >= '0' && *c <= '9'; c++)
				tid = tid * 10 + (*c - '0');
			if (tid <= 0 || tid == w->self || known(w, tid) || w->n == w->max)
				continue;
			w->t[w->n].tid = tid;
			w->t[w->n].stopped = 0;
			w->t[w->n].pending_sig = 0;
			attach(&w->t[w->n]);
			w->n++;
			added++;
		}
	}
	sys(SYS_close, fd, 0, 0, 0);
	return added;
}

static int tracer_main(void *arg)
{
	struct vigil_stw *w = arg;

	/* Should the thread that stops the world die in the meantime (a crash), the
	 * threads stopped here could not end until their tracer let go, nor the process
	 * be reported dead, and this task would wait for a resume forever. */
	sys(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
	if (sys(SYS_getppid, 0, 0, 0, 0) != w->pid)
		return 0;
	while (!__atomic_load_n(&w->go, __ATOMIC_ACQUIRE))
		fwait(&w->go, 0, 100);
	/* Threads created while we attach show up on the next pass. */
	for (int round = 0; round < 16 && enumerate(w); round++)
		;
	fwake(&w->ready);
	while (!__atomic_load_n(&w->resume, __ATOMIC_ACQUIRE))
		fwait(&w->resume, 0, 1000);
	for (unsigned i = 0; i < w->n; i++)
		if (w->t[i].stopped)
			sys(SYS_ptrace, PTRACE_DETACH, w->t[i].tid, 0, w->t[i].pending_sig);
	fwake(&w->done);
	return 0;
}

/* Tasks in this process, counting at most 2: whether anyone else runs at all. */
static int other_threads(void)
{
	char buf[1024];
	long fd = sys(SYS_openat, AT_FDCWD, (long)"/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	long got;
	int n = 0;

	if (fd < 0)
		return 1;
	while (n < 2 && (got = sys(SYS_getdents64, fd, (long)buf, sizeof(buf), 0)) > 0)
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			n += d->d_name[0] >= '0' && d->d_name[0] <= '9';
		}
	sys(SYS_close, fd, 0, 0, 0);
	return n > 1;
}

int vigil_stw__seccomp_filtered(void)
{
	char buf[4096];
	long fd = sys(SYS_openat, AT_FDCWD, (long)"/proc/self/status", O_RDONLY | O_CLOEXEC, 0);
	long got;
	const char *p;

	if (fd < 0)
		return 0;
	got = sys(SYS_read, fd, (long)buf, sizeof(buf) - 1, 0);
	sys(SYS_close, fd, 0, 0, 0);
	if (got <= 0)
		return 0;
	buf[got] = '\0';
	p = strstr(buf, "Seccomp:");
	return p && strtol(p + 8, NULL, 10) == 2;
}

int vigil_stw__stop(struct vigil_stw *w)
{
	long waited = 0;

	w->n = 0;
	w->pid = getpid();
	w->self = vigil_gettid();
	w->go = w->ready = w->resume = w->done = 0;
	w->stack = NULL;
	if (!other_threads())
		return 0; /* nobody to stop: no tracer, no wait */
	w->stack = vigil_ialloc(TRACER_STACK);
	if (!w->stack)
		return -ENOMEM;
	w->tracer = clone(tracer_main, (char *)w->stack + TRACER_STACK,
			  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED, w);
	if (w->tracer < 0) {
		int e = -errno;
		vigil_ifree(w->stack, TRACER_STACK);
		w->stack = NULL;
		return e;
	}
	/* Yama's ptrace_scope=1 lets a process trace only its descendants. */
	w->yama = !access("/proc/sys/kernel/yama/ptrace_scope", F_OK);
	if (w->yama)
		prctl(PR_SET_PTRACER, w->tracer, 0, 0, 0);
	fwake(&w->go);
	while (!__atomic_load_n(&w->ready, __ATOMIC_ACQUIRE) && waited < 5000) {
		fwait(&w->ready, 0, 100);
		waited += 100;
	}
	return __atomic_load_n(&w->ready, __ATOMIC_ACQUIRE) ? 0 : -ETIMEDOUT;
}

void vigil_stw__resume(struct vigil_stw *w)
{
	int status;

	if (!w->stack)
		return;
	fwake(&w->resume);
	/* The tracer says when it has let go of every thread; one stuck on a thread in
	 * uninterruptible sleep must not hang the exit: killing it detaches them. */
	for (int waited = 0; !__atomic_load_n(&w->done, __ATOMIC_ACQUIRE) && waited < 5000;
	     waited += 100)
		fwait(&w->done, 0, 100);
	if (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
		kill(w->tracer, SIGKILL);
	while (sys(SYS_wait4, w->tracer, (long)&status, __WALL, 0) < 0 && errno == EINTR)
		;
	if (w->yama)
		prctl(PR_SET_PTRACER, 0, 0, 0, 0);
	vigil_ifree(w->stack, TRACER_STACK);
	w->stack = NULL;
}
