// SPDX-License-Identifier: MIT
/* The monitor of `vigil run` with a stand-in renderer: `vigil dump`'s request answered
 * with the snapshot's path, snapshots every interval, a second run on the same OUT
 * refused, the socket gone when the monitor stops (and a stale one replaced), an OUT
 * too long for sun_path, the monitor thread blocking every signal, --metrics and
 * --events written at start and at the end. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "live.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/vigil-live-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(live, .init = setup, .fini = teardown, .timeout = 30);

struct fake {
	int writes, peeks;
	bool fail;
};

static json_t *fake_render(void *arg, bool write)
{
	struct fake *f = arg;

	if (f->fail) {
		errno = EROFS;
		return NULL;
	}
	__atomic_add_fetch(write ? &f->writes : &f->peeks, 1, __ATOMIC_SEQ_CST);
	return json_pack("{s:s,s:[{s:s,s:s,s:s,s:i,s:[i],s:s,s:[]}]}", "schema",
			 "vigil-report/1", "findings", "id", "00000000000000d4", "kind",
			 "double-free", "severity", "error", "count", 1, "pids", 5, "message",
			 "double free", "stacks");
}

static struct vigil_live *start(const char *out, struct fake *f, unsigned interval,
				const char *metrics, const char *events)
{
	struct vigil_live *l = NULL;
	char why[512] = "";
	struct vigil_live_config cfg = {
		.out = out, .interval_s = interval, .metrics_path = metrics,
		.events_path = events, .render = fake_render, .arg = f,
	};

	cr_assert_eq(vigil_live__start(&l, &cfg, why, sizeof(why)), 0, "%s", why);
	return l;
}

static bool exists(const char *d, const char *name)
{
	char p[PATH_MAX * 2];

	snprintf(p, sizeof(p), "%s/%s", d, name);
	return !access(p, F_OK);
}

Test(live, dump_request_is_answered)
{
	struct fake f = {0};
	struct vigil_live *l = start(dir, &f, 0, NULL, NULL);
	char path[PATH_MAX + 16], why[256] = "", want[PATH_MAX + 16];

	cr_expect(exists(dir, VIGIL_LIVE_SOCK));
	cr_expect(vigil_live__answers(dir));
	cr_assert_eq(vigil_live__request(dir, 10000, path, sizeof(path), why, sizeof(why)), 0,
		     "%s", why);
	snprintf(want, sizeof(want), "%s/report.json", dir);
	cr_expect_str_eq(path, want);
	cr_expect_eq(f.writes, 1);
	cr_assert_eq(vigil_live__request(dir, 10000, path, sizeof(path), why, sizeof(why)), 0);
	cr_expect_eq(f.writes, 2);

	/* The renderer failing is the answer, not a hang. */
	f.fail = true;
	cr_expect_eq(vigil_live__request(dir, 10000, path, sizeof(path), why, sizeof(why)),
		     -EPROTO);
	cr_expect(strstr(why, strerror(EROFS)), "%s", why);

	vigil_live__stop(l);
	cr_expect_not(exists(dir, VIGIL_LIVE_SOCK));
	cr_expect_not(vigil_live__answers(dir));
	cr_expect_eq(vigil_live__request(dir, 1000, path, sizeof(path), why, sizeof(why)),
		     -ENOENT);
	vigil_live__free(l);
}

Test(live, no_run_and_bad_directories)
{
	char path[PATH_MAX + 16], why[256], sub[PATH_MAX + 16];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int s;

	cr_expect_eq(vigil_live__request(dir, 1000, path, sizeof(path), why, sizeof(why)),
		     -ENOENT);
	snprintf(sub, sizeof(sub), "%s/none", dir);
	cr_expect_eq(vigil_live__request(sub, 1000, path, sizeof(path), why, sizeof(why)),
		     -ENOENT);
	cr_expect_eq(vigil_live__request("/dev/null", 1000, path, sizeof(path), why,
					 sizeof(why)), -ENOTDIR);
	/* A socket a killed run left: nothing listens. */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, VIGIL_LIVE_SOCK);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(s);
	cr_expect_eq(vigil_live__request(dir, 1000, path, sizeof(path), why, sizeof(why)),
		     -ECONNREFUSED);
	cr_expect_not(vigil_live__answers(dir));
}

Test(live, stale_socket_is_replaced_and_a_live_one_refused)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct fake f = {0};
	struct vigil_live *l, *other = NULL;
	struct vigil_live_config cfg = {.out = dir, .render = fake_render, .arg = &f};
	char path[PATH_MAX + 16], why[512] = "";
	int s;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, VIGIL_LIVE_SOCK);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(s);
	l = start(dir, &f, 0, NULL, NULL);
	cr_expect_eq(vigil_live__request(dir, 10000, path, sizeof(path), why, sizeof(why)), 0);

	cr_expect_eq(vigil_live__start(&other, &cfg, why, sizeof(why)), -EBUSY);
	cr_expect_null(other);
	cr_expect(strstr(why, "another vigil run is live"), "%s", why);
	/* The refused start left the live run's socket alone. */
	cr_expect_eq(vigil_live__request(dir, 10000, path, sizeof(path), why, sizeof(why)), 0);
	vigil_live__free(l);
	cr_expect_not(exists(dir, VIGIL_LIVE_SOCK));
}

Test(live, long_output_directory)
{
	char out[PATH_MAX], path[PATH_MAX + 16], why[256] = "";
	struct fake f = {0};
	struct vigil_live *l;
	size_t n = (size_t)snprintf(out, sizeof(out), "%s", dir);

	while (n < 150) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "/a-rather-long-directory-name");
		cr_assert_eq(mkdir(out, 0700), 0);
	}
	l = start(out, &f, 0, NULL, NULL);
	cr_expect(exists(out, VIGIL_LIVE_SOCK));
	cr_assert_eq(vigil_live__request(out, 10000, path, sizeof(path), why, sizeof(why)), 0,
		     "%s", why);
	cr_expect(strstr(path, out) == path);
	vigil_live__free(l);
	cr_expect_not(exists(out, VIGIL_LIVE_SOCK));
}

/* A snapshot every interval while the logs change; an idle run's is not rendered
 * again. */
Test(live, snapshots_every_interval)
{
	struct fake f = {0};
	struct vigil_live *l;
	struct timespec t = {.tv_sec = 0, .tv_nsec = 200000000};
	char raw[PATH_MAX + 16], log[PATH_MAX + 32];

	snprintf(raw, sizeof(raw), "%s/raw", dir);
	snprintf(log, sizeof(log), "%s/svc.1.log", raw);
	cr_assert_eq(mkdir(raw, 0700), 0);
	l = start(dir, &f, 1, NULL, NULL);
	for (int i = 0; i < 13; i++) {
		FILE *fp = fopen(log, "a");

		fputs("more", fp);
		fclose(fp);
		nanosleep(&t, NULL);
	}
	cr_expect_eq(f.writes, 2, "%d snapshots in 2.6 s at 1 s", f.writes);
	/* The tick at 3 s still sees what was written after the one at 2 s; those at
	 * 4 s and 5 s see nothing new. */
	t.tv_sec = 2;
	t.tv_nsec = 900000000;
	nanosleep(&t, NULL);
	vigil_live__free(l);
	cr_expect_eq(f.writes, 3, "%d snapshots, the logs unchanged after 2.6 s", f.writes);
	cr_expect_eq(f.peeks, 0);
}

/* Signals meant for vigil must reach the thread that forwards them: the monitor
 * blocks them all. */
Test(live, monitor_blocks_every_signal)
{
	struct fake f = {0};
	struct vigil_live *l;
	DIR *d;
	struct dirent *de;
	char before[4096] = "", p[320], line[256];
	int checked = 0;

	d = opendir("/proc/self/task");
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			strcat(before, de->d_name);
			strcat(before, " ");
		}
	closedir(d);
	l = start(dir, &f, 0, NULL, NULL);
	d = opendir("/proc/self/task");
	while ((de = readdir(d))) {
		char tid[300];
		FILE *st;

		snprintf(tid, sizeof(tid), "%s ", de->d_name);
		if (de->d_name[0] == '.' || strstr(before, tid))
			continue;
		snprintf(p, sizeof(p), "/proc/self/task/%s/status", de->d_name);
		st = fopen(p, "r");
		cr_assert_not_null(st);
		while (fgets(line, sizeof(line), st)) {
			unsigned long long mask;

			if (sscanf(line, "SigBlk: %llx", &mask) != 1)
				continue;
			for (int sig = 1; sig < 32; sig++)
				if (sig != SIGKILL && sig != SIGSTOP)
					cr_expect(mask & (1ull << (sig - 1)), "signal %d not blocked",
						  sig);
			checked++;
		}
		fclose(st);
	}
	closedir(d);
	cr_expect_eq(checked, 1);
	vigil_live__free(l);
}

Test(live, metrics_and_events_from_start_to_end)
{
	char metrics[PATH_MAX + 16], events[PATH_MAX + 16], path[PATH_MAX + 16], why[256];
	char buf[8192];
	struct fake f = {0};
	struct vigil_live *l;
	json_t *final;
	FILE *fp;
	size_t n;

	snprintf(metrics, sizeof(metrics), "%s/vigil.prom", dir);
	snprintf(events, sizeof(events), "%s/events.jsonl", dir);
	l = start(dir, &f, 0, metrics, events);
	fp = fopen(metrics, "r");
	cr_assert_not_null(fp, "no metrics file at start");
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	cr_expect(strstr(buf, "\nvigil_running 1\n"), "%s", buf);

	/* A dump publishes what it rendered. */
	cr_assert_eq(vigil_live__request(dir, 10000, path, sizeof(path), why, sizeof(why)), 0);
	fp = fopen(events, "r");
	cr_assert_not_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	cr_expect(strstr(buf, "\"kind\":\"double-free\""), "%s", buf);
	cr_expect_eq(strchr(buf, '\n') - buf + 1, (long)n, "one line: %s", buf);

	vigil_live__stop(l);
	final = json_pack("{s:[{s:s,s:s,s:s,s:i,s:[i],s:s,s:[]}]}", "findings", "id",
			  "00000000000000e5", "kind", "leak", "severity", "error", "count", 3,
			  "pids", 5, "message", "leak", "stacks");
	cr_assert_eq(vigil_live__final(l, final, why, sizeof(why)), 0, "%s", why);
	json_decref(final);
	vigil_live__free(l);
	fp = fopen(metrics, "r");
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	cr_expect(strstr(buf, "\nvigil_running 0\n"), "%s", buf);
	cr_expect(strstr(buf, "vigil_findings_total{kind=\"leak\",severity=\"error\"} 1\n"));
	fp = fopen(events, "r");
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	cr_expect(strstr(buf, "\"kind\":\"leak\""), "%s", buf);
}

Test(live, unwritable_outputs_fail_at_start)
{
	struct fake f = {0};
	struct vigil_live *l = NULL;
	char bad[PATH_MAX + 32], why[512] = "";
	struct vigil_live_config cfg = {.out = dir, .render = fake_render, .arg = &f};

	snprintf(bad, sizeof(bad), "%s/no/such/x", dir);
	cfg.metrics_path = bad;
	cr_expect_lt(vigil_live__start(&l, &cfg, why, sizeof(why)), 0);
	cr_expect(strstr(why, "cannot write metrics file"), "%s", why);
	cr_expect_not(exists(dir, VIGIL_LIVE_SOCK));
	cfg.metrics_path = NULL;
	cfg.events_path = bad;
	cr_expect_lt(vigil_live__start(&l, &cfg, why, sizeof(why)), 0);
	cr_expect(strstr(why, "cannot open events file"), "%s", why);
	cr_expect_null(l);
}

/* A program that never started, or a final report that failed: the metrics do not go
 * on saying it runs. */
Test(live, metrics_end_without_final)
{
	char metrics[PATH_MAX + 16], buf[4096];
	struct fake f = {0};
	struct vigil_live *l;
	FILE *fp;
	size_t n;

	snprintf(metrics, sizeof(metrics), "%s/vigil.prom", dir);
	l = start(dir, &f, 0, metrics, NULL);
	vigil_live__free(l);
	fp = fopen(metrics, "r");
	cr_assert_not_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	cr_expect(strstr(buf, "\nvigil_running 0\n"), "%s", buf);
}

/* Without --dump-interval, --metrics refreshes every tick without writing snapshots,
 * and renders again only when a raw log changed. */
Test(live, metrics_ticks_render_only_when_logs_change)
{
	char metrics[PATH_MAX + 16], raw[PATH_MAX + 16], log[PATH_MAX + 32];
	struct fake f = {0};
	struct vigil_live *l = NULL;
	struct vigil_live_config cfg = {.out = dir, .tick_s = 1, .render = fake_render, .arg = &f};
	struct timespec t = {.tv_sec = 2, .tv_nsec = 500000000};
	char why[256];
	FILE *fp;

	snprintf(metrics, sizeof(metrics), "%s/vigil.prom", dir);
	snprintf(raw, sizeof(raw), "%s/raw", dir);
	snprintf(log, sizeof(log), "%s/svc.1.log", raw);
	cr_assert_eq(mkdir(raw, 0700), 0);
	cfg.metrics_path = metrics;
	cr_assert_eq(vigil_live__start(&l, &cfg, why, sizeof(why)), 0, "%s", why);
	nanosleep(&t, NULL);
	cr_expect_eq(f.peeks, 1, "%d renders of unchanged logs", f.peeks);
	fp = fopen(log, "w");
	fputs("more", fp);
	fclose(fp);
	t.tv_sec = 1;
	nanosleep(&t, NULL);
	vigil_live__free(l);
	cr_expect_eq(f.peeks, 2, "%d renders", f.peeks);
	cr_expect_eq(f.writes, 0);
	cr_expect_not(exists(dir, "report.json"));
}
