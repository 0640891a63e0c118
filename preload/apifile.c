// SPDX-License-Identifier: MIT
/* insecure-permissions and insecure-tempfile: the umask the program set (and where),
 * the paths mkstemp and mkdtemp made, and the checks run when a file or directory is
 * created, opened for creation or chmod'ed. Only the rare case (a world-writable
 * result, a creation without O_EXCL under a temporary directory) costs a system call
 * or two. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "api.h"
#include "ialloc.h"
#include "stack.h"

#define TEMPS 1024u /* paths mkstemp/mkdtemp made, remembered (a ring) */

/* The umask: UMASK_UNKNOWN until read from /proc/self/status or set by umask(). */
#define UMASK_UNKNOWN (-1)
static int cur_umask = UMASK_UNKNOWN;
/* The stack of the umask() call that let world-writable bits through, 0 if none. */
static uint32_t umask_stack;
static uint32_t umask_tid;

static uint64_t temps[TEMPS]; /* path hash, low bit set for a directory */
static unsigned temps_next;

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h & ~1ull;
}

/* Lexically normalised: no ".", "..", empty components or trailing slash. */
static void normalise(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	while (*in) {
		const char *c;
		size_t len;

		while (*in == '/')
			in++;
		c = in;
		while (*in && *in != '/')
			in++;
		len = (size_t)(in - c);
		if (!len || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (n && out[n - 1] != '/')
				n--;
			if (n)
				n--;
			continue;
		}
		if (n + 1 + len >= cap)
			break;
		out[n++] = '/';
		memcpy(out + n, c, len);
		n += len;
	}
	if (!n)
		out[n++] = '/';
	out[n] = '\0';
}

/* Path buffers come from vigil's allocator, not the stack: these checks run inside
 * the program's open() and mkdir(), on whatever stack the calling thread has (a
 * PTHREAD_STACK_MIN thread has 16 KiB in all). */
static char *path_buf(size_t n)
{
	return vigil_ialloc(n);
}

/* The absolute form of path, relative to dirfd; -1 when the base is unknown. */
static int absolute(int dirfd, const char *path, char *out, size_t cap)
{
	char *tmp = path_buf(PATH_MAX * 2);
	size_t n = 0;
	int r = -1;

	if (!tmp)
		return -1;
	if (path[0] != '/') {
		if (dirfd == AT_FDCWD) {
			if (syscall(SYS_getcwd, tmp, PATH_MAX) <= 0 || tmp[0] != '/')
				goto out;
		} else {
			char link[32];
			ssize_t len;

			vigil_fmt__str(link, sizeof(link), &n, "/proc/self/fd/");
			vigil_fmt__u64(link, sizeof(link), &n, (uint64_t)dirfd);
			len = readlink(link, tmp, PATH_MAX - 1);
			if (len <= 0 || tmp[0] != '/')
				goto out;
			tmp[len] = '\0';
		}
		n = strlen(tmp);
		tmp[n++] = '/';
	}
	tmp[n] = '\0';
	vigil_fmt__str(tmp, PATH_MAX * 2, &n, path);
	normalise(tmp, out, cap);
	r = 0;
out:
	vigil_ifree(tmp, PATH_MAX * 2);
	return r;
}

/* Whether path (absolute, normalised) lies under dir. */
static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n && dir[n - 1] == '/')
		n--;
	return n && !strncmp(path, dir, n) && path[n] == '/';
}

static int in_temp_dir(const char *path)
{
	const char *env = getenv("TMPDIR");
	char *t;
	int r;

	if (under(path, "/tmp") || under(path, "/var/tmp"))
		return 1;
	if (!env || env[0] != '/' || !(t = path_buf(PATH_MAX)))
		return 0;
	normalise(env, t, PATH_MAX);
	r = under(path, t);
	vigil_ifree(t, PATH_MAX);
	return r;
}

void vigil_api__made_temp(const char *path, int dir)
{
	char *abs;
	int saved = errno;
	unsigned i;

	vigil_guard__enter();
	abs = path_buf(PATH_MAX);
	if (abs && !absolute(AT_FDCWD, path, abs, PATH_MAX)) {
		i = __atomic_fetch_add(&temps_next, 1, __ATOMIC_RELAXED) % TEMPS;
		__atomic_store_n(&temps[i], hash_bytes(abs, strlen(abs)) | (dir ? 1 : 0),
				 __ATOMIC_RELEASE);
	}
	if (abs)
		vigil_ifree(abs, PATH_MAX);
	vigil_guard__leave();
	errno = saved;
}

static int temp_known(uint64_t h, int dir)
{
	for (unsigned i = 0; i < TEMPS; i++) {
		uint64_t v = __atomic_load_n(&temps[i], __ATOMIC_ACQUIRE);

		if (v && (v & ~1ull) == h && (!dir || (v & 1)))
			return 1;
	}
	return 0;
}

/* The file itself came from mkstemp, or one of its directories from mkdtemp. */
static int made_by_mkstemp(const char *abs)
{
	if (temp_known(hash_bytes(abs, strlen(abs)), 0))
		return 1;
	for (const char *p = strchr(abs + 1, '/'); p; p = strchr(p + 1, '/'))
		if (temp_known(hash_bytes(abs, (size_t)(p - abs)), 1))
			return 1;
	return 0;
}

/* Another user can plant a file or a symlink under a predictable name only in a
 * directory others may write to (/tmp itself, sticky or not). A private directory
 * under /tmp (made by mkdtemp, a test harness, a service's own) is no risk. In a
 * sticky one nobody else can remove or rename what is there: a regular file of ours
 * that exists already (a name mkstemp made in another process, which then handed it
 * on, as gcc's driver does to cc1) is safe to open. */
static int name_exposed(const char *abs)
{
	const char *slash = strrchr(abs, '/');
	size_t n = (size_t)(slash - abs);
	char *dir;
	struct stat st;
	int r;

	if (n >= PATH_MAX || !(dir = path_buf(PATH_MAX)))
		return 0;
	memcpy(dir, abs, n);
	dir[n] = '\0';
	if (!n)
		strcpy(dir, "/");
	r = stat(dir, &st);
	vigil_ifree(dir, PATH_MAX);
	if (r || !(st.st_mode & S_IWOTH))
		return 0;
	if (!(st.st_mode & S_ISVTX))
		return 1;
	return lstat(abs, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	       st.st_nlink != 1;
}

static void report_tempfile(const char *abs, int flags, unsigned fn)
{
	struct vigil_fbuild f = {0};
	uint32_t stack = vigil_stack__capture();

	if (!vigil_api__claim(vigil_api__key(VIGIL_FK_INSECURE_TEMPFILE, fn, stack)))
		return;
	vigil_fb__stack(&f, stack, (uint32_t)vigil_gettid(), VIGIL_ROLE_CALL);
	vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
	vigil_fb__kv(&f, VIGIL_KEY_FLAGS, (uint64_t)(unsigned)flags);
	vigil_api__text(&f, abs);
	vigil_fb__emit(&f, VIGIL_FK_INSECURE_TEMPFILE, VIGIL_SEV_WARNING);
}

static void check_tempfile(int dirfd, const char *path, int flags, unsigned fn)
{
	char *abs = path_buf(PATH_MAX);

	if (!abs)
		return;
	if (!absolute(dirfd, path, abs, PATH_MAX) && in_temp_dir(abs) &&
	    !made_by_mkstemp(abs) && name_exposed(abs))
		report_tempfile(abs, flags, fn);
	vigil_ifree(abs, PATH_MAX);
}

/* "Umask:\t0022" in /proc/self/status: the umask without changing it. */
static int read_umask(void)
{
	char buf[512]; /* Umask is the second line */
	const char *p;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC), m = 0;

	if (fd < 0)
		return 022;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	p = strstr(buf, "\nUmask:");
	if (!p)
		return 022;
	for (p += 7; *p == ' ' || *p == '\t'; p++)
		;
	for (; *p >= '0' && *p <= '7'; p++)
		m = m * 8 + (*p - '0');
	return m;
}

static int get_umask(void)
{
	int m = __atomic_load_n(&cur_umask, __ATOMIC_ACQUIRE);

	if (m == UMASK_UNKNOWN) {
		m = read_umask();
		__atomic_store_n(&cur_umask, m, __ATOMIC_RELEASE);
	}
	return m;
}

void vigil_api__umask(mode_t m)
{
	int saved = errno;

	vigil_guard__enter();
	__atomic_store_n(&cur_umask, (int)(m & 0777), __ATOMIC_RELEASE);
	if (m & S_IWOTH) {
		__atomic_store_n(&umask_stack, 0, __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&umask_tid, (uint32_t)vigil_gettid(), __ATOMIC_RELAXED);
		__atomic_store_n(&umask_stack, vigil_stack__capture(), __ATOMIC_RELAXED);
	}
	vigil_guard__leave();
	errno = saved;
}

/* The text of what fd (or path under dirfd) names, for the report. */
static void describe(int dirfd, const char *path, int fd, char *out, size_t cap)
{
	char link[32];
	size_t n = 0;
	ssize_t r;

	out[0] = '\0';
	if (path) {
		if (absolute(dirfd, path, out, cap))
			vigil_fmt__str(out, cap, &n, path);
		return;
	}
	vigil_fmt__str(link, sizeof(link), &n, "/proc/self/fd/");
	vigil_fmt__u64(link, sizeof(link), &n, (uint64_t)fd);
	r = readlink(link, out, cap - 1);
	out[r > 0 ? r : 0] = '\0';
}

static void report_perm(int dirfd, const char *path, int fd, mode_t eff, int umask,
			unsigned reason, unsigned fn)
{
	struct vigil_fbuild f = {0};
	char *text;
	uint32_t stack = vigil_stack__capture(), us;

	if (!vigil_api__claim(vigil_api__key(VIGIL_FK_INSECURE_PERMISSIONS, fn, stack)) ||
	    !(text = path_buf(PATH_MAX)))
		return;
	vigil_fb__stack(&f, stack, (uint32_t)vigil_gettid(), VIGIL_ROLE_CALL);
	/* The umask(0) that let the bits through, when the program made it so. */
	us = __atomic_load_n(&umask_stack, __ATOMIC_RELAXED);
	if (umask >= 0 && us)
		vigil_fb__stack(&f, us, __atomic_load_n(&umask_tid, __ATOMIC_RELAXED),
				VIGIL_ROLE_OTHER_CALL);
	vigil_fb__kv(&f, VIGIL_KEY_FUNC, fn);
	vigil_fb__kv(&f, VIGIL_KEY_REASON, reason);
	vigil_fb__kv(&f, VIGIL_KEY_MODE, eff);
	if (umask >= 0)
		vigil_fb__kv(&f, VIGIL_KEY_UMASK, (uint64_t)umask);
	describe(dirfd, path, fd, text, PATH_MAX);
	vigil_api__text(&f, text);
	vigil_ifree(text, PATH_MAX);
	vigil_fb__emit(&f, VIGIL_FK_INSECURE_PERMISSIONS, VIGIL_SEV_WARNING);
}

/* World-writable, except a sticky directory: that is /tmp's own pattern, a shared
 * directory where nobody may remove another's files. */
static int world_writable(mode_t mode, int dir)
{
	return (mode & S_IWOTH) && !(dir && (mode & S_ISVTX));
}

/* A creation of path with mode (before the umask). An existing path is not created
 * (open's O_CREAT then keeps its mode): only looked at when the mode is unsafe. An
 * O_TMPFILE open (unnamed) names the directory and always creates. */
static void check_create(int dirfd, const char *path, mode_t mode, unsigned fn, int dir,
			 int unnamed)
{
	struct stat st;
	int um;
	mode_t eff;

	if (!(mode & S_IWOTH))
		return;
	um = get_umask();
	eff = mode & ~(mode_t)um & 07777;
	if (!world_writable(eff, dir))
		return;
	if (!unnamed && !fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW))
		return;
	report_perm(dirfd, path, -1, eff, um, VIGIL_REASON_CREATED, fn);
}

void vigil_api__opening_at(int dirfd, const char *path, int flags, mode_t mode, unsigned fn)
{
	int saved = errno;

	if (!path || !(flags & (O_CREAT | __O_TMPFILE)) || !vigil_api__on())
		return;
	vigil_guard__enter();
	if ((flags & O_TMPFILE) == O_TMPFILE)
		check_create(dirfd, path, mode, fn, 0, 1);
	else if (flags & O_CREAT)
		check_create(dirfd, path, mode, fn, 0, 0);
	if ((flags & O_CREAT) && !(flags & O_EXCL))
		check_tempfile(dirfd, path, flags, fn);
	vigil_guard__leave();
	errno = saved;
}

void vigil_api__opening(const char *path, int flags, mode_t mode, unsigned fn)
{
	vigil_api__opening_at(AT_FDCWD, path, flags, mode, fn);
}

void vigil_api__creating(int dirfd, const char *path, mode_t mode, unsigned fn)
{
	int saved = errno;

	vigil_guard__enter();
	check_create(dirfd, path, mode, fn, fn == VIGIL_FN_MKDIR || fn == VIGIL_FN_MKDIRAT, 0);
	vigil_guard__leave();
	errno = saved;
}

/* chmod sets the bits as given: no umask. S_ISVTX with o+w is a shared directory's
 * mode (a file's sticky bit means nothing on Linux). */
void vigil_api__chmod(int dirfd, const char *path, int fd, mode_t mode, unsigned fn)
{
	int saved = errno;

	if (!world_writable(mode, 1))
		return;
	vigil_guard__enter();
	report_perm(dirfd, path, fd, mode & 07777, -1, VIGIL_REASON_CHMOD, fn);
	vigil_guard__leave();
	errno = saved;
}
