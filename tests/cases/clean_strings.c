// SPDX-License-Identifier: MIT
/* Clean control for the str/mem/printf/read interceptors: every intercepted call used
 * correctly on heap blocks (exact fits, interior pointers, blocks of every size up to
 * a page, realloc'd and calloc'd blocks), on stack buffers and on globals. No finding
 * of any error kind in any mode. */
// variant: guard VIGIL_OPTIONS=guard_rate=1
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1
// expect-none: * severity=error
// expect-none: bad-alloc-size
// expect-stdout: strings clean, checksum 1119223703
// expect-exit: 0
// expect-report: stats.leak_scan_ns>0
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint32_t sum = 2166136261u;
static char global_buf[64];

static void mix(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		sum = (sum ^ b[i]) * 16777619u;
}

static int vformat(char *d, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cap ? vsnprintf(d, cap, fmt, ap) : vsprintf(d, fmt, ap);
	va_end(ap);
	return r;
}

static void mem_calls(void)
{
	for (size_t n = 1; n <= 4096; n += n < 64 ? 1 : 61) {
		char *a = malloc(n), *b = malloc(n);

		if (!a || !b)
			exit(1);
		memset(a, (int)(n & 0xff), n);
		memcpy(b, a, n);        /* exact fit, both ends heap blocks */
		memmove(b + 1, b, n - 1); /* interior, overlapping */
		memmove(b, b + 1, n - 1);
		mix(b, n);
		free(a);
		free(b);
	}
}

/* A separate function, so the compiler does not warn of the truncation meant here. */
static void copy_fixed(char *d, const char *s, size_t n)
{
	strncpy(d, s, n);
}

static void str_calls(void)
{
	static const char word[] = "interceptor";
	char stack[64];
	char *p = malloc(sizeof(word)), *q = calloc(1, 2 * sizeof(word));

	if (!p || !q)
		exit(1);
	strcpy(p, word);                   /* exact fit with its NUL */
	strcpy(stack, p);                  /* heap source */
	strcpy(global_buf, p);
	strncpy(q, p, 2 * sizeof(word));   /* pads q to its exact size */
	strcat(q, "s");                    /* 12 + 1 + NUL in 24 bytes */
	strncat(q, "-and-more", 4);        /* 16 + NUL */
	copy_fixed(p, "abcdefghijklmnop", sizeof(word)); /* exact, no NUL */
	p[sizeof(word) - 1] = '\0';
	strcpy(q + 4, "x");                /* interior */
	mix(stack, strlen(stack));
	mix(q, 2 * sizeof(word));
	mix(p, sizeof(word));
	p = realloc(p, 64);
	if (!p)
		exit(1);
	strcat(p, "-grown-after-realloc"); /* fits the new size */
	mix(p, strlen(p));
	free(p);
	free(q);
}

static void printf_calls(void)
{
	int n = snprintf(NULL, 0, "%s-%d", "label", 12345);
	char *p = malloc((size_t)n + 1), *q = malloc(8);
	char stack[32];

	if (!p || !q)
		exit(1);
	sprintf(p, "%s-%d", "label", 12345);              /* exact fit */
	vformat(q, 8, "%s", "truncated to eight");        /* exact size, truncates */
	snprintf(p, (size_t)n + 1, "%d", 7);              /* exact size */
	snprintf(q, 8, "%x", 0xbeef);
	vformat(p, 0, "%s-%d", "label", 99999);           /* vsprintf, exact fit */
	sprintf(stack, "%s/%s", "stack", "buffer");
	vformat(p + 2, 4, "%d", 1234567);                 /* interior */
	mix(p, (size_t)n + 1);
	mix(q, 8);
	mix(stack, strlen(stack));
	free(p);
	free(q);
}

static void io_calls(void)
{
	static const char text[] = "first line\nsecond line is longer\n";
	char *buf = malloc(sizeof(text)), *line = malloc(32);
	int fds[2], sv[2];
	FILE *f;
	ssize_t r;

	if (!buf || !line || pipe(fds) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		exit(1);
	if (write(fds[1], text, sizeof(text) - 1) < 0)
		exit(1);
	r = read(fds[0], buf, sizeof(text) - 1); /* exact length */
	if (r != (ssize_t)sizeof(text) - 1)
		exit(1);
	buf[r] = '\0';
	mix(buf, (size_t)r);
	if (write(fds[1], text, sizeof(text) - 1) < 0)
		exit(1);
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f)
		exit(1);
	while (fgets(line, 32, f)) /* exact capacity; the long line comes in two reads */
		mix(line, strlen(line));
	fclose(f);
	if (send(sv[0], text, 16, 0) != 16 || recv(sv[1], buf, 16, 0) != 16 ||
	    send(sv[0], text, 8, 0) != 8 || recvfrom(sv[1], line, 32, 0, NULL, NULL) != 8)
		exit(1);
	mix(buf, 16);
	mix(line, 8);
	errno = 0;
	if (read(sv[1], line, 0) != 0 || errno != 0) /* a read of nothing */
		exit(1);
	close(sv[0]);
	close(sv[1]);
	free(buf);
	free(line);
}

int main(void)
{
	mem_calls();
	str_calls();
	printf_calls();
	io_calls();
	printf("strings clean, checksum %u\n", sum);
	return 0;
}
