// SPDX-License-Identifier: MIT
/* Bug: the handler of sig_unsafe_printf.c built the way distributions build, with
 * _FORTIFY_SOURCE: its calls are __printf_chk, __fprintf_chk and __syslog_chk, and
 * are reported under their plain names. */
// build-flags: -O1 -D_FORTIFY_SOURCE=2
// expect: signal-unsafe-call function=on_usr1 line=22 details.function=printf
// expect: signal-unsafe-call function=on_usr1 line=23 details.function=fprintf
// expect: signal-unsafe-call function=on_usr1 line=24 details.function=syslog
// expect-stdout: handled signal 10
// expect-exit: 0
#include <signal.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	int n = sig;

	printf("handled signal %d\n", n);
	fprintf(stderr, "handled signal %d\n", n);
	syslog(LOG_DEBUG, "handled signal %d", n);
	handled = 1;
}

int main(void)
{
	if (signal(SIGUSR1, on_usr1) == SIG_ERR)
		return 1;
	raise(SIGUSR1);
	return !handled;
}
