// SPDX-License-Identifier: MIT
/* `vigil diff BASE CANARY [--format text|json]`: what is new, gone or grown in a
 * canary's report. Exit 1 when the canary has new findings of severity error, so a
 * pipeline can gate on it; 2 when a report cannot be read. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "diff.h"

#define ERR_PREFIX "vigil: error: "

int vigil_cmd_diff(const struct vigil_cli *cli)
{
	json_t *base, *canary = NULL, *d = NULL;
	char err[2 * PATH_MAX + 256];
	int rc = 2, w;

	base = vigil_cmd_report__load(cli->diff_base);
	if (!base)
		return 2;
	canary = vigil_cmd_report__load(cli->diff_canary);
	if (!canary)
		goto cleanup;
	d = vigil_diff__compare(base, cli->diff_base, canary, cli->diff_canary, err, sizeof(err));
	if (!d) {
		fprintf(stderr, ERR_PREFIX "%s\n", err);
		goto cleanup;
	}
	if (cli->format == VIGIL_FORMAT_JSON)
		w = json_dumpf(d, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII) == 0 &&
		    fputc('\n', stdout) != EOF && fflush(stdout) == 0 ? 0 : -EIO;
	else
		w = vigil_diff__render_text(d, stdout);
	if (w) {
		fprintf(stderr, ERR_PREFIX "cannot write to stdout: %s\n", strerror(-w));
		goto cleanup;
	}
	rc = vigil_diff__new_errors(d) ? 1 : 0;
cleanup:
	json_decref(d);
	json_decref(canary);
	json_decref(base);
	return rc;
}
