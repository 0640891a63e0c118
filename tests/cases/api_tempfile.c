// SPDX-License-Identifier: MIT
/* Bug: files created under a predictable name in a temporary directory others can
 * write to (/tmp, /var/tmp, $TMPDIR) without O_EXCL: another user can create the
 * name first, or plant a symlink there, and the program writes where they chose. A
 * name mkstemp made, a file inside a private directory (mkdtemp's, or any that only
 * the owner may write), a regular file of ours that already exists in a sticky
 * directory (nobody else can replace it there), O_EXCL, O_TMPFILE and plain opens
 * are not reported. With --checks heap nothing is. */
// variant: heap --checks heap
// expect[base]: insecure-tempfile function=main line=50 severity=warning details.function=open details.path~"/tmp/vigil-case-tf-[0-9]+\.pid"
// expect[base]: insecure-tempfile function=save_report line=34 details.function=fopen details.path~"/var/tmp/vigil-case-tf-[0-9]+\.txt"
// expect[base]: insecure-tempfile function=main line=53 details.function=openat details.path~"/tmp/vigil-case-tf-[0-9]+\.at"
// expect[base]: insecure-tempfile function=main line=60 details.function=creat details.path~"/dev/shm/vigil-case-tmpdir-[0-9]+/cache"
// expect-none: insecure-tempfile line=62
// expect-none: insecure-tempfile line=64
// expect-none: insecure-tempfile line=67
// expect-none: insecure-tempfile line=68
// expect-none: insecure-tempfile line=71
// expect-none: insecure-tempfile line=72
// expect-none[heap]: insecure-tempfile
// expect-exit: 0
// expect-stdout: temp files done
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[4][128];

static void save_report(void)
{
	FILE *f = fopen(path[1], "w");

	fputs("report\n", f);
	fclose(f);
}

int main(void)
{
	char tmpl[] = "/tmp/vigil-case-tfXXXXXX", dir[] = "/tmp/vigil-case-tfdXXXXXX";
	char inner[160], shm[128], cached[160];
	int pid = (int)getpid(), tmp, fd;

	snprintf(path[0], sizeof(path[0]), "/tmp/vigil-case-tf-%d.pid", pid);
	snprintf(path[1], sizeof(path[1]), "/var/tmp/vigil-case-tf-%d.txt", pid);
	snprintf(path[2], sizeof(path[2]), "vigil-case-tf-%d.at", pid);
	snprintf(path[3], sizeof(path[3]), "/tmp/vigil-case-tf-%d.excl", pid);
	close(open(path[0], O_CREAT | O_WRONLY | O_TRUNC, 0600));
	save_report();
	tmp = open("/tmp", O_RDONLY | O_DIRECTORY);
	close(openat(tmp, path[2], O_CREAT | O_RDWR, 0600));
	/* $TMPDIR names a shared directory outside /tmp */
	snprintf(shm, sizeof(shm), "/dev/shm/vigil-case-tmpdir-%d", pid);
	mkdir(shm, 01777);
	chmod(shm, 01777);
	setenv("TMPDIR", shm, 1);
	snprintf(cached, sizeof(cached), "%s/cache", shm);
	close(creat(cached, 0600));

	close(open(path[3], O_CREAT | O_EXCL | O_WRONLY, 0600));
	close(mkstemp(tmpl));
	close(open(tmpl, O_CREAT | O_WRONLY | O_TRUNC, 0600));
	mkdtemp(dir);
	snprintf(inner, sizeof(inner), "%s/state", dir);
	close(open(inner, O_CREAT | O_WRONLY, 0600));
	fd = open("/tmp", O_TMPFILE | O_WRONLY, 0600);
	if (fd >= 0)
		close(fd);
	close(open(path[0], O_RDONLY));
	close(open(path[0], O_CREAT | O_WRONLY | O_APPEND, 0600));

	unlink(path[0]);
	unlink(path[1]);
	unlinkat(tmp, path[2], 0);
	unlink(path[3]);
	unlink(cached);
	rmdir(shm);
	unlink(tmpl);
	unlink(inner);
	rmdir(dir);
	close(tmp);
	puts("temp files done");
	return 0;
}
