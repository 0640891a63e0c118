#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the Criterion unit-test binaries given as arguments: one line per binary, the
# full output only for a binary that fails, and the total count at the end.
set -uo pipefail

total=0
failed=0
for t in "$@"; do
	out=$("$t" --jobs 1 --color=never -S 2>&1)
	rc=$?
	line=$(grep -o 'Tested: [0-9]*.*' <<<"$out" | tail -n 1)
	n=$(sed -n 's/^Tested: \([0-9]*\).*/\1/p' <<<"$line")
	total=$((total + ${n:-0}))
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		printf '%s\n' "$out"
		printf '  %-7s %s: %s\n' FAIL "${t##*/}" "${line:-exit status $rc}"
	else
		printf '  %-7s %s: %s\n' UNIT "${t##*/}" "${line:-no tests}"
	fi
done

if [ "$failed" -ne 0 ]; then
	echo "unit tests: $failed of $# binaries FAILED ($total tests)"
	exit 1
fi
echo "unit tests: OK ($total tests in $# binaries)"
