// SPDX-License-Identifier: MIT
/* Bug: files created world-writable by open, creat and fopen after the program set
 * umask(0) (the umask call is the finding's second stack). A private mode, a mode
 * the umask trims, and O_CREAT on a file that already exists (its mode stays) are not
 * reported. With --checks heap nothing is. */
// variant: heap --checks heap
// expect[base]: insecure-permissions function=main line=39 severity=warning details.function=open details.reason="created world-writable" details.mode=0666 details.umask=0000 details.path~".*/open.txt"
// expect[base]: insecure-permissions role=other-call function=main line=38
// expect[base]: insecure-permissions function=main line=40 details.function=creat details.mode=0662
// expect[base]: insecure-permissions function=main line=41 details.function=fopen details.mode=0666
// expect-none: insecure-permissions line=43
// expect-none: insecure-permissions line=44
// expect-none: insecure-permissions line=46
// expect-none[heap]: insecure-permissions
// expect-exit: 0
// expect-stdout: files made
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/vigil-case-openXXXXXX";

static const char *in(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

int main(void)
{
	FILE *f;

	mkdtemp(dir);
	umask(0);
	close(open(in("open.txt"), O_CREAT | O_WRONLY | O_TRUNC, 0666));
	close(creat(in("creat.txt"), 0662));
	f = fopen(in("fopen.txt"), "w");
	fclose(f);
	close(open(in("private.txt"), O_CREAT | O_WRONLY, 0600));
	close(open(in("private.txt"), O_CREAT | O_WRONLY, 0666));
	umask(077);
	close(open(in("trimmed.txt"), O_CREAT | O_WRONLY, 0666));
	puts("files made");
	for (const char *const *n = (const char *const[]){"open.txt", "creat.txt", "fopen.txt",
							   "private.txt", "trimmed.txt", NULL};
	     *n; n++)
		unlink(in(*n));
	rmdir(dir);
	return 0;
}
