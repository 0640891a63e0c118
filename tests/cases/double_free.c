// SPDX-License-Identifier: MIT
/* Double free: closing a connection frees its buffer, and the shutdown path frees it
 * again. The finding carries three stacks: this (second) free, the first free and the
 * allocation. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: double-free function=server_shutdown line=40 details.size=512 details.alloc_op=malloc details.free_op=free
// expect: double-free role=first-free function=conn_close line=33
// expect: double-free role=allocation function=conn_open line=27
// expect-none: crash
// expect-none: invalid-free
// expect-stdout[base,canary]: server down
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>

struct conn {
	int fd;
	char *buf;
};

static int conn_open(struct conn *c, int fd)
{
	c->fd = fd;
	c->buf = malloc(512);
	return c->buf ? 0 : -1;
}

static void conn_close(struct conn *c)
{
	free(c->buf);
	c->fd = -1; /* the bug: buf is left dangling */
}

static void server_shutdown(struct conn *c)
{
	if (c->fd < 0)
		free(c->buf);
}

int main(void)
{
	struct conn c;

	if (conn_open(&c, 5))
		return 1;
	c.buf[0] = 'x';
	conn_close(&c);
	server_shutdown(&c);
	printf("server down\n");
	return 0;
}
