/* SPDX-License-Identifier: MIT */
/* The commands: each takes the parsed command line and returns the exit status. */
#ifndef VIGIL_CMD_H
#define VIGIL_CMD_H

#include "cli.h"

int vigil_cmd_run(const struct vigil_cli *cli);
int vigil_cmd_report(const struct vigil_cli *cli);

#endif
