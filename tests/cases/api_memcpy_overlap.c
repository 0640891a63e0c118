// SPDX-License-Identifier: MIT
/* Bug: copies whose source and destination overlap, undefined for memcpy and the
 * str*cpy family (the result depends on the copy direction the C library picked). Each
 * call is shifted left within one buffer, so the copy still ends in practice. memmove
 * with the same overlap, memcpy of a buffer onto itself (compilers emit it for a
 * struct assigned to itself) and copies between neighbours are not reported. With
 * --checks heap nothing is. */
// build-flags: -fno-builtin
// variant: heap --checks heap
// expect[base]: memcpy-overlap function=shift line=33 severity=error details.function=memcpy details.access_size=16 details.size=16
// expect[base]: memcpy-overlap function=main line=47 details.function=strcpy
// expect[base]: memcpy-overlap function=main line=48 details.function=strncpy
// expect[base]: memcpy-overlap function=main line=49 details.function=stpcpy
// expect[base]: memcpy-overlap function=main line=53 details.function=strcat
// expect-none: memcpy-overlap line=54
// expect-none: memcpy-overlap line=38
// expect-none: memcpy-overlap line=56
// expect-none[heap]: memcpy-overlap
// expect-exit: 0
// expect-stdout: done
#include <stdio.h>
#include <string.h>

struct rec {
	char name[24];
	long id;
};

static volatile size_t sixteen = 16;

static void shift(char *buf)
{
	memcpy(buf, buf + 4, sixteen);
}

static void assign(struct rec *a, struct rec *b)
{
	memcpy(a, b, sizeof(*a));
}

int main(void)
{
	char buf[64] = "0123456789abcdefghijklmnopqrstuvwxyz", other[64];
	struct rec r = {"rec", 7};

	shift(buf);
	strcpy(buf, buf + 2);
	strncpy(buf, buf + 1, 8);
	stpcpy(buf, buf + 3);
	/* the source lies past where the appended bytes start: read before written */
	strcpy(buf, "ab");
	strcpy(buf + 4, "xyz");
	strcat(buf, buf + 4);
	memmove(buf, buf + 4, sixteen);
	assign(&r, &r);
	memcpy(other, buf, sixteen);
	memcpy(other + 16, other, sixteen);
	puts("done");
	return 0;
}
