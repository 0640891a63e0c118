// SPDX-License-Identifier: MIT
/* `vigil report DIR|FILE [--format text|json|sarif|folded|html]`: re-render a saved run
 * on stdout. A directory is rebuilt from its raw logs when it has no report.json (vigil
 * was killed before writing it) or when a raw log is newer than report.json (a
 * daemonized descendant kept running, and writing, after `vigil run` rendered the
 * report). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "report.h"
#include "report_folded.h"
#include "report_html.h"
#include "report_json.h"
#include "report_sarif.h"
#include "report_text.h"
#include "suppress.h"

#define ERR_PREFIX "vigil: error: "

static json_t *from_raw(const char *raw)
{
	struct vigil_report *r;
	json_t *j;

	/* Offline symbolization, as in `vigil run`. */
	unsetenv("DEBUGINFOD_URLS");
	r = vigil_report__from_dir(raw);
	if (!r) {
		fprintf(stderr, ERR_PREFIX "cannot read raw logs '%s': %s\n", raw, strerror(errno));
		return NULL;
	}
	vigil_report__infer_run(r);
	j = vigil_report__to_json(r);
	if (!j)
		fprintf(stderr, ERR_PREFIX "cannot build report from '%s': %s\n", raw,
			strerror(ENOMEM));
	vigil_report__free(r);
	return j;
}

static int newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* True when some raw/<x>.log changed after the report was written. */
static int raw_newer(const char *raw, const struct timespec *report)
{
	char p[PATH_MAX + 300];
	struct dirent *d;
	struct stat st;
	int r = 0;
	DIR *dir = opendir(raw);

	if (!dir)
		return 0;
	while (!r && (d = readdir(dir))) {
		size_t n = strlen(d->d_name);
		if (n < 5 || strcmp(d->d_name + n - 4, ".log"))
			continue;
		snprintf(p, sizeof(p), "%s/%s", raw, d->d_name);
		r = !stat(p, &st) && newer(&st.st_mtim, report);
	}
	closedir(dir);
	return r;
}

static json_t *load(const char *path)
{
	char err[PATH_MAX + 256];
	json_t *j = vigil_json__load(path, err, sizeof(err));

	if (!j)
		fprintf(stderr, ERR_PREFIX "%s\n", err);
	return j;
}

json_t *vigil_cmd_report__load(const char *path)
{
	char json[PATH_MAX + 16], raw[PATH_MAX + 8];
	struct stat st;

	if (stat(path, &st)) {
		fprintf(stderr, ERR_PREFIX "cannot read '%s': %s\n", path, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode))
		return load(path);
	snprintf(json, sizeof(json), "%s/report.json", path);
	snprintf(raw, sizeof(raw), "%s/raw", path);
	if (!stat(json, &st) && !raw_newer(raw, &st.st_mtim))
		return load(json);
	if (!stat(raw, &st) && S_ISDIR(st.st_mode))
		return from_raw(raw);
	fprintf(stderr, ERR_PREFIX "cannot read '%s': no report.json and no raw/ in it\n", path);
	return NULL;
}

int vigil_cmd_report(const struct vigil_cli *cli)
{
	struct vigil_supp *supp = NULL;
	char why[PATH_MAX + 256], root[PATH_MAX];
	json_t *j;
	int rc = 2, err;

	if (cli->source_root || cli->format == VIGIL_FORMAT_SARIF) {
		err = vigil_sarif__source_root(cli->source_root, root, sizeof(root));
		if (err) {
			fprintf(stderr, ERR_PREFIX "invalid --source-root '%s': %s\n",
				cli->source_root ? cli->source_root : ".", strerror(-err));
			return 2;
		}
	}

	/* The rules first: a bad one is an error before any output. They apply to the
	 * findings of the document rendered, a saved report.json included; rules that the
	 * run applied stay listed before these. */
	if (cli->nsuppressions) {
		supp = vigil_supp__from_files(cli->suppressions, cli->nsuppressions, why,
					      sizeof(why));
		if (!supp) {
			fprintf(stderr, ERR_PREFIX "%s\n", why);
			return 2;
		}
	}
	j = vigil_cmd_report__load(cli->report_path);
	if (j && supp && vigil_supp__apply_json(supp, j)) {
		fprintf(stderr, ERR_PREFIX "cannot apply suppressions: %s\n", strerror(ENOMEM));
		json_decref(j);
		j = NULL;
	}
	vigil_supp__free(supp);
	if (!j)
		return 2;
	if (cli->gen_suppressions && cli->format != VIGIL_FORMAT_TEXT) {
		fprintf(stderr, "vigil: error: --gen-suppressions prints rules: it takes no "
				"--format\n");
		json_decref(j);
		return 2;
	}
	if (cli->gen_suppressions) {
		if (vigil_supp__generate(j, stdout) == 0)
			rc = 0;
	} else if (cli->format == VIGIL_FORMAT_JSON) {
		if (json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII) == 0 &&
		    fputc('\n', stdout) != EOF && fflush(stdout) == 0)
			rc = 0;
	} else if (cli->format == VIGIL_FORMAT_SARIF) {
		if (vigil_sarif__render(j, root, stdout) == 0 && fflush(stdout) == 0)
			rc = 0;
	} else if (cli->format == VIGIL_FORMAT_FOLDED) {
		if (vigil_folded__render(j, stdout) == 0)
			rc = 0;
	} else if (cli->format == VIGIL_FORMAT_HTML) {
		if (vigil_html__render(j, stdout) == 0)
			rc = 0;
	} else if (vigil_text__render_styled(j, stdout, vigil_text__want_color(stdout)) == 0) {
		rc = 0;
	}
	if (rc)
		fprintf(stderr, ERR_PREFIX "cannot write to stdout: %s\n", strerror(errno));
	json_decref(j);
	return rc;
}
