// SPDX-License-Identifier: MIT
/* SARIF 2.1.0 writer: one rule per finding kind present, one result per finding with
 * its first stack's top frame in the program's own code as the location, every stack a
 * code flow, and source paths relative to the source root (uriBaseId SRCROOT) so that
 * code-scanning services map them to the repository's files. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "jsonutil.h"
#include "explain.h"
#include "fileutil.h"
#include "report_sarif.h"
#include "vigil/finding.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_VERSION "2.1.0"
#define ROOT_BASE "SRCROOT"
/* Bumped only if the finding ids change meaning: services match results across runs
 * by it. */
#define FINGERPRINT "vigil/v2"

/* Each kind's usual severity (the rule's default level), a name for people (SARIF
 * wants it to differ from the id) and what it is (DESIGN.md "Finding kinds");
 * explain.c says why it matters and how it is fixed. */
static const struct {
	enum vigil_severity severity;
	const char *name, *summary;
} kinds[VIGIL_FK_MAX] = {
	[VIGIL_FK_LEAK] = {VIGIL_SEV_ERROR, "MemoryLeak",
		"Heap block unreachable at exit."},
	[VIGIL_FK_LEAK_REACHABLE] = {VIGIL_SEV_INFO, "ReachableAtExit",
		"Heap block still referenced at exit, never freed."},
	[VIGIL_FK_HEAP_GROWTH] = {VIGIL_SEV_WARNING, "HeapGrowth",
		"Live bytes from one allocation site kept growing through the run."},
	[VIGIL_FK_DOUBLE_FREE] = {VIGIL_SEV_ERROR, "DoubleFree",
		"Heap block freed twice."},
	[VIGIL_FK_INVALID_FREE] = {VIGIL_SEV_ERROR, "InvalidFree",
		"Free of a pointer the allocator never returned."},
	[VIGIL_FK_MISMATCHED_FREE] = {VIGIL_SEV_ERROR, "MismatchedFree",
		"Block released by another allocator family than the one that allocated it "
		"(malloc/free, new/delete, new[]/delete[])."},
	[VIGIL_FK_HEAP_OVERFLOW] = {VIGIL_SEV_ERROR, "HeapOverflow",
		"Write past the end of a heap block."},
	[VIGIL_FK_USE_AFTER_FREE] = {VIGIL_SEV_ERROR, "UseAfterFree",
		"Access to a freed heap block."},
	[VIGIL_FK_BAD_ALLOC_SIZE] = {VIGIL_SEV_WARNING, "BadAllocationSize",
		"Allocation with an overflowing, negative or absurd size."},
	[VIGIL_FK_LOCK_ORDER_INVERSION] = {VIGIL_SEV_ERROR, "LockOrderInversion",
		"Two locks taken in both orders: a potential deadlock."},
	[VIGIL_FK_DEADLOCK] = {VIGIL_SEV_ERROR, "LockCycleDeadlock",
		"Threads blocked in a lock cycle."},
	[VIGIL_FK_UNLOCK_NOT_OWNER] = {VIGIL_SEV_ERROR, "UnlockNotOwner",
		"Unlock of a mutex the thread does not hold."},
	[VIGIL_FK_DOUBLE_LOCK] = {VIGIL_SEV_ERROR, "DoubleLock",
		"Relock of a non-recursive mutex the thread holds."},
	[VIGIL_FK_DESTROY_LOCKED] = {VIGIL_SEV_ERROR, "DestroyLocked",
		"Destroy of a locked mutex, or of an rwlock or condition variable in use."},
	[VIGIL_FK_COND_WAIT_NOT_OWNER] = {VIGIL_SEV_ERROR, "CondWaitNotOwner",
		"Condition wait with a mutex the thread does not hold."},
	[VIGIL_FK_THREAD_LEAK] = {VIGIL_SEV_WARNING, "ThreadLeak",
		"Thread neither joined nor detached by exit."},
	[VIGIL_FK_LOCK_CONTENTION] = {VIGIL_SEV_INFO, "LockContention",
		"Lock with a large total wait time."},
	[VIGIL_FK_MT_UNSAFE_CALL] = {VIGIL_SEV_WARNING, "ThreadUnsafeCall",
		"Non-reentrant libc call from several threads."},
	[VIGIL_FK_SIGNAL_UNSAFE_CALL] = {VIGIL_SEV_ERROR, "SignalUnsafeCall",
		"Async-signal-unsafe call inside a signal handler."},
	[VIGIL_FK_DATA_RACE] = {VIGIL_SEV_ERROR, "DataRace",
		"Conflicting accesses from two threads with no common lock and no "
		"happens-before."},
	[VIGIL_FK_FD_LEAK] = {VIGIL_SEV_WARNING, "DescriptorLeak",
		"Descriptor opened and never closed by exit."},
	[VIGIL_FK_DOUBLE_CLOSE] = {VIGIL_SEV_ERROR, "DoubleClose",
		"Descriptor closed twice."},
	[VIGIL_FK_BAD_FD] = {VIGIL_SEV_ERROR, "BadDescriptor",
		"Use of a descriptor that is not open."},
	[VIGIL_FK_FD_REUSE] = {VIGIL_SEV_ERROR, "StaleDescriptor",
		"Use of a stale descriptor number after it was closed and reopened elsewhere."},
	[VIGIL_FK_NONBLOCKING_SPIN] = {VIGIL_SEV_WARNING, "NonblockingSpin",
		"Busy loop on EAGAIN without waiting."},
	[VIGIL_FK_UNSAFE_API] = {VIGIL_SEV_WARNING, "UnsafeApi",
		"Call of an inherently dangerous function."},
	[VIGIL_FK_DEPRECATED_API] = {VIGIL_SEV_INFO, "DeprecatedApi",
		"Call of an obsolete function that has a modern replacement."},
	[VIGIL_FK_FORMAT_STRING] = {VIGIL_SEV_ERROR, "WritableFormatString",
		"printf-family format from writable memory."},
	[VIGIL_FK_MEMCPY_OVERLAP] = {VIGIL_SEV_ERROR, "OverlappingCopy",
		"memcpy or strcpy with overlapping buffers."},
	[VIGIL_FK_INSECURE_PERMISSIONS] = {VIGIL_SEV_WARNING, "WorldWritableFile",
		"File or directory created or chmod'ed world-writable."},
	[VIGIL_FK_INSECURE_TEMPFILE] = {VIGIL_SEV_WARNING, "InsecureTempFile",
		"Predictable temporary path opened without O_EXCL."},
	[VIGIL_FK_SHELL_EXEC] = {VIGIL_SEV_INFO, "ShellCommand",
		"Command run through a shell."},
	[VIGIL_FK_TLS_VERIFY_DISABLED] = {VIGIL_SEV_WARNING, "TlsVerificationDisabled",
		"TLS peer verification turned off."},
	[VIGIL_FK_SYSCALL_ERRORS] = {VIGIL_SEV_WARNING, "SyscallErrorStorm",
		"Syscall failing at a high rate with one errno."},
	[VIGIL_FK_WX_MAPPING] = {VIGIL_SEV_WARNING, "WritableExecutableMemory",
		"Memory mapped writable and executable."},
	[VIGIL_FK_SLOW_SYSCALL] = {VIGIL_SEV_INFO, "SlowSyscall",
		"Syscall latency outlier."},
	[VIGIL_FK_CRASH] = {VIGIL_SEV_ERROR, "FatalSignal",
		"Process killed by a fatal signal."},
};

/* What a stack is, for its code flow's message. */
static const char *const role_phrases[VIGIL_ROLE_MAX] = {
	[VIGIL_ROLE_ALLOCATION] = "allocated here",
	[VIGIL_ROLE_FREE] = "freed here",
	[VIGIL_ROLE_FIRST_FREE] = "first freed here",
	[VIGIL_ROLE_CRASH] = "crashed here",
	[VIGIL_ROLE_ACCESS] = "accessed here",
	[VIGIL_ROLE_ACQUIRE] = "locked here",
	[VIGIL_ROLE_HELD] = "while holding a lock taken here",
	[VIGIL_ROLE_BLOCKED] = "blocked here",
	[VIGIL_ROLE_THREAD_CREATE] = "thread created here",
	[VIGIL_ROLE_CALL] = "called here",
	[VIGIL_ROLE_OTHER_CALL] = "also called here",
	[VIGIL_ROLE_HANDLER] = "in a signal handler entered here",
	[VIGIL_ROLE_OPEN] = "opened here",
	[VIGIL_ROLE_CLOSE] = "closed here",
};

struct ctx {
	const char *root; /* absolute, normalized; "/" or no trailing slash */
	const char *cwd;  /* NULL when unknown */
	bool ok;
};

static json_int_t jint(const json_t *o, const char *k, json_int_t dflt)
{
	const json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static void set(struct ctx *c, json_t *o, const char *k, json_t *v)
{
	if (!o || json_object_set_new(o, k, v))
		c->ok = false;
}

static void push(struct ctx *c, json_t *a, json_t *v)
{
	if (!a || json_array_append_new(a, v))
		c->ok = false;
}

static json_t *message(const char *text)
{
	return json_pack("{s:s}", "text", text);
}

static int kind_index(const char *kind)
{
	for (unsigned k = 1; kind && k < VIGIL_FK_MAX; k++)
		if (!strcmp(vigil_kind_name(k), kind))
			return (int)k;
	return -1;
}

static const char *level_of(const char *severity)
{
	if (severity && !strcmp(severity, "error"))
		return "error";
	if (severity && !strcmp(severity, "info"))
		return "note";
	return "warning";
}

/* Lexically: "//" and "." dropped, ".." takes the component before it (never past
 * the root). In place, path absolute: the result is never longer, and each component
 * moves left of where it was read. */
static void normalize(char *path)
{
	char *in = path, *out = path;

	while (*in) {
		size_t n;

		while (*in == '/')
			in++;
		n = strcspn(in, "/");
		if (n == 2 && in[0] == '.' && in[1] == '.') {
			while (out > path && *--out != '/')
				;
		} else if (n && !(n == 1 && in[0] == '.')) {
			*out++ = '/';
			memmove(out, in, n);
			out += n;
		}
		in += n;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* The part of abs below the root, or NULL when it is not below it. */
static const char *below_root(const struct ctx *c, const char *abs)
{
	size_t n = strlen(c->root);

	if (!strcmp(c->root, "/"))
		return abs[1] ? abs + 1 : NULL;
	if (strncmp(abs, c->root, n) || abs[n] != '/' || !abs[n + 1])
		return NULL;
	return abs + n + 1;
}

/* RFC 3986: unreserved characters, sub-delims and '/' stay, everything else is
 * percent-encoded (':' too, so a relative path never reads as a scheme). */
static bool uri_keeps(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       strchr("-._~/!$&'()*+,;=@", ch);
}

static json_t *uri(const char *prefix, const char *path, const char *suffix)
{
	size_t n = strlen(prefix) + 3 * strlen(path) + strlen(suffix) + 1;
	char *buf = malloc(n), *p;
	json_t *j;

	if (!buf)
		return NULL;
	p = buf + sprintf(buf, "%s", prefix);
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		if (uri_keeps(*s))
			*p++ = (char)*s;
		else
			p += sprintf(p, "%%%02X", *s);
	}
	strcpy(p, suffix);
	j = json_string(buf);
	free(buf);
	return j;
}

/* dir/file, or file alone when absolute, normalized into buf. false when too long. */
static bool join(char *buf, size_t len, const char *dir, const char *file)
{
	int n = file[0] == '/' ? snprintf(buf, len, "%s", file)
			       : snprintf(buf, len, "%s/%s", dir, file);

	if (n < 0 || (size_t)n >= len)
		return false;
	normalize(buf);
	return true;
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* The artifactLocation of a frame's source file, or NULL when there is none to give.
 * Debug info holds the path the compiler was given. An absolute one is used as it is
 * (relative to the root when below it). A relative one is relative to the directory
 * the program was built in, which the report does not record: it is looked for in the
 * source root, then in the current directory (where builds and test runs usually
 * happen), and used only where it names an existing file, so glibc's "../sysdeps/..."
 * never points into the repository. *own: the file is below the root. */
static json_t *artifact(struct ctx *c, const char *file, bool *own)
{
	char abs[2 * PATH_MAX + 2], real[PATH_MAX];
	const char *rel;
	json_t *o;

	*own = false;
	if (!file || !*file)
		return NULL;
	if (file[0] == '/') {
		if (!join(abs, sizeof(abs), NULL, file))
			return NULL;
	} else if (!(join(abs, sizeof(abs), c->root, file) && is_file(abs)) &&
		   !(c->cwd && join(abs, sizeof(abs), c->cwd, file) && is_file(abs))) {
		return NULL;
	}
	rel = below_root(c, abs);
	/* A path through a symlink to the root (or the root through one). */
	if (!rel && realpath(abs, real))
		rel = below_root(c, real);
	o = json_object();
	if (rel) {
		*own = true;
		set(c, o, "uri", uri("", rel, ""));
		set(c, o, "uriBaseId", json_string(ROOT_BASE));
	} else {
		set(c, o, "uri", uri("file://", abs, ""));
	}
	return o;
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

/* A frame as a location: its file and line when they can be given, the function as
 * a logical location, and (with_msg) the function as the message, with the file or
 * module+offset when there is no physical location to show them. *own: its file is
 * below the source root and it has a line. */
static json_t *frame_location(struct ctx *c, const json_t *fr, bool with_msg, bool *own)
{
	const char *fn = vigil_jstr(fr, "function"), *file = vigil_jstr(fr, "file");
	const char *mod = vigil_jstr(fr, "module"), *off = vigil_jstr(fr, "offset");
	json_int_t line = jint(fr, "line", 0);
	json_t *loc = json_object(), *art = artifact(c, file, own);
	const char *name = fn ? fn : "??";
	char *text = NULL;
	int n;

	*own = *own && line > 0;
	if (art) {
		json_t *phys = json_object();

		set(c, phys, "artifactLocation", art);
		if (line > 0)
			set(c, phys, "region", json_pack("{s:I}", "startLine", line));
		set(c, loc, "physicalLocation", phys);
	}
	if (fn)
		set(c, loc, "logicalLocations",
		    json_pack("[{s:s,s:s}]", "name", fn, "kind", "function"));
	if (!with_msg)
		return loc;
	/* Whole, however long a C++ name gets: a cut could split a UTF-8 sequence. */
	if (art)
		n = asprintf(&text, "%s", name);
	else if (file && line > 0)
		n = asprintf(&text, "%s (%s:%lld)", name, file, (long long)line);
	else if (file)
		n = asprintf(&text, "%s (%s)", name, file);
	else if (mod)
		n = asprintf(&text, "%s (%s+%s)", name, base_name(mod), off ? off : "?");
	else
		n = asprintf(&text, "%s", name);
	set(c, loc, "message", n < 0 ? NULL : message(text));
	if (n >= 0)
		free(text);
	return loc;
}

/* The result's location: the first stack's top frame with a line in a file below the
 * source root (the program's own code), else its top frame. */
static json_t *primary_location(struct ctx *c, const json_t *stacks)
{
	const json_t *frames = json_object_get(json_array_get(stacks, 0), "frames"), *fr;
	size_t i;
	bool own;

	json_array_foreach(frames, i, fr) {
		json_t *loc = frame_location(c, fr, false, &own);

		if (own)
			return loc;
		json_decref(loc);
	}
	fr = json_array_get(frames, 0);
	return fr ? frame_location(c, fr, false, &own) : NULL;
}

/* A stack as a code flow of one thread flow, outermost frame first (the order the
 * thread ran them in), nestingLevel its call depth. NULL for a stack with no frames:
 * a thread flow needs one location. */
static json_t *code_flow(struct ctx *c, const json_t *st)
{
	const json_t *frames = json_object_get(st, "frames");
	const char *role = vigil_jstr(st, "role"), *phrase = NULL;
	json_int_t tid = jint(st, "tid", 0);
	size_t n = json_array_size(frames);
	json_t *locs, *tf, *cf, *props;
	char text[128];

	if (!n)
		return NULL;
	for (unsigned r = 1; role && r < VIGIL_ROLE_MAX; r++)
		if (vigil_role_name(r) && !strcmp(vigil_role_name(r), role))
			phrase = role_phrases[r];
	locs = json_array();
	for (size_t i = n; i-- > 0;) {
		const json_t *fr = json_array_get(frames, i);
		const char *mod = vigil_jstr(fr, "module");
		json_t *tfl = json_object();
		bool own;

		set(c, tfl, "location", frame_location(c, fr, true, &own));
		set(c, tfl, "nestingLevel", json_integer((json_int_t)(n - 1 - i)));
		if (mod)
			set(c, tfl, "module", json_string(mod));
		if (json_is_true(json_object_get(fr, "inlined")))
			set(c, tfl, "properties", json_pack("{s:b}", "inlined", 1));
		push(c, locs, tfl);
	}
	if (tid > 0)
		snprintf(text, sizeof(text), "%s (thread %lld)", phrase ? phrase : "stack",
			 (long long)tid);
	else
		snprintf(text, sizeof(text), "%s", phrase ? phrase : "stack");
	props = json_object();
	set(c, props, "role", json_string(role ? role : "unknown"));
	if (tid > 0)
		set(c, props, "tid", json_integer(tid));
	tf = json_object();
	set(c, tf, "message", message(role ? role : "stack"));
	set(c, tf, "locations", locs);
	set(c, tf, "properties", props);
	cf = json_object();
	set(c, cf, "message", message(text));
	set(c, cf, "threadFlows", json_pack("[o]", tf));
	return cf;
}

static json_t *rule(struct ctx *c, const char *kind)
{
	int k = kind_index(kind);
	const char *summary = "A finding of a kind this version of vigil does not describe.";
	const char *why = "See the finding's message and stacks.", *fix = NULL;
	enum vigil_severity sev = VIGIL_SEV_WARNING;
	json_t *o = json_object(), *help;
	char *text;

	if (k > 0) {
		summary = kinds[k].summary;
		sev = kinds[k].severity;
	}
	vigil_explain__kind(kind, &why, &fix);
	set(c, o, "id", json_string(kind));
	if (k > 0)
		set(c, o, "name", json_string(kinds[k].name));
	set(c, o, "shortDescription", message(summary));
	set(c, o, "fullDescription", message(why));
	if (fix && asprintf(&text, "%s\n\nUsual fix: %s", why, fix) >= 0) {
		help = message(text);
		free(text);
	} else {
		help = message(why);
	}
	set(c, o, "help", help);
	set(c, o, "defaultConfiguration",
	    json_pack("{s:s}", "level", level_of(vigil_severity_name(sev))));
	return o;
}

static bool has_kind(const json_t *findings, const char *kind, size_t before)
{
	for (size_t i = 0; i < before; i++)
		if (vigil_jstr(json_array_get(findings, i), "kind") &&
		    !strcmp(vigil_jstr(json_array_get(findings, i), "kind"), kind))
			return true;
	return false;
}

/* The kinds present: vigil's in the order of its kind table, then unknown ones in the
 * order they first appear. */
static json_t *rules(struct ctx *c, const json_t *findings)
{
	size_t n = json_array_size(findings);
	json_t *a = json_array();

	for (unsigned k = 1; k < VIGIL_FK_MAX; k++)
		if (has_kind(findings, vigil_kind_name(k), n))
			push(c, a, rule(c, vigil_kind_name(k)));
	for (size_t i = 0; i < n; i++) {
		const char *kind = vigil_jstr(json_array_get(findings, i), "kind");

		if (kind && kind_index(kind) < 0 && !has_kind(findings, kind, i))
			push(c, a, rule(c, kind));
	}
	return a;
}

static json_int_t rule_index(const json_t *rules, const char *kind)
{
	size_t i;
	const json_t *r;

	json_array_foreach(rules, i, r)
		if (!strcmp(vigil_jstr(r, "id"), kind))
			return (json_int_t)i;
	return -1;
}

static json_t *result(struct ctx *c, const json_t *fd, const json_t *rules)
{
	const char *kind = vigil_jstr(fd, "kind"), *msg = vigil_jstr(fd, "message");
	const char *id = vigil_jstr(fd, "id");
	const json_t *stacks = json_object_get(fd, "stacks"), *st, *v;
	json_t *o = json_object(), *loc, *flows = json_array(), *props = json_object();
	json_int_t count = jint(fd, "count", 0);
	size_t i;

	if (!kind)
		kind = "unknown";
	set(c, o, "ruleId", json_string(kind));
	if (rule_index(rules, kind) >= 0)
		set(c, o, "ruleIndex", json_integer(rule_index(rules, kind)));
	set(c, o, "level", json_string(level_of(vigil_jstr(fd, "severity"))));
	set(c, o, "message", message(msg ? msg : kind));
	loc = primary_location(c, stacks);
	if (loc)
		set(c, o, "locations", json_pack("[o]", loc));
	json_array_foreach(stacks, i, st) {
		json_t *cf = code_flow(c, st);

		if (cf)
			push(c, flows, cf);
	}
	if (json_array_size(flows))
		set(c, o, "codeFlows", flows);
	else
		json_decref(flows);
	/* Line-free: the alert survives edits that move the bug's line. */
	if (vigil_jstr(fd, "fingerprint") || id)
		set(c, o, "partialFingerprints",
		    json_pack("{s:s}", FINGERPRINT,
			      vigil_jstr(fd, "fingerprint") ? vigil_jstr(fd, "fingerprint") : id));
	if (count >= 1)
		set(c, o, "occurrenceCount", json_integer(count));
	if (id)
		set(c, props, "id", json_string(id));
	if ((v = json_object_get(fd, "pids")) && json_is_array(v))
		set(c, props, "pids", json_incref((json_t *)v));
	if ((v = json_object_get(fd, "details")) && json_is_object(v))
		set(c, props, "details", json_incref((json_t *)v));
	set(c, o, "properties", props);
	return o;
}

/* POSIX shell quoting, so the command line can be pasted back into a shell. */
static json_t *command_line(const json_t *cmd)
{
	char *buf = NULL;
	size_t len = 0, i;
	const json_t *v;
	json_t *j;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	json_array_foreach(cmd, i, v) {
		const char *s = json_is_string(v) ? json_string_value(v) : "";

		if (i)
			fputc(' ', f);
		if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789@%+=:,./_-") == strlen(s)) {
			fputs(s, f);
			continue;
		}
		fputc('\'', f);
		for (; *s; s++) {
			if (*s == '\'')
				fputs("'\\''", f);
			else
				fputc(*s, f);
		}
		fputc('\'', f);
	}
	if (fclose(f))
		return NULL;
	j = json_string(buf);
	free(buf);
	return j;
}

/* What ran: the target's command line and how it ended (exitCode is vigil's status for
 * it: 128+N after signal N), vigil's notes as notifications. vigil itself ran fine
 * whenever there is a report to convert. */
static json_t *invocation(struct ctx *c, const json_t *run)
{
	const json_t *cmd = json_object_get(run, "command"), *exit = json_object_get(run, "exit");
	const json_t *notes = json_object_get(run, "notes"), *v;
	json_t *o = json_object(), *notifs = json_array();
	json_int_t sig = jint(exit, "signal", 0);
	const char *s;
	size_t i;

	set(c, o, "executionSuccessful", json_true());
	if (json_array_size(cmd)) {
		set(c, o, "commandLine", command_line(cmd));
		set(c, o, "arguments", json_incref((json_t *)cmd));
	}
	if (json_is_integer(json_object_get(exit, "code"))) {
		set(c, o, "exitCode", json_integer(jint(exit, "code", 0)));
	} else if (sig > 0) {
		set(c, o, "exitCode", json_integer(128 + sig));
		set(c, o, "exitSignalNumber", json_integer(sig));
		if (sig < 1024 && sigabbrev_np((int)sig)) {
			char name[32];

			snprintf(name, sizeof(name), "SIG%s", sigabbrev_np((int)sig));
			set(c, o, "exitSignalName", json_string(name));
		}
	}
	if ((s = vigil_jstr(run, "started")))
		set(c, o, "startTimeUtc", json_string(s));
	if ((s = vigil_jstr(run, "ended")))
		set(c, o, "endTimeUtc", json_string(s));
	json_array_foreach(notes, i, v)
		if (json_is_string(v))
			push(c, notifs, json_pack("{s:o,s:s}", "message",
						  message(json_string_value(v)), "level", "warning"));
	if (json_array_size(notifs))
		set(c, o, "toolExecutionNotifications", notifs);
	else
		json_decref(notifs);
	return o;
}

/* The run's mode, checks and counters (stats' numbers: the per-site and per-syscall
 * tables stay in report.json). */
static json_t *run_properties(struct ctx *c, const json_t *report)
{
	const json_t *run = json_object_get(report, "run"), *stats = json_object_get(report, "stats");
	const json_t *v;
	json_t *o = json_object(), *counters = json_object();
	const char *k;

	set(c, o, "schema",
	    json_string(vigil_jstr(report, "schema") ? vigil_jstr(report, "schema") : "?"));
	if (vigil_jstr(run, "mode"))
		set(c, o, "mode", json_string(vigil_jstr(run, "mode")));
	if ((v = json_object_get(run, "checks")) && json_is_array(v))
		set(c, o, "checks", json_incref((json_t *)v));
	set(c, o, "bpf", json_boolean(json_is_true(json_object_get(json_object_get(run, "bpf"),
								     "ran"))));
	json_object_foreach((json_t *)stats, k, v)
		if (json_is_integer(v))
			set(c, counters, k, json_incref((json_t *)v));
	set(c, o, "stats", counters);
	return o;
}

json_t *vigil_sarif__build(const json_t *report, const char *root)
{
	char cwd[PATH_MAX];
	struct ctx c = {.root = root, .cwd = getcwd(cwd, sizeof(cwd)), .ok = true};
	const json_t *findings = json_object_get(report, "findings"), *tool, *fd;
	json_t *log = json_object(), *run = json_object(), *driver = json_object();
	json_t *results = json_array(), *rs;
	const char *version;
	size_t i;

	if (!json_is_array(findings))
		findings = NULL;
	tool = json_object_get(report, "tool");
	version = vigil_jstr(tool, "version") ? vigil_jstr(tool, "version") : VIGIL_VERSION;
	set(&c, log, "$schema", json_string(SARIF_SCHEMA));
	set(&c, log, "version", json_string(SARIF_VERSION));

	set(&c, driver, "name", json_string("vigil"));
	set(&c, driver, "version", json_string(version));
	set(&c, driver, "semanticVersion", json_string(version));
	rs = rules(&c, findings);
	set(&c, driver, "rules", rs);
	set(&c, run, "tool", json_pack("{s:o}", "driver", driver));
	set(&c, run, "invocations",
	    json_pack("[o]", invocation(&c, json_object_get(report, "run"))));
	set(&c, run, "originalUriBaseIds",
	    json_pack("{s:{s:o}}", ROOT_BASE, "uri",
		      uri("file://", root, strcmp(root, "/") ? "/" : "")));
	json_array_foreach(findings, i, fd)
		push(&c, results, result(&c, fd, rs));
	set(&c, run, "results", results);
	set(&c, run, "properties", run_properties(&c, report));
	set(&c, log, "runs", json_pack("[o]", run));
	if (!c.ok) {
		json_decref(log);
		return NULL;
	}
	return log;
}

int vigil_sarif__render(const json_t *report, const char *root, FILE *f)
{
	json_t *log = vigil_sarif__build(report, root);
	int err = 0;

	if (!log)
		return -ENOMEM;
	errno = 0;
	if (json_dumpf(log, f, JSON_INDENT(2) | JSON_ENSURE_ASCII) || fputc('\n', f) == EOF)
		err = errno ? -errno : -EIO;
	json_decref(log);
	return err;
}

struct write_ctx {
	const json_t *report;
	const char *root;
};

static int render_cb(FILE *f, const void *arg)
{
	const struct write_ctx *w = arg;

	return vigil_sarif__render(w->report, w->root, f);
}

int vigil_sarif__write_atomic(const json_t *report, const char *root, const char *path)
{
	struct write_ctx w = {report, root};

	return vigil_file__write_atomic(path, render_cb, &w);
}

int vigil_sarif__source_root(const char *dir, char *out, size_t len)
{
	char cwd[PATH_MAX], real[PATH_MAX];
	struct stat st;

	if (!dir) {
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		dir = cwd;
	}
	if (!realpath(dir, real) || stat(real, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (strlen(real) >= len)
		return -ENAMETOOLONG;
	strcpy(out, real);
	return 0;
}
