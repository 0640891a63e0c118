// SPDX-License-Identifier: MIT
/* Bug: formats that come from writable memory. One with %n (the classic exploit
 * primitive: whoever controls the format writes through the argument list) is an
 * error, whatever printf-family call it reaches; other conversions in a writable
 * format are likely user input: info. Formats in read-only memory - literals, a
 * message catalog mapped read-only - and a lone conversion copied out by a printf
 * implementation ("%s") are not reported, nor writable text without conversions. */
// variant: heap --checks heap
// expect[base]: format-string function=main line=67 severity=error details.function=printf details.reason="%n in a writable format" details.where="the heap" details.format="count %d%n\n"
// expect[base]: format-string function=main line=69 severity=error details.function=snprintf details.where="a stack"
// expect[base]: format-string function=log_line line=42 severity=error details.function=vfprintf details.where="a global"
// expect[base]: format-string function=main line=74 severity=info details.function=printf details.reason="conversions in a writable format" details.format="user %s says %d\n"
// expect[base]: format-string function=main line=75 severity=info details.function=fprintf
// expect[base]: format-string function=main line=76 severity=info details.function=dprintf
// expect[base]: format-string function=main line=77 severity=info details.function=sprintf
// expect[base]: format-string function=main line=78 severity=info details.function=syslog
// expect[base]: format-string function=main line=82 severity=info details.function=warnx
// expect-none: format-string line=84
// expect-none: format-string line=86
// expect-none: format-string line=88
// expect-none: format-string line=89
// expect-none[heap]: format-string
// expect-exit: 0
// expect-stdout: count 3
#include <err.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>
#include <unistd.h>

static char global_fmt[64];

static void log_line(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

/* A read-only mapping of a file holding a format, as gettext maps its catalogs. */
static const char *mapped_format(void)
{
	char path[] = "/tmp/vigil-case-fmtXXXXXX";
	int fd = mkstemp(path);
	const char *m;

	write(fd, "mapped %s\n", 11);
	m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	unlink(path);
	return m;
}

int main(void)
{
	char *heap = malloc(64), stack[64], out[128];
	int n = 0, devnull = open("/dev/null", O_WRONLY);
	FILE *null = fdopen(dup(devnull), "w");

	strcpy(heap, "count %d%n\n");
	printf(heap, 3, &n);
	strcpy(stack, "%d%n");
	snprintf(out, sizeof(out), stack, 4, &n);
	strcpy(global_fmt, "log %s%n\n");
	log_line(null, global_fmt, "x", &n);

	strcpy(heap, "user %s says %d\n");
	printf(heap, "bob", 2);
	fprintf(null, heap, "eve", 3);
	dprintf(devnull, heap, "al", 4);
	sprintf(out, heap, "jo", 5);
	syslog(LOG_DEBUG, heap, "sy", 6);
	strcpy(stack, "warn %s");
	close(2);
	dup2(devnull, 2);
	warnx(stack, "w");

	printf("literal %d\n", 1 - 1 + n - n + 7 - 7 + 0 * n);
	strcpy(stack, "no conversions here\n");
	fprintf(null, stack);
	strcpy(stack, "%s");
	fprintf(null, stack, "one checked conversion");
	fprintf(null, mapped_format(), "catalog");
	fclose(null);
	free(heap);
	return 0;
}
