// SPDX-License-Identifier: MIT
/* Bug: a SIGUSR1 handler that logs every way stdio and syslog offer; none of them is
 * async-signal-safe. Each call is reported at its own line with details.function,
 * once, and none of the allocations these calls make inside is reported besides.
 * The handler's write(2) is fine. */
// expect: signal-unsafe-call function=say line=34 details.function=vfprintf
// expect: signal-unsafe-call function=on_usr1 line=44 details.function=fprintf
// expect: signal-unsafe-call function=on_usr1 line=45 details.function=puts
// expect: signal-unsafe-call function=on_usr1 line=46 details.function=fputs
// expect: signal-unsafe-call function=on_usr1 line=47 details.function=fputc
// expect: signal-unsafe-call function=on_usr1 line=48 details.function=putc
// expect: signal-unsafe-call function=on_usr1 line=49 details.function=putchar
// expect: signal-unsafe-call function=on_usr1 line=50 details.function=fwrite
// expect: signal-unsafe-call function=on_usr1 line=51 details.function=fflush
// expect: signal-unsafe-call function=on_usr1 line=52 details.function=dprintf
// expect: signal-unsafe-call function=on_usr1 line=53 details.function=fopen
// expect: signal-unsafe-call function=on_usr1 line=55 details.function=fclose
// expect: signal-unsafe-call function=on_usr1 line=56 details.function=perror
// expect: signal-unsafe-call function=on_usr1 line=57 details.function=syslog
// expect-none: signal-unsafe-call details.function=malloc
// expect-none: signal-unsafe-call details.function=free
// expect-exit: 0
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void on_usr1(int sig)
{
	const char *text = "in the handler\n"; /* a literal would become fwrite */
	FILE *f;

	say("signal %d\n", sig);
	fprintf(stderr, "signal %d\n", sig);
	puts("in the handler");
	fputs(text, stdout);
	fputc('x', stdout);
	putc('y', stdout);
	putchar('\n');
	fwrite("abc\n", 1, 4, stdout);
	fflush(stdout);
	dprintf(STDOUT_FILENO, "fd %d\n", sig);
	f = fopen("/dev/null", "w");
	if (f)
		fclose(f);
	perror("handler");
	syslog(LOG_DEBUG, "signal %d", sig);
	write(STDOUT_FILENO, "ok\n", 3);
}

int main(void)
{
	if (signal(SIGUSR1, on_usr1) == SIG_ERR)
		return 1;
	raise(SIGUSR1);
	raise(SIGUSR1);
	return 0;
}
