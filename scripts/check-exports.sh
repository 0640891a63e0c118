#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when libvigil.so exports a symbol that its version script does not list
# (STYLE.md: `nm -D --defined-only libvigil.so` shows only the interposed names).
# Usage: scripts/check-exports.sh LIB MAP
set -euo pipefail

lib=${1:?usage: check-exports.sh LIB MAP}
map=${2:?usage: check-exports.sh LIB MAP}

# The names of the map's global: section; entries may be globs, as in ld's syntax.
mapfile -t allowed < <(perl -0pe 's|/\*.*?\*/||gs; s|//[^\n]*||g; s/[;{}]/\n/g' "$map" |
	awk '/^[[:space:]]*global:/ { on = 1; sub(/^[[:space:]]*global:/, "") }
	     /^[[:space:]]*local:/ { on = 0 }
	     on { for (i = 1; i <= NF; i++) print $i }')
if [ "${#allowed[@]}" -eq 0 ]; then
	echo "vigil: error: no global: names in '$map'" >&2
	exit 1
fi

mapfile -t exported < <(nm -D --defined-only "$lib" | awk '{ print $NF }' | sed 's/@.*//')

bad=()
for sym in "${exported[@]}"; do
	ok=0
	for pat in "${allowed[@]}"; do
		# shellcheck disable=SC2053 # $pat is a glob on purpose
		if [[ $sym == $pat ]]; then
			ok=1
			break
		fi
	done
	[ "$ok" -eq 1 ] || bad+=("$sym")
done

if [ "${#bad[@]}" -ne 0 ]; then
	echo "vigil: error: '$lib' exports names not in '$map': ${bad[*]}" >&2
	exit 1
fi
echo "exports: ${#exported[@]} symbols, all listed in $map"
