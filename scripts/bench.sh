#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs each benchmark in bench/ natively and under `vigil run` in the same run,
# interleaved, and reports medians and the ratio to native (and, when installed,
# valgrind memcheck and heaptrack for comparison).
# Usage: scripts/bench.sh [--no-build]   (RUNS=5, TOOLS="vigil valgrind heaptrack";
# native always runs, it is the baseline)
set -euo pipefail

cd "$(dirname "$0")/.."

runs=${RUNS:-5}
tools=${TOOLS:-vigil valgrind heaptrack}
ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || ncpu=2

if [ "${1:-}" != "--no-build" ]; then
	make -s --no-print-directory all build/bench/malloc_bench
fi

# name|command line: single-threaded, then one thread per CPU.
benches=(
	"malloc_bench -t 1|build/bench/malloc_bench -t 1 -n 2000000"
	"malloc_bench -t $ncpu|build/bench/malloc_bench -t $ncpu -n 2000000"
)

avail=(native)
for tool in $tools; do
	case "$tool" in
	native) ;;
	vigil)
		if [ -x build/vigil ] && [ -f build/libvigil.so ]; then
			avail+=(vigil)
		else
			echo "bench: build/vigil or build/libvigil.so missing: skipping vigil" >&2
		fi
		;;
	valgrind | heaptrack)
		if command -v "$tool" >/dev/null; then
			avail+=("$tool")
		fi
		;;
	*)
		echo "vigil: error: unknown tool '$tool' in TOOLS" >&2
		exit 2
		;;
	esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs one command under one tool; prints "<loop seconds> <wall seconds>".
run_one() {
	local tool=$1
	shift
	local t0 t1 out
	local -a wrap=()

	case "$tool" in
	native) ;;
	vigil) wrap=(build/vigil run -o "$work/vigil-out" --) ;;
	valgrind) wrap=(valgrind --tool=memcheck -q --leak-check=full --error-exitcode=0) ;;
	heaptrack) wrap=(heaptrack -o "$work/heaptrack") ;;
	esac
	rm -rf "$work/vigil-out" "$work"/heaptrack*
	t0=$(date +%s.%N)
	if ! "${wrap[@]}" "$@" >"$work/out" 2>"$work/err"; then
		cat "$work/out" "$work/err" >&2
		echo "vigil: error: benchmark failed under $tool: $*" >&2
		exit 1
	fi
	t1=$(date +%s.%N)
	out=$(grep -o 'seconds=[0-9.]*' "$work/out" | tail -n 1)
	if [ -z "$out" ]; then
		cat "$work/out" "$work/err" >&2
		echo "vigil: error: no 'seconds=' line from $* under $tool" >&2
		exit 1
	fi
	awk -v l="${out#seconds=}" -v a="$t0" -v b="$t1" 'BEGIN { printf "%s %.4f\n", l, b - a }'
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

results="$work/results"
: >"$results"
for b in "${benches[@]}"; do
	name=${b%%|*}
	read -r -a cmd <<<"${b#*|}"
	printf 'bench: %s: %d runs of %s\n' "$name" "$runs" "${avail[*]}" >&2
	for ((i = 1; i <= runs; i++)); do
		for tool in "${avail[@]}"; do
			read -r loop wall < <(run_one "$tool" "${cmd[@]}")
			echo "$name|$tool|$loop|$wall" >>"$results"
		done
	done
done

echo
echo "Median of $runs interleaved runs on $(nproc) CPUs ($(uname -r)); loop = time the benchmark"
echo "measures itself, wall = whole process including start-up, exit-time leak scan and report."
echo
echo "| benchmark | tool | loop (s) | loop vs native | wall (s) | wall vs native |"
echo "|---|---|---:|---:|---:|---:|"
for b in "${benches[@]}"; do
	name=${b%%|*}
	base_loop=$(awk -F'|' -v n="$name" '$1 == n && $2 == "native" { print $3 }' "$results" | median)
	base_wall=$(awk -F'|' -v n="$name" '$1 == n && $2 == "native" { print $4 }' "$results" | median)
	for tool in "${avail[@]}"; do
		loop=$(awk -F'|' -v n="$name" -v t="$tool" '$1 == n && $2 == t { print $3 }' "$results" | median)
		wall=$(awk -F'|' -v n="$name" -v t="$tool" '$1 == n && $2 == t { print $4 }' "$results" | median)
		awk -v n="$name" -v t="$tool" -v l="$loop" -v w="$wall" -v bl="$base_loop" -v bw="$base_wall" \
			'BEGIN { printf "| %s | %s | %.3f | %.2fx | %.3f | %.2fx |\n", n, t, l, l / bl, w, w / bw }'
	done
done
