// SPDX-License-Identifier: MIT
/* clean_syscalls statically linked, where only the kernel's view watches: missing
 * paths, a few refused connects, a file round trip and a non-blocking loopback echo
 * loop stay below every threshold. Nothing is reported; with the error threshold
 * lowered to 100 (strict) the 200 missing paths are, and only they. */
// build-flags: -static
// needs: bpf
// variant: strict VIGIL_OPTIONS=syscall_errors_min=100
// expect-none[base]: syscall-errors
// expect[strict]: syscall-errors function=find_config line=37 count=200 details.errno=ENOENT
// expect-none[strict]: syscall-errors details.errno!=ENOENT
// expect-none: wx-mapping
// expect-none: slow-syscall
// expect-none: crash
// expect-none[base]: *
// expect-exit: 0
// expect-stdout: missing 200 refused 20 file ok echoed 100
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "include/refused_port.h"

#define ECHOES 100

static int find_config(void)
{
	char path[64];
	struct stat st;
	int missing = 0;

	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "./conf.d/%03d.conf", i);
		missing += stat(path, &st) < 0 && errno == ENOENT;
	}
	return missing;
}

static int refused_connects(void)
{
	struct sockaddr_in a;
	int hold = refused_port(&a), refused = 0;

	if (hold < 0)
		return -1;
	for (int i = 0; i < 20; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			break;
		refused += connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 &&
			   errno == ECONNREFUSED;
		close(fd);
	}
	close(hold);
	return refused;
}

static int file_roundtrip(void)
{
	char name[] = "./clean-XXXXXX", buf[64] = "";
	int fd = mkstemp(name), ok;

	if (fd < 0)
		return 0;
	ok = write(fd, "state 1\n", 8) == 8 && fsync(fd) == 0 &&
	     lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, sizeof(buf)) == 8 &&
	     !rename(name, "./clean-state");
	close(fd);
	return ok && !unlink("./clean-state");
}

static int wait_for(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};

	return poll(&p, 1, 5000) == 1 ? 0 : -1;
}

/* One client: connects without blocking, sends a line, reads it back. The server
 * side runs in between, from the same loop. */
static int echo_once(int lfd, const struct sockaddr_in *a)
{
	char buf[16];
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), s, n, ok = 0;

	if (c < 0)
		return 0;
	if (connect(c, (const struct sockaddr *)a, sizeof(*a)) && errno != EINPROGRESS)
		goto out;
	if (wait_for(lfd, POLLIN) || wait_for(c, POLLOUT))
		goto out;
	/* Accept until EAGAIN, as an edge-triggered server does; one client is waiting. */
	s = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	if (s < 0)
		goto out;
	if (accept4(lfd, NULL, NULL, SOCK_NONBLOCK) >= 0 || errno != EAGAIN)
		goto out_s;
	if (write(c, "ping\n", 5) != 5 || wait_for(s, POLLIN))
		goto out_s;
	n = read(s, buf, sizeof(buf));
	if (n != 5 || write(s, buf, 5) != 5 || wait_for(c, POLLIN))
		goto out_s;
	ok = read(c, buf, sizeof(buf)) == 5 && !memcmp(buf, "ping\n", 5);
out_s:
	close(s);
out:
	close(c);
	return ok;
}

static int echo_server(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), echoed = 0;

	if (lfd < 0)
		return 0;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!bind(lfd, (struct sockaddr *)&a, sizeof(a)) && !listen(lfd, 16) &&
	    !getsockname(lfd, (struct sockaddr *)&a, &len))
		for (int i = 0; i < ECHOES; i++)
			echoed += echo_once(lfd, &a);
	close(lfd);
	return echoed;
}

int main(void)
{
	int missing = find_config(), refused = refused_connects();
	int file = file_roundtrip(), echoed = echo_server();

	printf("missing %d refused %d file %s echoed %d\n", missing, refused,
	       file ? "ok" : "failed", echoed);
	return 0;
}
