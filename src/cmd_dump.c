// SPDX-License-Identifier: MIT
/* `vigil dump OUT`: asks the `vigil run` writing to OUT for a report snapshot now,
 * waits until it is written and prints its path (the one line on stdout). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "live.h"

#define ERR_PREFIX "vigil: error: "
/* Symbolizing a big program's findings takes a while; a run that does not answer
 * within this is stuck. */
#define DUMP_TIMEOUT_MS 120000

int vigil_cmd_dump(const struct vigil_cli *cli)
{
	char path[PATH_MAX + 16], why[PATH_MAX + 128] = "";
	int err = vigil_live__request(cli->dump_dir, DUMP_TIMEOUT_MS, path, sizeof(path), why,
				      sizeof(why));

	switch (err) {
	case 0:
		printf("%s\n", path);
		return fflush(stdout) ? 1 : 0;
	case -ENOENT:
	case -ECONNREFUSED:
		fprintf(stderr, ERR_PREFIX "no vigil run is live on '%s' (no %s/%s answers)\n",
			cli->dump_dir, cli->dump_dir, VIGIL_LIVE_SOCK);
		break;
	case -ENOTDIR:
		fprintf(stderr, ERR_PREFIX "'%s' is not a directory\n", cli->dump_dir);
		break;
	case -ETIMEDOUT:
		fprintf(stderr, ERR_PREFIX "the vigil run on '%s' wrote no snapshot within %d s\n",
			cli->dump_dir, DUMP_TIMEOUT_MS / 1000);
		break;
	case -ECONNRESET:
		fprintf(stderr, ERR_PREFIX "the vigil run on '%s' ended before it wrote a "
				"snapshot: its final report is '%s/report.json'\n",
			cli->dump_dir, cli->dump_dir);
		break;
	case -EPROTO:
		fprintf(stderr, ERR_PREFIX "the vigil run on '%s': %s\n", cli->dump_dir, why);
		break;
	default:
		fprintf(stderr, ERR_PREFIX "cannot ask the vigil run on '%s': %s\n", cli->dump_dir,
			strerror(-err));
		break;
	}
	return 2;
}
