#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The demo: runs the bundled key-value server (scripts/demo/server.c, bugs planted on
# purpose) under `vigil run`, drives it with the bundled load client, stops it and
# prints vigil's report. Fails unless the report names every planted bug (expect=).
# Usage: scripts/demo.sh [--no-build]   (DEMO_SECONDS, DEMO_THREADS tune the load)
set -euo pipefail

cd "$(dirname "$0")/.."

seconds=${DEMO_SECONDS:-3}
threads=${DEMO_THREADS:-4}
out=build/demo-report
portfile=build/demo/port
log=build/demo/vigil.stderr
head_lines=80
# The planted bugs of scripts/demo/server.c, as kind:function of a frame (with a line)
# in the finding's stacks. A bug planted in the server gets its entry here.
expect=(
	leak:handle_get
	leak:conn_new
	heap-overflow:handle_stats
)

if [ "${1:-}" != "--no-build" ]; then
	make -s --no-print-directory all build/demo/server build/demo/loadgen
fi

rm -rf "$out" "$portfile" "$log"
mkdir -p build/demo

echo "demo: starting the server under vigil: build/vigil run -o $out -- build/demo/server"
build/vigil run -o "$out" -- build/demo/server -o "$portfile" 2>"$log" &
vigil_pid=$!
trap 'kill "$vigil_pid" 2>/dev/null || true' EXIT

for _ in $(seq 200); do
	[ -s "$portfile" ] && break
	if ! kill -0 "$vigil_pid" 2>/dev/null; then
		cat "$log" >&2
		echo "demo: error: the server exited before it listened" >&2
		exit 1
	fi
	sleep 0.1
done
if [ ! -s "$portfile" ]; then
	echo "demo: error: the server did not write '$portfile' within 20 s" >&2
	exit 1
fi
echo "demo: server listening on 127.0.0.1:$(cat "$portfile"); load for ${seconds} s from ${threads} threads"

build/demo/loadgen -P "$portfile" -t "$threads" -d "$seconds" -s

# The leak scan and the report run after the server exits; give them time.
status=0
for _ in $(seq 600); do
	kill -0 "$vigil_pid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$vigil_pid" 2>/dev/null; then
	echo "demo: error: vigil run did not finish within 60 s of SHUTDOWN" >&2
	exit 1
fi
wait "$vigil_pid" || status=$?
trap - EXIT

report="$out/report.txt"
if [ ! -f "$report" ]; then
	cat "$log" >&2
	echo "demo: error: no report at '$report' (vigil run exited $status)" >&2
	exit 1
fi

echo
echo "==== $report ===="
head -n "$head_lines" "$report"
n=$(wc -l <"$report")
if [ "$n" -gt "$head_lines" ]; then
	echo "... ($((n - head_lines)) more lines in $report)"
fi
echo
echo "==== vigil run: summary (stderr; the server's own lines included) ===="
cat "$log"
echo

if [ "$status" -ne 0 ]; then
	echo "demo: error: vigil run exited $status; the server exits 0 after SHUTDOWN" >&2
	exit 1
fi
python3 - "$out/report.json" "${expect[@]}" <<'EOF'
import json, sys

findings = json.load(open(sys.argv[1])).get("findings", [])
missing = []
for want in sys.argv[2:]:
    kind, func = want.split(":")
    hit = None
    for f in findings:
        if f.get("kind") != kind:
            continue
        for s in f.get("stacks", []):
            for fr in s.get("frames", []):
                if not hit and fr.get("function") == func and fr.get("line"):
                    hit = (f, fr)
    if hit:
        f, fr = hit
        print("demo: found %s in %s at %s:%d: %s" %
              (kind, func, fr.get("file"), fr["line"], f.get("message", "")))
    else:
        missing.append(want)
if missing:
    sys.exit("demo: error: report.json lacks these planted bugs (kind:function): " +
             " ".join(missing))
EOF
