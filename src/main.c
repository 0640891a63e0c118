// SPDX-License-Identifier: MIT
/* vigil: parse the command line, run the command. The only place that turns a parse
 * error into the one-line message and exit status 2. */
#include <stdio.h>

#include "cli.h"
#include "cmd.h"

int main(int argc, char **argv)
{
	struct vigil_cli cli;
	char err[VIGIL_CLI_ERR_MAX];

	if (vigil_cli__parse(&cli, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "vigil: error: %s\n", err);
		return 2;
	}
	switch (cli.cmd) {
	case VIGIL_CMD_HELP:
		vigil_cli__help(&cli, stdout);
		return 0;
	case VIGIL_CMD_VERSION:
		printf("vigil %s\n", VIGIL_VERSION);
		return 0;
	case VIGIL_CMD_RUN:
		return vigil_cmd_run(&cli);
	case VIGIL_CMD_REPORT:
		return vigil_cmd_report(&cli);
	case VIGIL_CMD_ATTACH:
		return vigil_cmd_attach(&cli);
	case VIGIL_CMD_DIFF:
		return vigil_cmd_diff(&cli);
	case VIGIL_CMD_DUMP:
		return vigil_cmd_dump(&cli);
	case VIGIL_CMD_NONE:
		break;
	}
	return 2;
}
