#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make integration`: the tests/cases programs, then real programs and bad input, all
# under build/vigil. Both halves always run; the exit status is non-zero if either fails.
set -u

here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 2

rc=0
python3 "$here/run_cases.py" || rc=1
python3 "$here/real_programs.py" || rc=1
python3 "$here/attach.py" || rc=1
python3 "$here/live.py" || rc=1
python3 "$here/suppressions.py" || rc=1
python3 "$here/diff.py" || rc=1
python3 "$here/golden.py" || rc=1
python3 "$here/sarif.py" || rc=1
python3 "$here/report_formats.py" || rc=1
python3 "$here/html_chromium.py" || rc=1
if [ "$rc" -eq 0 ]; then
	echo "integration: OK"
else
	echo "integration: FAILED"
fi
exit "$rc"
