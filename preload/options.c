// SPDX-License-Identifier: MIT
/* VIGIL_OPTIONS and VIGIL_* parsing. Runs in the preload's constructor before any
 * allocator exists, so it uses no malloc, no stdio and no locale-dependent calls. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/finding.h"
#include "vigil/options.h"

static void err_set(char *err, size_t errlen, const char *a, const char *b, size_t blen,
		    const char *c)
{
	size_t n = 0;
	const char *parts[3] = {a, b, c};
	size_t lens[3] = {strlen(a), blen, strlen(c)};

	if (!errlen)
		return;
	for (int i = 0; i < 3; i++)
		for (size_t j = 0; j < lens[i] && n + 1 < errlen; j++)
			err[n++] = parts[i][j];
	err[n] = '\0';
}

void vigil_options__defaults(struct vigil_options *o)
{
	memset(o, 0, sizeof(*o));
	memcpy(o->out, "vigil-report", sizeof("vigil-report"));
	o->checks = VIGIL_CHECKS_AVAILABLE;
	o->mode = VIGIL_MODE_FULL;
	o->stack_depth = 16;
	o->free_stack_depth = 8;
	o->max_stacks = 1u << 20;
	o->max_blocks = 1ul << 26;
	o->max_findings = 10000;
	o->report_reachable = 0;
	o->leak_check = 1;
	o->standalone = 1;
	o->on_error_abort = 0;
	o->quarantine_bytes = 64ul << 20;
	o->redzone = 16;
	o->free_fill_max = 64;
	o->guard_rate = 5000;
	o->sample_bytes = 1ul << 20;
	o->alloc_size_limit = 1ul << 40;
	o->growth_interval_ms = 1000;
	o->deadlock_ms = 1000;
	o->contention_ms = 100;
	o->max_locks = 1u << 16;
	o->spin_count = 10000;
	o->spin_ms = 100;
	o->fd_leak_min = 2;
	o->syscall_errors_min = 1000;
	o->syscall_errors_rate = 50;
	o->slow_syscall_ms = 200;
}

static int parse_ulong(const char *v, size_t vlen, unsigned long lo, unsigned long hi,
		       unsigned long *out)
{
	char buf[32];
	char *end;
	unsigned long x;

	if (vlen == 0 || vlen >= sizeof(buf) || v[0] == '-' || v[0] == '+')
		return -EINVAL;
	memcpy(buf, v, vlen);
	buf[vlen] = '\0';
	errno = 0;
	x = strtoul(buf, &end, 10);
	if (errno || *end || x < lo || x > hi)
		return -EINVAL;
	*out = x;
	return 0;
}

int vigil_options__parse_checks(const char *s, unsigned *mask, char *err, size_t errlen)
{
	unsigned m = 0;
	const char *p = s;

	for (;;) {
		const char *e = p;
		int found = -1;

		while (*e && *e != ',')
			e++;
		for (unsigned c = 0; c < VIGIL_CHECK_MAX; c++) {
			const char *name = vigil_check_name(c);
			if (strlen(name) == (size_t)(e - p) && !memcmp(name, p, (size_t)(e - p)))
				found = (int)c;
		}
		if (e == p) {
			err_set(err, errlen, "empty check name in '", s, strlen(s), "'");
			return -EINVAL;
		}
		if (found < 0) {
			err_set(err, errlen, "unknown check '", p, (size_t)(e - p),
				"' (known: heap, threads, fds, api, syscalls, races)");
			return -EINVAL;
		}
		if (!(VIGIL_CHECKS_AVAILABLE & (1u << found))) {
			err_set(err, errlen, "check '", p, (size_t)(e - p),
				"' is not available yet (available: " VIGIL_CHECKS_AVAILABLE_NAMES ")");
			return -EINVAL;
		}
		m |= 1u << found;
		if (!*e)
			break;
		p = e + 1;
	}
	*mask = m;
	return 0;
}

static int key_is(const char *k, size_t klen, const char *name)
{
	return strlen(name) == klen && !memcmp(k, name, klen);
}

static int apply(struct vigil_options *o, const char *k, size_t klen, const char *v,
		 size_t vlen, char *err, size_t errlen)
{
	unsigned long x;
	char buf[256];

	if (key_is(k, klen, "out")) {
		if (vlen == 0 || vlen >= sizeof(o->out))
			goto bad;
		memcpy(o->out, v, vlen);
		o->out[vlen] = '\0';
		return 0;
	}
	if (key_is(k, klen, "checks")) {
		if (vlen >= sizeof(buf))
			goto bad;
		memcpy(buf, v, vlen);
		buf[vlen] = '\0';
		return vigil_options__parse_checks(buf, &o->checks, err, errlen);
	}
	if (key_is(k, klen, "mode")) {
		if (key_is(v, vlen, "full"))
			o->mode = VIGIL_MODE_FULL;
		else if (key_is(v, vlen, "canary"))
			o->mode = VIGIL_MODE_CANARY;
		else
			goto bad;
		return 0;
	}
	if (key_is(k, klen, "on_error")) {
		if (key_is(v, vlen, "continue"))
			o->on_error_abort = 0;
		else if (key_is(v, vlen, "abort"))
			o->on_error_abort = 1;
		else
			goto bad;
		return 0;
	}
	if (key_is(k, klen, "quarantine_mb")) {
		if (parse_ulong(v, vlen, 0, 1ul << 20, &x))
			goto bad;
		o->quarantine_bytes = x << 20;
		return 0;
	}
	if (key_is(k, klen, "redzone")) {
		if (parse_ulong(v, vlen, 16, 4096, &x) || (x & 15))
			goto bad;
		o->redzone = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "free_fill_max")) {
		if (parse_ulong(v, vlen, 0, 1ul << 30, &x))
			goto bad;
		o->free_fill_max = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "guard_rate")) {
		if (parse_ulong(v, vlen, 0, 1ul << 40, &x))
			goto bad;
		o->guard_rate = x;
		return 0;
	}
	if (key_is(k, klen, "sample_bytes")) {
		if (parse_ulong(v, vlen, 1, 1ul << 40, &x))
			goto bad;
		o->sample_bytes = x;
		return 0;
	}
	if (key_is(k, klen, "alloc_size_limit")) {
		if (parse_ulong(v, vlen, 1ul << 20, ~0ul, &x))
			goto bad;
		o->alloc_size_limit = x;
		return 0;
	}
	if (key_is(k, klen, "growth_interval_ms")) {
		if (parse_ulong(v, vlen, 10, 3600000, &x))
			goto bad;
		o->growth_interval_ms = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "deadlock_ms")) {
		if (parse_ulong(v, vlen, 10, 3600000, &x))
			goto bad;
		o->deadlock_ms = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "contention_ms")) {
		if (parse_ulong(v, vlen, 0, 3600000, &x))
			goto bad;
		o->contention_ms = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "max_locks")) {
		if (parse_ulong(v, vlen, 16, 1ul << 24, &x))
			goto bad;
		o->max_locks = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "spin_count")) {
		if (parse_ulong(v, vlen, 2, 1ul << 30, &x))
			goto bad;
		o->spin_count = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "spin_ms")) {
		if (parse_ulong(v, vlen, 1, 3600000, &x))
			goto bad;
		o->spin_ms = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "fd_leak_min")) {
		if (parse_ulong(v, vlen, 1, 1ul << 20, &x))
			goto bad;
		o->fd_leak_min = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "syscall_errors_min")) {
		if (parse_ulong(v, vlen, 1, 1ul << 32, &x))
			goto bad;
		o->syscall_errors_min = x;
		return 0;
	}
	if (key_is(k, klen, "syscall_errors_rate")) {
		if (parse_ulong(v, vlen, 0, 1ul << 32, &x))
			goto bad;
		o->syscall_errors_rate = x;
		return 0;
	}
	if (key_is(k, klen, "slow_syscall_ms")) {
		if (parse_ulong(v, vlen, 0, 3600000, &x))
			goto bad;
		o->slow_syscall_ms = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "free_stack_depth")) {
		if (parse_ulong(v, vlen, 1, VIGIL_STACK_DEPTH_MAX, &x))
			goto bad;
		o->free_stack_depth = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "stack_depth")) {
		if (parse_ulong(v, vlen, 1, VIGIL_STACK_DEPTH_MAX, &x))
			goto bad;
		o->stack_depth = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "max_stacks")) {
		if (parse_ulong(v, vlen, 16, 1ul << 26, &x))
			goto bad;
		o->max_stacks = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "max_blocks")) {
		if (parse_ulong(v, vlen, 16, 1ul << 32, &x))
			goto bad;
		o->max_blocks = x;
		return 0;
	}
	if (key_is(k, klen, "max_findings")) {
		if (parse_ulong(v, vlen, 1, 1ul << 24, &x))
			goto bad;
		o->max_findings = (unsigned)x;
		return 0;
	}
	if (key_is(k, klen, "report_reachable") || key_is(k, klen, "leak_check")) {
		if (parse_ulong(v, vlen, 0, 1, &x))
			goto bad;
		if (key_is(k, klen, "report_reachable"))
			o->report_reachable = (int)x;
		else
			o->leak_check = (int)x;
		return 0;
	}
	err_set(err, errlen, "unknown option '", k, klen,
		"' (known: out, checks, mode, on_error, stack_depth, free_stack_depth, max_stacks, "
		"max_blocks, "
		"max_findings, report_reachable, leak_check, quarantine_mb, redzone, "
		"free_fill_max, guard_rate, sample_bytes, alloc_size_limit, growth_interval_ms, "
		"deadlock_ms, contention_ms, max_locks, spin_count, spin_ms, fd_leak_min, syscall_errors_min, "
		"syscall_errors_rate, slow_syscall_ms)");
	return -EINVAL;
bad:
	err_set(err, errlen, "bad value for option '", k, klen, "'");
	return -EINVAL;
}

int vigil_options__parse(struct vigil_options *o, const char *s, char *err, size_t errlen)
{
	const char *p = s;

	while (*p) {
		const char *e = p, *eq;
		int r;

		while (*e && *e != ':')
			e++;
		if (e == p) {
			p++;
			continue;
		}
		for (eq = p; eq < e && *eq != '='; eq++)
			;
		if (eq == e || eq == p) {
			err_set(err, errlen, "expected key=value, got '", p, (size_t)(e - p), "'");
			return -EINVAL;
		}
		r = apply(o, p, (size_t)(eq - p), eq + 1, (size_t)(e - eq - 1), err, errlen);
		if (r)
			return r;
		p = *e ? e + 1 : e;
	}
	return 0;
}

static const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

int vigil_options__from_env(struct vigil_options *o, char *const *envp, char *err,
			    size_t errlen)
{
	const char *v;
	int r;

	v = env_get(envp, "VIGIL_OUT");
	if (v && *v) {
		r = apply(o, "out", 3, v, strlen(v), err, errlen);
		if (r)
			return r;
		o->standalone = 0;
	}
	v = env_get(envp, "VIGIL_CHECKS");
	if (v && (r = apply(o, "checks", 6, v, strlen(v), err, errlen)))
		return r;
	v = env_get(envp, "VIGIL_MODE");
	if (v && (r = apply(o, "mode", 4, v, strlen(v), err, errlen)))
		return r;
	v = env_get(envp, "VIGIL_ON_ERROR");
	if (v && (r = apply(o, "on_error", 8, v, strlen(v), err, errlen)))
		return r;
	v = env_get(envp, "VIGIL_OPTIONS");
	if (v && (r = vigil_options__parse(o, v, err, errlen)))
		return r;
	return 0;
}
