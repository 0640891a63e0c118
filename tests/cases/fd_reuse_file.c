// SPDX-License-Identifier: MIT
/* Bug: the exporter closes the descriptor of a FILE* with close() (fdsan's class).
 * The number goes to the next socket the program makes, and the FILE*'s fclose,
 * later, closes that socket: the first finding is the close() of a descriptor a
 * FILE* owns, with the fopen; the second the fclose, with the close() that closed its
 * descriptor underneath and the socket's creation (the descriptor it now closes).
 * Afterwards the socket's owner finds it closed. With --checks heap nothing. */
// variant: heap --checks heap
// expect[base]: fd-reuse function=finish_export line=31 severity=error details.reason="owned by a FILE*" details.call=close details.opened_by=fopen details.fd=3
// expect[base]: fd-reuse role=open function=start_export line=25
// expect[base]: fd-reuse function=main line=45 details.reason="descriptor closed underneath the stream" details.call=fclose details.closed_by=close details.opened_by=socket
// expect[base]: fd-reuse role=close function=finish_export line=31 details.call=fclose
// expect[base]: fd-reuse role=open function=main line=42 details.call=fclose
// expect[base]: bad-fd function=main line=46 details.reason=closed details.closed_by=fclose
// expect-none[heap]: fd-reuse
// expect-exit: 0
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static FILE *out;

static int start_export(void)
{
	out = fopen("/dev/null", "w");
	return out ? fileno(out) : -1;
}

static void finish_export(int fd)
{
	close(fd); /* the FILE* still owns it */
}

int main(void)
{
	int fd = start_export(), sock;

	if (fd != 3)
		return 1;
	fputs("rows\n", out);
	finish_export(fd);
	sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sock != 3)
		return 1;
	fclose(out); /* closes the socket */
	(void)!send(sock, "x", 1, 0);
	return 0;
}
