// SPDX-License-Identifier: MIT
/* Clean: a journal object opened by whichever statement needs it first (two paths),
 * written in phase one of a commit and closed in phase two, as sqlite's pager does:
 * one object's descriptor reopened from two places, used from one site. Its number
 * comes back each time, to the same owner. Nothing is reported. */
// expect-none: fd-reuse
// expect-none: double-close
// expect-none: bad-fd
// expect-none: fd-leak
// expect-exit: 0
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

struct journal {
	int fd;
};

static char path[] = "/tmp/vigil-journal-XXXXXX";

static void phase_one(struct journal *j)
{
	(void)!pwrite(j->fd, "c", 1, 0);
}

static void phase_two(struct journal *j)
{
	close(j->fd);
	j->fd = -1;
}

static void commit(struct journal *j)
{
	phase_one(j);
	phase_two(j);
}

static void insert(struct journal *j)
{
	j->fd = open(path, O_RDWR);
}

static void create(struct journal *j)
{
	j->fd = open(path, O_RDWR);
}

static void step(struct journal *j, void (*stmt)(struct journal *))
{
	stmt(j);
	commit(j);
}

int main(void)
{
	void (*stmts[])(struct journal *) = {create, insert, create, insert};
	struct journal j;
	int t = mkstemp(path);

	if (t < 0)
		return 1;
	close(t);
	for (int i = 0; i < 4; i++)
		step(&j, stmts[i]);
	unlink(path);
	return 0;
}
