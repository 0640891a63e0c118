// SPDX-License-Identifier: MIT
/* Bug: a connection pool that only grows: every "request" opens a new connection
 * (a socket pair here) and keeps it. Over the run the descriptors open from that site
 * climb steadily: an fd-leak "kept growing" with its curve, beside the one at exit.
 * The pool is closed at the end in the clean variant: the growth is still reported,
 * the exit leak is not. */
// vigil-env: VIGIL_OPTIONS=growth_interval_ms=20
// variant: cleanup VIGIL_OPTIONS=growth_interval_ms=20 GROWTH_CLEANUP=1
// expect: fd-leak function=connect_one line=23 severity=warning details.reason="open descriptors kept growing" details.fds>=100
// expect[base]: fd-leak function=connect_one line=23 details.reason="open at exit" details.fds=500
// expect-none[cleanup]: fd-leak details.reason="open at exit"
// expect-exit: 0
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int pool[1000][2];
static int npool;

static int connect_one(void)
{
	return socketpair(AF_UNIX, SOCK_STREAM, 0, pool[npool++]);
}

int main(void)
{
	struct timespec ms = {0, 1000000};

	for (int i = 0; i < 250; i++) {
		if (connect_one())
			return 1;
		nanosleep(&ms, NULL);
	}
	if (getenv("GROWTH_CLEANUP"))
		for (int i = 0; i < npool; i++) {
			close(pool[i][0]);
			close(pool[i][1]);
		}
	return 0;
}
