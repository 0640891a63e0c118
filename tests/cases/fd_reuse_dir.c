// SPDX-License-Identifier: MIT
/* Bug: the scanner closes the descriptor of a DIR* it still holds, the number goes to
 * a log file, and the closedir closes the log file. Both findings are fd-reuse: the
 * close() of a descriptor a DIR* owns, then the closedir with that close and the log
 * file's open. With --checks heap nothing is reported. */
// variant: heap --checks heap
// expect[base]: fd-reuse function=scan line=26 severity=error details.reason="owned by a DIR*" details.call=close details.opened_by=opendir
// expect[base]: fd-reuse role=open function=scan line=20 details.call=close
// expect[base]: fd-reuse function=main line=38 details.reason="descriptor closed underneath the stream" details.call=closedir details.closed_by=close details.opened_by=open
// expect[base]: fd-reuse role=open function=main line=37 details.call=closedir
// expect-none[heap]: fd-reuse
// expect-exit: 0
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

static DIR *scan(void)
{
	int n = 0;
	DIR *d = opendir("/");

	if (!d)
		return NULL;
	while (readdir(d))
		n++;
	close(dirfd(d)); /* the DIR* still owns it */
	return n ? d : NULL;
}

int main(void)
{
	DIR *d = scan();
	int log;

	if (!d)
		return 1;
	log = open("/dev/null", O_WRONLY);
	closedir(d); /* closes the log file */
	return log < 0;
}
