// SPDX-License-Identifier: MIT
/* Clean: streams and the standard descriptors used as intended. fdopen of a dup of
 * a descriptor, both closed in the right order; fdopendir; a log reopened in place
 * with dup2 onto its number (the right way to rotate), written to from the same
 * call site before and after; stdout pointed at a file with dup2 and back, and with
 * freopen; a daemon-style close of stdin and reopen on /dev/null; a write_all helper
 * serving files opened at different sites. Nothing is reported. */
// expect-none: fd-leak
// expect-none: double-close
// expect-none: bad-fd
// expect-none: fd-reuse
// expect-exit: 0
// expect-stdout: back on stdout
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int log_fd;

static int write_all(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static void log_line(const char *s)
{
	write_all(log_fd, s);
}

static void rotate(void)
{
	int fresh = open("/dev/null", O_WRONLY | O_APPEND);

	dup2(fresh, log_fd); /* replaced in place: log_fd stays valid */
	close(fresh);
}

static void save(const char *path, const char *what)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	write_all(fd, what);
	close(fd);
}

int main(void)
{
	char a[] = "/tmp/vigil-streams-a-XXXXXX", b[] = "/tmp/vigil-streams-b-XXXXXX";
	int fd, saved;
	FILE *f;
	DIR *d;

	close(mkstemp(a));
	close(mkstemp(b));
	fd = open(a, O_RDONLY);
	f = fdopen(dup(fd), "r");
	if (!f)
		return 1;
	fgetc(f);
	fclose(f);
	close(fd);
	d = fdopendir(open("/", O_RDONLY | O_DIRECTORY));
	if (!d)
		return 1;
	closedir(d);

	log_fd = open("/dev/null", O_WRONLY | O_APPEND);
	for (int i = 0; i < 6; i++) {
		log_line("request\n");
		if (i == 2)
			rotate();
		if (i == 3)
			save(b, "state\n");
	}
	close(log_fd);
	save(a, "config\n");
	save(b, "state\n");

	fflush(stdout);
	saved = dup(1);
	fd = open("/dev/null", O_WRONLY);
	dup2(fd, 1);
	close(fd);
	printf("to the file\n");
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	printf("back on stdout\n");
	fflush(stdout);

	close(0);
	if (open("/dev/null", O_RDONLY) != 0)
		return 1;
	(void)!read(0, a, 1);
	if (!freopen("/dev/null", "r", stdin))
		return 1;
	fgetc(stdin);
	unlink(a);
	unlink(b);
	return 0;
}
