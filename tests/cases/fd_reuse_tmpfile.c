// SPDX-License-Identifier: MIT
/* Bug: the descriptor of a tmpfile() stream is closed with close(); the stream's
 * fclose later closes the number again, whatever holds it then. Both calls are
 * reported, naming tmpfile as the stream's maker. */
// variant: heap --checks heap
// expect[base]: fd-reuse function=spill line=25 details.reason="owned by a FILE*" details.opened_by=tmpfile
// expect[base]: fd-reuse function=spill line=26 details.closed_by=close
// expect-none[heap]: fd-reuse
// expect-none: leak
// expect-exit: 0
// expect-stdout: spilled
#include <stdio.h>
#include <unistd.h>

static int spill(const char *data)
{
	FILE *f = tmpfile();
	int r;

	if (!f)
		return -1;
	r = fputs(data, f) < 0;
	fflush(f);
	/* Bug: the stream owns its descriptor; then fclose closes it a second time. */
	close(fileno(f));
	fclose(f);
	return r;
}

int main(void)
{
	if (spill("scratch data\n"))
		return 1;
	puts("spilled");
	return 0;
}
