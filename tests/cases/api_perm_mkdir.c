// SPDX-License-Identifier: MIT
/* Bug: filesystem objects made world-writable. After umask(0) a mkdir, mkfifo or
 * mknod with a permissive mode creates them writable by anyone (the umask call is
 * the finding's second stack); chmod, fchmod and fchmodat set world-writable bits
 * whatever the umask. A sticky world-writable directory (/tmp's own pattern), modes
 * without o+w and a mode the umask trims are not reported. With --checks heap nothing
 * is. */
// variant: heap --checks heap
// expect[base]: insecure-permissions function=main line=48 severity=warning details.function=mkdir details.reason="created world-writable" details.mode=0777 details.umask=0000 details.path~".*/shared"
// expect[base]: insecure-permissions role=other-call function=main line=47
// expect[base]: insecure-permissions function=main line=49 details.function=mkfifo details.mode=0666
// expect[base]: insecure-permissions function=main line=50 details.function=mknod details.mode=0662
// expect[base]: insecure-permissions function=main line=51 details.function=mkdirat details.mode=0703
// expect[base]: insecure-permissions function=main line=55 details.function=chmod details.reason="made world-writable" details.mode=0666
// expect[base]: insecure-permissions function=main line=56 details.function=fchmod details.mode=0646 details.path~".*/file"
// expect[base]: insecure-permissions function=main line=57 details.function=fchmodat details.mode=0777
// expect-none: insecure-permissions line=52
// expect-none: insecure-permissions line=53
// expect-none: insecure-permissions line=58
// expect-none: insecure-permissions line=60
// expect-none[heap]: insecure-permissions
// expect-exit: 0
// expect-stdout: modes made
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/vigil-case-permXXXXXX";

static const char *in(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

int main(void)
{
	int dfd, fd;

	mkdtemp(dir);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	umask(0);
	mkdir(in("shared"), 0777);
	mkfifo(in("fifo"), 0666);
	mknod(in("node"), S_IFIFO | 0662, 0);
	mkdirat(dfd, "at", 0703);
	mkdir(in("sticky"), 01777);
	mkdir(in("private"), 0700);
	fd = open(in("file"), O_CREAT | O_WRONLY, 0600);
	chmod(in("file"), 0666);
	fchmod(fd, 0646);
	fchmodat(dfd, "private", 0777, 0);
	chmod(in("file"), 0644);
	umask(022);
	mkdir(in("trimmed"), 0777);
	close(fd);
	close(dfd);
	puts("modes made");
	/* clean up: the tree is the run's own */
	for (const char *const *n = (const char *const[]){"file", "fifo", "node", NULL}; *n; n++)
		unlink(in(*n));
	for (const char *const *n = (const char *const[]){"shared", "at", "sticky", "private",
							   "trimmed", NULL};
	     *n; n++)
		rmdir(in(*n));
	rmdir(dir);
	return 0;
}
