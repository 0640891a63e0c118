// SPDX-License-Identifier: MIT
/* Bug: obsolete calls, each an info naming its modern replacement: the old resolver
 * (gethostbyname, gethostbyname2, gethostbyaddr), the IPv4-only address converters,
 * usleep and ualarm, the BSD byte and string functions, getwd, ftime and sigpause.
 * Built with -fno-builtin, or the compiler would turn bzero and friends into their
 * replacements itself. A call site is reported once, however often it runs. With
 * --checks heap nothing is reported. */
// build-flags: -fno-builtin
// variant: heap --checks heap
// expect[base]: deprecated-api function=main line=66 severity=info details.function=gethostbyname details.replacement=getaddrinfo
// expect[base]: deprecated-api function=main line=67 details.function=gethostbyname2 details.replacement=getaddrinfo
// expect[base]: deprecated-api function=main line=69 details.function=gethostbyaddr details.replacement=getnameinfo
// expect[base]: deprecated-api function=main line=70 details.function=inet_addr details.replacement=inet_pton
// expect[base]: deprecated-api function=main line=71 details.function=inet_aton details.replacement=inet_pton
// expect[base]: deprecated-api function=main line=72 details.function=inet_ntoa details.replacement=inet_ntop
// expect[base]: deprecated-api function=nap line=53 details.function=usleep details.replacement=nanosleep count=1
// expect[base]: deprecated-api function=main line=75 details.function=ualarm details.replacement=setitimer
// expect[base]: deprecated-api function=main line=76 details.function=bcopy details.replacement=memmove
// expect[base]: deprecated-api function=main line=77 details.function=bzero details.replacement=memset
// expect[base]: deprecated-api function=main line=78 details.function=bcmp details.replacement=memcmp
// expect[base]: deprecated-api function=main line=79 details.function=index details.replacement=strchr
// expect[base]: deprecated-api function=main line=80 details.function=rindex details.replacement=strrchr
// expect[base]: deprecated-api function=main line=81 details.function=getwd details.replacement=getcwd
// expect[base]: deprecated-api function=main line=82 details.function=ftime details.replacement=clock_gettime
// expect[base]: deprecated-api function=main line=90 details.function=sigpause details.replacement=sigsuspend
// expect-none[heap]: deprecated-api
// expect-exit: 0
// expect-stdout: deprecated done 0 10 3
#define _GNU_SOURCE /* sigpause is the X/Open one, as the headers then declare it */
#include <arpa/inet.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/timeb.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

char *getwd(char *buf); /* gone from the headers, still in the C library */

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	got = sig;
}

static void nap(void)
{
	usleep(1);
}

int main(void)
{
	struct in_addr a;
	char buf[32] = "hello, world", copy[32], cwd[PATH_MAX];
	struct timeb tb;
	struct sigaction sa = {.sa_handler = on_usr1};
	sigset_t block;
	int same;
	char *comma, *last;

	gethostbyname("localhost");
	gethostbyname2("localhost", AF_INET);
	a.s_addr = htonl(INADDR_LOOPBACK);
	gethostbyaddr(&a, sizeof(a), AF_INET);
	a.s_addr = inet_addr("127.0.0.1");
	inet_aton("127.0.0.1", &a);
	inet_ntoa(a);
	for (int i = 0; i < 3; i++)
		nap();
	ualarm(0, 0);
	bcopy(buf, copy, sizeof(buf));
	bzero(buf, sizeof(buf));
	same = bcmp(buf, copy, sizeof(buf)) == 0;
	comma = index(copy, ',');
	last = rindex(copy, 'o');
	getwd(cwd);
	ftime(&tb);
	/* SIGUSR1 pending while blocked: sigpause unblocks it, the handler runs, it
	 * returns at once. */
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	raise(SIGUSR1);
	sigpause(SIGUSR1);
	printf("deprecated done %d %d %d\n", same, (int)got, (int)(last - comma));
	return 0;
}
