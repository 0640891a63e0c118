// SPDX-License-Identifier: MIT
/* stdio output: none of it is async-signal-safe (stream locks, buffers allocated on
 * first use; opening and closing streams is in stream.c). Called from a signal
 * handler it is reported; everywhere else these are the real calls and nothing more.
 * With the api checks, the printf family's formats are checked for writable memory
 * (api.c). */
#undef _FORTIFY_SOURCE /* these are the functions fortified headers would wrap */
#include <stdarg.h>
#include <stdio.h>

#include "api.h"
#include "realsym.h"
#include "rt.h"
#include "sigsafe.h"
#include "vigil/finding.h"

static struct {
	int (*vfprintf)(FILE *, const char *, va_list);
	int (*vdprintf)(int, const char *, va_list);
	int (*puts)(const char *);
	int (*fputs)(const char *, FILE *);
	int (*fputc)(int, FILE *);
	int (*putc)(int, FILE *);
	int (*putchar)(int);
	size_t (*fwrite)(const void *, size_t, size_t, FILE *);
	int (*fflush)(FILE *);
	void (*perror)(const char *);
	/* FORTIFY: optional, the plain call stands in */
	int (*vfprintf_chk)(FILE *, int, const char *, va_list);
	int (*vdprintf_chk)(int, int, const char *, va_list);
} real;

/* Filled on first use; from a signal handler after vigil's start, the lookup reads
 * vigil_realsym's table and never runs dlsym. */
#define REAL(field, name) VIGIL_REAL(real.field, name, NULL)

static int do_vfprintf(unsigned fn, FILE *f, const char *fmt, va_list ap)
{
	unsigned t = vigil_sigsafe__enter(fn);
	int r;

	if (vigil_api__on())
		vigil_api__format(fmt, fn);
	r = REAL(vfprintf, "vfprintf")(f, fmt, ap);
	vigil_sigsafe__leave(t);
	return r;
}

static int do_vfprintf_chk(unsigned fn, FILE *f, int flag, const char *fmt, va_list ap)
{
	unsigned t = vigil_sigsafe__enter(fn);
	int r;

	if (vigil_api__on())
		vigil_api__format(fmt, fn);
	r = REAL(vfprintf_chk, "__vfprintf_chk") ? real.vfprintf_chk(f, flag, fmt, ap)
						  : REAL(vfprintf, "vfprintf")(f, fmt, ap);
	vigil_sigsafe__leave(t);
	return r;
}

static int do_vdprintf(unsigned fn, int fd, int flag, int chk, const char *fmt, va_list ap)
{
	unsigned t = vigil_sigsafe__enter(fn);
	int r;

	if (vigil_api__on())
		vigil_api__format(fmt, fn);
	r = chk && REAL(vdprintf_chk, "__vdprintf_chk") ? real.vdprintf_chk(fd, flag, fmt, ap)
							: REAL(vdprintf, "vdprintf")(fd, fmt, ap);
	vigil_sigsafe__leave(t);
	return r;
}

VIGIL_EXPORT int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = do_vfprintf(VIGIL_FN_PRINTF, stdout, fmt, ap);
	va_end(ap);
	return r;
}

VIGIL_EXPORT int vprintf(const char *restrict fmt, va_list ap)
{
	return do_vfprintf(VIGIL_FN_VPRINTF, stdout, fmt, ap);
}

VIGIL_EXPORT int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = do_vfprintf(VIGIL_FN_FPRINTF, f, fmt, ap);
	va_end(ap);
	return r;
}

VIGIL_EXPORT int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	return do_vfprintf(VIGIL_FN_VFPRINTF, f, fmt, ap);
}

VIGIL_EXPORT int dprintf(int fd, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = do_vdprintf(VIGIL_FN_DPRINTF, fd, 0, 0, fmt, ap);
	va_end(ap);
	return r;
}

VIGIL_EXPORT int vdprintf(int fd, const char *restrict fmt, va_list ap)
{
	return do_vdprintf(VIGIL_FN_VDPRINTF, fd, 0, 0, fmt, ap);
}

VIGIL_EXPORT int __printf_chk(int flag, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = do_vfprintf_chk(VIGIL_FN_PRINTF, stdout, flag, fmt, ap);
	va_end(ap);
	return r;
}

VIGIL_EXPORT int __vprintf_chk(int flag, const char *restrict fmt, va_list ap)
{
	return do_vfprintf_chk(VIGIL_FN_VPRINTF, stdout, flag, fmt, ap);
}

VIGIL_EXPORT int __fprintf_chk(FILE *restrict f, int flag, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = do_vfprintf_chk(VIGIL_FN_FPRINTF, f, flag, fmt, ap);
	va_end(ap);
	return r;
}

VIGIL_EXPORT int __vfprintf_chk(FILE *restrict f, int flag, const char *restrict fmt, va_list ap)
{
	return do_vfprintf_chk(VIGIL_FN_VFPRINTF, f, flag, fmt, ap);
}

VIGIL_EXPORT int __dprintf_chk(int fd, int flag, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = do_vdprintf(VIGIL_FN_DPRINTF, fd, flag, 1, fmt, ap);
	va_end(ap);
	return r;
}

VIGIL_EXPORT int __vdprintf_chk(int fd, int flag, const char *restrict fmt, va_list ap)
{
	return do_vdprintf(VIGIL_FN_VDPRINTF, fd, flag, 1, fmt, ap);
}

VIGIL_EXPORT int puts(const char *s)
{
	unsigned t = vigil_sigsafe__enter(VIGIL_FN_PUTS);
	int r;

	r = REAL(puts, "puts")(s);
	vigil_sigsafe__leave(t);
	return r;
}

VIGIL_EXPORT int fputs(const char *restrict s, FILE *restrict f)
{
	unsigned t = vigil_sigsafe__enter(VIGIL_FN_FPUTS);
	int r;

	r = REAL(fputs, "fputs")(s, f);
	vigil_sigsafe__leave(t);
	return r;
}

VIGIL_EXPORT int fputc(int c, FILE *f)
{
	unsigned t = vigil_sigsafe__enter(VIGIL_FN_FPUTC);
	int r;

	r = REAL(fputc, "fputc")(c, f);
	vigil_sigsafe__leave(t);
	return r;
}

VIGIL_EXPORT int putc(int c, FILE *f)
{
	unsigned t = vigil_sigsafe__enter(VIGIL_FN_PUTC);
	int r;

	r = REAL(putc, "putc")(c, f);
	vigil_sigsafe__leave(t);
	return r;
}

VIGIL_EXPORT int putchar(int c)
{
	unsigned t = vigil_sigsafe__enter(VIGIL_FN_PUTCHAR);
	int r;

	r = REAL(putchar, "putchar")(c);
	vigil_sigsafe__leave(t);
	return r;
}

VIGIL_EXPORT size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	unsigned t = vigil_sigsafe__enter(VIGIL_FN_FWRITE);
	size_t r;

	r = REAL(fwrite, "fwrite")(p, size, n, f);
	vigil_sigsafe__leave(t);
	return r;
}

VIGIL_EXPORT int fflush(FILE *f)
{
	unsigned t = vigil_sigsafe__enter(VIGIL_FN_FFLUSH);
	int r;

	r = REAL(fflush, "fflush")(f);
	vigil_sigsafe__leave(t);
	return r;
}

VIGIL_EXPORT void perror(const char *s)
{
	unsigned t = vigil_sigsafe__enter(VIGIL_FN_PERROR);

	REAL(perror, "perror")(s);
	vigil_sigsafe__leave(t);
}
