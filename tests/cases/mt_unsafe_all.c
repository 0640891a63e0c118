// SPDX-License-Identifier: MIT
/* Bug, once per function: two threads each call every non-reentrant libc function
 * vigil watches, one thread after the other. Each function is reported once, at the
 * second thread's call, with the first thread's call as the other stack; readdir and
 * readdir64 because both threads read the same stream. */
// vigil-args: --checks threads
// expect: mt-unsafe-call function=call_all line=62 details.function=strtok count=1
// expect: mt-unsafe-call role=other-call function=call_all line=62 details.function=strtok
// expect: mt-unsafe-call function=call_all line=63 details.function=gmtime
// expect: mt-unsafe-call function=call_all line=64 details.function=ctime
// expect: mt-unsafe-call function=call_all line=65 details.function=asctime
// expect: mt-unsafe-call function=call_all line=66 details.function=rand severity=info
// expect: mt-unsafe-call function=call_all line=67 details.function=strerror severity=info
// expect: mt-unsafe-call function=call_all line=69 details.function=gethostbyname
// expect: mt-unsafe-call function=call_all line=70 details.function=gethostbyaddr
// expect: mt-unsafe-call function=call_all line=71 details.function=inet_ntoa
// expect: mt-unsafe-call function=call_all line=72 details.function=getpwnam
// expect: mt-unsafe-call function=call_all line=73 details.function=getpwuid
// expect: mt-unsafe-call function=call_all line=74 details.function=getgrnam
// expect: mt-unsafe-call function=call_all line=75 details.function=getgrgid
// expect: mt-unsafe-call function=call_all line=76 details.function=ecvt
// expect: mt-unsafe-call function=call_all line=77 details.function=fcvt
// expect: mt-unsafe-call function=call_all line=78 details.function=tmpnam
// expect: mt-unsafe-call function=call_all line=79 details.function=ttyname
// expect: mt-unsafe-call function=call_all line=80 details.function=strsignal
// expect: mt-unsafe-call function=call_all line=81 details.function=getlogin
// expect: mt-unsafe-call function=call_all line=82 details.function=drand48
// expect: mt-unsafe-call function=call_all line=83 details.function=lrand48
// expect: mt-unsafe-call function=call_all line=84 details.function=mrand48
// expect: mt-unsafe-call function=call_all line=85 details.function=srand48
// expect: mt-unsafe-call function=call_all line=86 details.function=readdir
// expect: mt-unsafe-call function=call_all line=61 details.function=readdir
// expect-exit: 0
// expect-stdout: both rounds done
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <grp.h>
#include <netdb.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_barrier_t round_done;
static DIR *shared_dir, *shared_dir64;

/* Every result is read so no call can be dropped; the sum only feeds a dead check. */
static unsigned long call_all(void)
{
	char words[] = "a b";
	time_t t = 86400;
	struct tm tm = {.tm_year = 70, .tm_mday = 1};
	struct in_addr lo = {htonl(INADDR_LOOPBACK)};
	int dec, sign;
	unsigned long sum = 0;

	sum += (unsigned long)readdir64(shared_dir64);
	sum += (unsigned long)strtok(words, " ");
	sum += (unsigned long)gmtime(&t);
	sum += (unsigned long)ctime(&t);
	sum += (unsigned long)asctime(&tm);
	sum += (unsigned long)rand();
	sum += (unsigned long)strerror(2);
	/* A numeric name and a bad length: no NSS or DNS lookup leaves the machine. */
	sum += (unsigned long)gethostbyname("127.0.0.1");
	sum += (unsigned long)gethostbyaddr(&lo, 0, AF_INET);
	sum += (unsigned long)inet_ntoa(lo);
	sum += (unsigned long)getpwnam("root");
	sum += (unsigned long)getpwuid(0);
	sum += (unsigned long)getgrnam("root");
	sum += (unsigned long)getgrgid(0);
	sum += (unsigned long)ecvt(3.25, 3, &dec, &sign);
	sum += (unsigned long)fcvt(3.25, 3, &dec, &sign);
	sum += (unsigned long)tmpnam(NULL);
	sum += (unsigned long)ttyname(0);
	sum += (unsigned long)strsignal(15);
	sum += (unsigned long)getlogin();
	sum += (unsigned long)(drand48() * 8);
	sum += (unsigned long)lrand48();
	sum += (unsigned long)mrand48();
	srand48(7);
	sum += (unsigned long)readdir(shared_dir);
	return sum;
}

static void *first(void *arg)
{
	*(unsigned long *)arg = call_all();
	pthread_barrier_wait(&round_done);
	return NULL;
}

static void *second(void *arg)
{
	pthread_barrier_wait(&round_done);
	*(unsigned long *)arg = call_all();
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	unsigned long sa = 0, sb = 0;

	shared_dir = opendir("/");
	shared_dir64 = opendir("/");
	if (!shared_dir || !shared_dir64)
		return 1;
	pthread_barrier_init(&round_done, NULL, 2);
	if (pthread_create(&a, NULL, first, &sa) || pthread_create(&b, NULL, second, &sb))
		return 1;
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	closedir(shared_dir);
	closedir(shared_dir64);
	printf("both rounds done%s\n", sa + sb == 1 ? "?" : "");
	return 0;
}
