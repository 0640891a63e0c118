#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the benchmarks natively, under `vigil run` (full, canary, syscalls only),
# heaptrack, valgrind memcheck and helgrind, and with the bare BPF syscall counter of
# bench/bpf_floor (each where it checks what the benchmark exercises), interleaved in
# one run; prints one markdown table of medians and ratios to native
# and writes it to build/bench/results.md. See bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."

usage() {
	cat >&2 <<'EOF'
usage: scripts/bench.sh [--no-build] [FILTER...]
  FILTER: run only benchmarks whose id contains one of the words
          (ids: malloc-t1 malloc-t2 redis locks-uncontended locks-contended
          locks-nested fd-churn-t1 fd-churn-t2 echo syscalls-getppid syscalls-read
          syscalls-outside redis-bpf); default: all
  env: BENCH_RUNS=5  BENCH_TOOLS="native vigil canary floor filter task vigil-bpf
       heaptrack valgrind helgrind"
       BENCH_MALLOC_OPS=2000000  BENCH_DEPTH=20
       BENCH_REDIS_N=100000 (requests per test at -P 1; -P 16 sends 5 times as many,
       memcheck a tenth of both)
       BENCH_LOCK_OPS=10000000 (iterations per thread; helgrind a hundredth)
       BENCH_FD_OPS=200000 (fd_churn ops per thread and mode)
       BENCH_ECHO_CONNS=16 BENCH_ECHO_SECONDS=2 BENCH_ECHO_SIZE=64 (echo load)
       BENCH_SYSCALLS=2000000 (syscall_bench calls per run and mode)
       BENCH_VIGIL=build/vigil (libvigil.so next to it)  BENCH_NO_INSTALL=1
EOF
	exit 2
}

runs=${BENCH_RUNS:-5}
tools_wanted=${BENCH_TOOLS:-native vigil canary floor filter task vigil-bpf heaptrack valgrind helgrind}
malloc_ops=${BENCH_MALLOC_OPS:-2000000}
depth=${BENCH_DEPTH:-20}
redis_n=${BENCH_REDIS_N:-100000}
lock_ops=${BENCH_LOCK_OPS:-10000000}
fd_ops=${BENCH_FD_OPS:-200000}
echo_conns=${BENCH_ECHO_CONNS:-16}
echo_seconds=${BENCH_ECHO_SECONDS:-2}
echo_size=${BENCH_ECHO_SIZE:-64}
syscalls=${BENCH_SYSCALLS:-2000000}
# A copy of vigil elsewhere measures a fixed build while build/ is being rebuilt.
vigil=${BENCH_VIGIL:-build/vigil}
out_dir=build/bench
build=1
filters=()

for arg in "$@"; do
	case "$arg" in
	--no-build) build=0 ;;
	-h | --help) usage ;;
	-*)
		echo "vigil: error: unknown option '$arg'" >&2
		exit 2
		;;
	*) filters+=("$arg") ;;
	esac
done
for v in BENCH_RUNS:runs BENCH_MALLOC_OPS:malloc_ops BENCH_DEPTH:depth BENCH_REDIS_N:redis_n \
	BENCH_LOCK_OPS:lock_ops BENCH_FD_OPS:fd_ops BENCH_ECHO_CONNS:echo_conns \
	BENCH_ECHO_SECONDS:echo_seconds BENCH_ECHO_SIZE:echo_size BENCH_SYSCALLS:syscalls; do
	val=${v#*:}
	if ! [[ ${!val} =~ ^[1-9][0-9]{0,8}$ ]]; then
		echo "vigil: error: ${v%%:*} '${!val}': not a positive integer" >&2
		exit 2
	fi
done

selected() {
	local f
	[ ${#filters[@]} -eq 0 ] && return 0
	for f in "${filters[@]}"; do
		[[ $1 == *"$f"* ]] && return 0
	done
	return 1
}

benches=()
for b in malloc-t1 malloc-t2 redis locks-uncontended locks-contended locks-nested \
	fd-churn-t1 fd-churn-t2 echo syscalls-getppid syscalls-read syscalls-outside redis-bpf; do
	if selected "$b"; then
		benches+=("$b")
	fi
done
if [ ${#benches[@]} -eq 0 ]; then
	echo "vigil: error: no benchmark matches '${filters[*]}'" >&2
	exit 2
fi

if [ "$build" = 1 ]; then
	make -s --no-print-directory all build/bench/malloc_bench build/bench/lock_bench \
		build/bench/fd_churn build/bench/echo_server build/bench/echo_client \
		build/bench/syscall_bench build/bench/bpf_floor
fi
mkdir -p "$out_dir"
logs=$out_dir/logs
rm -rf "$logs"
mkdir -p "$logs"

# Installs a Debian package when its command is missing; never fails the bench.
apt_updated=0
ensure_cmd() {
	local cmd=$1 pkg=$2
	command -v "$cmd" >/dev/null && return 0
	[ -n "${BENCH_NO_INSTALL:-}" ] && return 1
	[ "$(id -u)" = 0 ] || return 1
	echo "bench: installing $pkg" >&2
	if [ "$apt_updated" = 0 ]; then
		apt-get update -qq >/dev/null 2>&1 || true
		apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >"$logs/apt-$pkg.log" 2>&1 || true
	command -v "$cmd" >/dev/null
}

if [[ " ${benches[*]} " == *" redis"* ]]; then
	if ! ensure_cmd redis-server redis-server || ! ensure_cmd redis-benchmark redis-tools ||
		! ensure_cmd redis-cli redis-tools; then
		echo "bench: redis-server/redis-tools missing and not installable: skipping redis" >&2
		kept=()
		for b in "${benches[@]}"; do
			[[ $b == redis* ]] || kept+=("$b")
		done
		benches=("${kept[@]}")
	fi
fi

# Whether a tool runs a benchmark: helgrind only checks threads, heaptrack and
# memcheck only the heap; the descriptor benchmarks are vigil's alone; the syscall
# benchmarks compare vigil's BPF (alone) with the bare counter (and, on the loop,
# the counter behind vigil's own filter), and nothing else runs under those.
applies() {
	case "$1:$2" in
	syscalls*:native | syscalls*:floor | syscalls*:filter | syscalls*:task) return 0 ;;
	syscalls*:vigil-bpf) return 0 ;;
	redis-bpf:native | redis-bpf:floor | redis-bpf:filter | redis-bpf:vigil-bpf) return 0 ;;
	syscalls*:* | redis-bpf:* | *:floor | *:filter | *:task | *:vigil-bpf) return 1 ;;
	fd-churn*:native | fd-churn*:vigil | fd-churn*:canary) return 0 ;;
	echo*:native | echo*:vigil | echo*:canary) return 0 ;;
	fd-churn*:* | echo*:*) return 1 ;;
	locks*:heaptrack | locks*:valgrind) return 1 ;;
	locks*:*) return 0 ;;
	*:helgrind) return 1 ;;
	esac
	return 0
}

# Tool status: "ok" or the text shown in its column instead of figures.
declare -A status
tools=(native vigil canary floor filter task vigil-bpf heaptrack valgrind helgrind)
declare -A label=([native]=native [vigil]="vigil full" [canary]="vigil canary"
	[floor]="floor" [filter]="filter floor" [task]="task floor" [vigil-bpf]="vigil syscalls"
	[heaptrack]=heaptrack [valgrind]="memcheck" [helgrind]=helgrind)
declare -A floor_flag=([floor]=--filter=none [filter]=--filter=array [task]=--filter=task)
for tool in "${tools[@]}"; do
	if [[ " $tools_wanted " != *" $tool "* ]]; then
		status[$tool]="not run"
		continue
	fi
	# A tool that none of the selected benchmarks runs under is neither looked for
	# nor installed.
	any=0
	for b in "${benches[@]}"; do
		applies "$b" "$tool" && any=1
	done
	if [ "$any" = 0 ]; then
		status[$tool]="n/a"
		continue
	fi
	case "$tool" in
	native) status[$tool]=ok ;;
	vigil | canary)
		if ! [ -x "$vigil" ] || { ! [ -f "$(dirname "$vigil")/libvigil.so" ] &&
			! [ -f "$(dirname "$vigil")/../lib/vigil/libvigil.so" ]; }; then
			status[$tool]="absent (not built)"
		else
			status[$tool]=ok
		fi
		;;
	heaptrack | valgrind)
		if ensure_cmd "$tool" "$tool"; then
			status[$tool]=ok
		else
			status[$tool]=absent
		fi
		;;
	helgrind)
		if ensure_cmd valgrind valgrind; then
			status[$tool]=ok
		else
			status[$tool]=absent
		fi
		;;
	floor | filter | task)
		if ! [ -x build/bench/bpf_floor ]; then
			status[$tool]="absent (not built)"
		elif ! build/bench/bpf_floor "${floor_flag[$tool]}" -- true >"$logs/probe-$tool.log" 2>&1; then
			status[$tool]="no BPF"
			echo "bench: bpf_floor cannot attach, see $logs/probe-$tool.log" >&2
		else
			status[$tool]=ok
			rm -f "$logs/probe-$tool.log"
		fi
		;;
	# Until the CLI loads BPF (or where it cannot), `vigil run` falls back to the
	# preload alone: VIGIL_REQUIRE_BPF=1 turns that into a failure, shown here once.
	vigil-bpf)
		if ! [ -x "$vigil" ]; then
			status[$tool]="absent (not built)"
		elif ! VIGIL_REQUIRE_BPF=1 "$vigil" run --checks syscalls -o "$out_dir/probe-out" \
			-- true >"$logs/probe-$tool.log" 2>&1; then
			status[$tool]="no BPF"
			echo "bench: \`vigil run --checks syscalls\` does not run BPF: $(head -n 1 \
				"$logs/probe-$tool.log"); see $logs/probe-$tool.log" >&2
		else
			status[$tool]=ok
			rm -f "$logs/probe-$tool.log"
		fi
		rm -rf "$out_dir/probe-out"
		;;
	esac
done
status[native]=ok
active=()
for tool in "${tools[@]}"; do
	if [ "${status[$tool]}" = ok ]; then
		active+=("$tool")
	fi
done

work=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then
		kill -- "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# The command prefix that runs a program under a tool.
wrap_for() {
	case "$1" in
	native) wrap=() ;;
	vigil) wrap=("$vigil" run -o "$work/vigil-out" --) ;;
	canary) wrap=("$vigil" run --mode canary -o "$work/vigil-out" --) ;;
	floor | filter | task) wrap=(build/bench/bpf_floor "${floor_flag[$tool]}" --) ;;
	vigil-bpf) wrap=(env VIGIL_REQUIRE_BPF=1 "$vigil" run --checks syscalls -o "$work/vigil-out" --) ;;
	heaptrack) wrap=(heaptrack -o "$work/heaptrack") ;;
	valgrind) wrap=(valgrind --tool=memcheck -q --leak-check=full) ;;
	helgrind) wrap=(valgrind --tool=helgrind -q) ;;
	esac
}

# Keeps a failed run's output for the report; "$1" names it.
keep_log() {
	local f="$logs/$1.log"
	{
		echo "== $2"
		cat "$work/out" "$work/err" 2>/dev/null || true
		cat "$work/redis.log" "$work/vigil-out/report.txt" 2>/dev/null || true
	} >>"$f"
	echo "bench: $1 failed, see $f" >&2
}

raw=$out_dir/raw.txt
: >"$raw"

# One malloc_bench run: appends "bench|tool|metric|value" lines to $raw.
run_malloc() {
	local name=$1 threads=$2 tool=$3 t0 t1 line rc=0
	wrap_for "$tool"
	rm -rf "$work/vigil-out" "$work"/heaptrack*
	t0=$(date +%s.%N)
	"${wrap[@]}" build/bench/malloc_bench -t "$threads" -d "$depth" -n "$malloc_ops" \
		>"$work/out" 2>"$work/err" || rc=$?
	t1=$(date +%s.%N)
	line=$(grep -E '^threads=.* seconds=' "$work/out" | tail -n 1 || true)
	if [ "$rc" != 0 ] || [ -z "$line" ]; then
		keep_log "${name// /}-$tool" "exit $rc: ${wrap[*]} malloc_bench -t $threads"
		echo "$name|$tool|fail|1" >>"$raw"
		return
	fi
	awk -v n="$name" -v t="$tool" -v a="$t0" -v b="$t1" -v l="$line" 'BEGIN {
		k = split(l, f, " ")
		for (i = 1; i <= k; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
		printf "%s|%s|loop|%s\n%s|%s|wall|%.4f\n%s|%s|rss|%s\n", n, t, v["seconds"],
			n, t, b - a, n, t, v["maxrss_kb"]
	}' >>"$raw"
}

# One lock_bench run: appends the loop time and the time per lock+unlock pair.
run_locks() {
	local name=$1 mode=$2 tool=$3 n=$lock_ops t0 t1 line rc=0
	wrap_for "$tool"
	rm -rf "$work/vigil-out"
	[ "$tool" = helgrind ] && n=$(((n + 99) / 100))
	t0=$(date +%s.%N)
	"${wrap[@]}" build/bench/lock_bench -m "$mode" -t 2 -d "$depth" -n "$n" \
		>"$work/out" 2>"$work/err" || rc=$?
	t1=$(date +%s.%N)
	line=$(grep -E '^mode=.* ns_per_pair=' "$work/out" | tail -n 1 || true)
	if [ "$rc" != 0 ] || [ -z "$line" ]; then
		keep_log "${name// /}-$tool" "exit $rc: ${wrap[*]} lock_bench -m $mode -n $n"
		echo "$name|$tool|fail|1" >>"$raw"
		return
	fi
	awk -v n="$name" -v t="$tool" -v a="$t0" -v b="$t1" -v l="$line" 'BEGIN {
		k = split(l, f, " ")
		for (i = 1; i <= k; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
		printf "%s|%s|pair|%s\n%s|%s|loop|%s\n%s|%s|wall|%.4f\n", n, t, v["ns_per_pair"],
			n, t, v["seconds"], n, t, b - a
	}' >>"$raw"
}

# One fd_churn run, all four modes: appends each mode's time per op.
run_fd_churn() {
	local name=$1 threads=$2 tool=$3 rc=0 n=0 line
	wrap_for "$tool"
	rm -rf "$work/vigil-out"
	"${wrap[@]}" build/bench/fd_churn -m all -t "$threads" -d "$depth" -n "$fd_ops" \
		>"$work/out" 2>"$work/err" || rc=$?
	while read -r line; do
		awk -v n="$name" -v t="$tool" -v l="$line" 'BEGIN {
			k = split(l, f, " ")
			for (i = 1; i <= k; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
			printf "%s %s|%s|op|%s\n", n, v["mode"], t, v["ns_per_op"]
		}' >>"$raw"
		n=$((n + 1))
	done < <(grep -E '^mode=.* ns_per_op=' "$work/out" || true)
	if [ "$rc" != 0 ] || [ "$n" != 4 ]; then
		keep_log "${name// /}-$tool" "exit $rc: ${wrap[*]} fd_churn -t $threads"
		echo "$name|$tool|fail|1" >>"$raw"
	fi
}

# One echo_server lifetime under a tool (level-triggered, or edge with -e), loaded
# by echo_client from a separate process: requests per second, the server's CPU
# per echo, its peak RSS. timeout caps the server's life and passes SIGTERM on to it
# alone (--foreground: no second one to the whole group, which could reach vigil run
# after it restored SIGTERM's default), so the script waits for it with a plain
# `wait`: bash 5.2 can lose
# a background job whose pid a later foreground command reuses ("wait_for: No
# record of process"), which a polling loop of short-lived commands invites on a
# machine with pid_max 32768.
run_echo() {
	local name=$1 flag=$2 tool=$3 port='' i rc=0 line
	wrap_for "$tool"
	rm -rf "$work/vigil-out" "$work/out" "$work/err" "$work/ec"
	timeout --foreground -k 10 $((echo_seconds + 600)) "${wrap[@]}" build/bench/echo_server \
		${flag:+"$flag"} >"$work/out" 2>"$work/err" &
	server_pid=$!
	for ((i = 0; i < 600; i++)); do
		line=
		[ -s "$work/out" ] && read -r line <"$work/out"
		if [[ $line =~ ^port=([0-9]+)$ ]]; then
			port=${BASH_REMATCH[1]}
			break
		fi
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$port" ]; then
		echo "server did not start" >>"$work/err"
		rc=1
	elif ! timeout 300 build/bench/echo_client -p "$port" -c "$echo_conns" -t 2 \
		-s "$echo_size" -T "$echo_seconds" -w 0.5 >"$work/ec" 2>>"$work/err"; then
		echo "echo_client failed" >>"$work/err"
		rc=1
	fi
	kill -TERM "$server_pid" 2>/dev/null || true
	wait "$server_pid" || rc=$?
	server_pid=
	line=$(grep -E '^conns=.* rps=' "$work/ec" 2>/dev/null | tail -n 1 || true)
	line="$line $(grep -E '^mode=.* ns_per_read=' "$work/out" | tail -n 1 || true)"
	if [ "$rc" != 0 ] || [[ $line != *rps=* ]] || [[ $line != *ns_per_read=* ]]; then
		cat "$work/ec" >>"$work/err" 2>/dev/null || true
		keep_log "${name// /}-$tool" "exit $rc: ${wrap[*]} echo_server $flag (port $port)"
		echo "$name|$tool|fail|1" >>"$raw"
		return
	fi
	awk -v n="$name" -v t="$tool" -v l="$line" 'BEGIN {
		k = split(l, f, " ")
		for (i = 1; i <= k; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
		printf "%s|%s|rps|%s\n%s|%s|cpu|%s\n%s|%s|rss|%s\n", n, t, v["rps"], n, t,
			v["ns_per_read"], n, t, v["maxrss_kb"]
	}' >>"$raw"
}

free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 30000))
		if ! ss -Htln "sport = :$port" 2>/dev/null | grep -q .; then
			echo "$port"
			return
		fi
	done
}

# Starts redis-server under the wrap and waits for PONG; sets port and server_pid.
# Another server on this machine can take the port between the check and the bind:
# then it tries another one.
start_redis() {
	local attempt i

	for ((attempt = 0; attempt < 3; attempt++)); do
		rm -f "$work/redis.log"
		port=$(free_port)
		"${wrap[@]}" redis-server --port "$port" --bind 127.0.0.1 --save '' \
			--appendonly no --daemonize no --dir "$work" --logfile "$work/redis.log" \
			>"$work/out" 2>"$work/err" &
		server_pid=$!
		for ((i = 0; i < 600; i++)); do
			if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
				return 0
			fi
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
		grep -q 'Address already in use' "$work/redis.log" 2>/dev/null || return 1
	done
	return 1
}

# One redis-server lifetime under a tool: -P 1 then -P 16, then its peak RSS; "$2"
# names the rows (redis, or redis-bpf for the syscall tools).
run_redis() {
	local tool=$1 name=$2 port n p i rc=0 pid line
	wrap_for "$tool"
	rm -rf "$work/vigil-out" "$work"/heaptrack* "$work/out" "$work/err"
	if ! start_redis; then
		keep_log "$name-$tool" "server did not answer on port $port under ${wrap[*]}"
		echo "$name|$tool|fail|1" >>"$raw"
		return
	fi
	# Not measured: warms the server's allocator and the CPUs' idle states.
	timeout 60 redis-benchmark -h 127.0.0.1 -p "$port" -n 5000 -t set -P 1 -q >/dev/null 2>&1 || true
	for p in 1 16; do
		n=$((p == 1 ? redis_n : redis_n * 5))
		[ "$tool" = valgrind ] && n=$((n / 10))
		if ! timeout 600 redis-benchmark -h 127.0.0.1 -p "$port" -n "$n" -t set,get,lpush -P "$p" --csv \
			>"$work/rb" 2>>"$work/err"; then
			echo "redis-benchmark -P $p failed" >>"$work/err"
			rc=1
		fi
		while IFS=, read -r test rps _; do
			test=${test//\"/}
			rps=${rps//\"/}
			[[ $rps =~ ^[0-9.]+$ ]] && echo "$name $test -P $p|$tool|rps|$rps" >>"$raw"
		done <"$work/rb"
	done
	pid=$(redis-cli -p "$port" info server 2>/dev/null | tr -d '\r' |
		sed -n 's/^process_id:\([0-9]*\)$/\1/p')
	line=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null || true)
	if [ -n "$line" ]; then
		echo "$name peak RSS|$tool|rss|$line" >>"$raw"
	fi
	redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
	for ((i = 0; i < 1200; i++)); do
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$server_pid" 2>/dev/null; then
		echo "server did not exit within 120 s of SHUTDOWN: killed" >>"$work/err"
		kill "$server_pid" 2>/dev/null || true
		rc=1
	fi
	wait "$server_pid" || rc=$?
	server_pid=
	if [ "$rc" != 0 ]; then
		keep_log "$name-$tool" "exit $rc: ${wrap[*]} redis-server (port $port)"
		echo "$name|$tool|fail|1" >>"$raw"
	fi
}

# One syscall_bench run: appends the time per call of its fastest block ("call"; of
# the whole loop: "wall", and in CPU time: "cpu") to the row "$1 $2", and for a tool
# the time it adds to the native run of the same round (native runs first): the load
# of a shared machine moves between rounds more than within one. It runs under the tool's wrap ("$4" = under) or
# natively beside what the wrap runs ("$4" = beside).
declare -A native_call
run_syscall() {
	local name=$1 mode=$2 tool=$3 rc=0 line v prefix=()
	[ "$4" = under ] && prefix=("${wrap[@]}")
	"${prefix[@]}" build/bench/syscall_bench -n "$syscalls" "$mode" \
		>"$work/out" 2>"$work/err" || rc=$?
	line=$(grep -E '^mode=.* best_ns_per_call=' "$work/out" | tail -n 1 || true)
	if [ "$rc" != 0 ] || [ -z "$line" ]; then
		keep_log "${name// /-}-$mode-$tool" "exit $rc: ${prefix[*]} syscall_bench $mode"
		echo "$name $mode|$tool|fail|1" >>"$raw"
		[ "$tool" = native ] && unset "native_call[$name $mode]"
		return
	fi
	v=$(sed -n 's/.* best_ns_per_call=\([0-9.]*\).*/\1/p' <<<"$line")
	{
		echo "$name $mode|$tool|call|$v"
		sed -n "s/.* ns_per_call=\([0-9.]*\) .*/$name $mode|$tool|wall|\1/p" <<<"$line"
		sed -n "s/.* cpu_ns_per_call=\([0-9.]*\) .*/$name $mode|$tool|cpu|\1/p" <<<"$line"
	} >>"$raw"
	if [ "$tool" = native ]; then
		native_call[$name $mode]=$v
	elif [ -n "${native_call[$name $mode]:-}" ]; then
		awk -v r="$name $mode|$tool|added|" -v v="$v" -v b="${native_call[$name $mode]}" \
			'BEGIN { printf "%s%.1f\n", r, v - b }' >>"$raw"
	fi
}

# Both syscall_bench modes natively while the tool watches another process tree (a
# sleep): the cost that attaching the tracepoints puts on the rest of the machine.
# The sleep's shell creates the ready file after exec, i.e. once the tool's probes
# are attached (vigil run and bpf_floor hold the child until then).
run_outside() {
	local tool=$1 i rc=0
	wrap_for "$tool"
	rm -rf "$work/vigil-out" "$work/ready" "$work/out" "$work/err"
	if [ "$tool" != native ]; then
		# shellcheck disable=SC2016 # $0 is the inner shell's: the ready file
		"${wrap[@]}" sh -c ': >"$0"; exec sleep 600' "$work/ready" >"$work/out" 2>"$work/err" &
		server_pid=$!
		for ((i = 0; i < 600; i++)); do
			[ -e "$work/ready" ] && break
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.05
		done
		if ! [ -e "$work/ready" ]; then
			kill -TERM "$server_pid" 2>/dev/null || true
			wait "$server_pid" 2>/dev/null || true
			server_pid=
			keep_log "syscalls-outside-$tool" "${wrap[*]} sleep did not start"
			printf 'syscalls outside %s|%s|fail|1\n' getppid "$tool" read "$tool" >>"$raw"
			return
		fi
	fi
	run_syscall "syscalls outside" getppid "$tool" beside
	run_syscall "syscalls outside" read "$tool" beside
	if [ -n "$server_pid" ]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" || rc=$?
		server_pid=
		# The sleep dies of the SIGTERM passed on to it: 143 is the expected status.
		if [ "$rc" != 143 ] && [ "$rc" != 0 ]; then
			keep_log "syscalls-outside-$tool" "exit $rc: ${wrap[*]} sleep"
			printf 'syscalls outside %s|%s|fail|1\n' getppid "$tool" read "$tool" >>"$raw"
		fi
	fi
}

# sys_enter/sys_exit programs other processes have attached (other `vigil run`s, say):
# each costs every syscall of the machine, so the syscall figures are worth little
# while any are there. The most seen at the start of a run.
bpf_others() {
	bpftool link show 2>/dev/null | grep -cE "tp '(sys_enter|sys_exit)'" || true
}
others_max=0
printf 'bench: %s; %d interleaved runs of: %s\n' "${benches[*]}" "$runs" "${active[*]}" >&2
for ((r = 1; r <= runs; r++)); do
	for b in "${benches[@]}"; do
		printf 'bench: run %d/%d: %s\n' "$r" "$runs" "$b" >&2
		if [[ $b == syscalls* || $b == redis-bpf ]] && command -v bpftool >/dev/null; then
			n=$(bpf_others)
			if [ "$n" -gt 0 ]; then
				echo "bench: $n sys_enter/sys_exit programs of other processes are" \
					"attached: every syscall pays for them" >&2
			fi
			[ "$n" -gt "$others_max" ] && others_max=$n
		fi
		for tool in "${active[@]}"; do
			applies "$b" "$tool" || continue
			case "$b" in
			malloc-t1) run_malloc "malloc -t 1" 1 "$tool" ;;
			malloc-t2) run_malloc "malloc -t 2" 2 "$tool" ;;
			redis) run_redis "$tool" redis ;;
			redis-bpf) run_redis "$tool" redis-bpf ;;
			syscalls-getppid | syscalls-read)
				wrap_for "$tool"
				rm -rf "$work/vigil-out"
				run_syscall syscalls "${b#syscalls-}" "$tool" under
				;;
			syscalls-outside) run_outside "$tool" ;;
			locks-*) run_locks "locks ${b#locks-}" "${b#locks-}" "$tool" ;;
			fd-churn-t1) run_fd_churn "fd-churn -t 1" 1 "$tool" ;;
			fd-churn-t2) run_fd_churn "fd-churn -t 2" 2 "$tool" ;;
			echo)
				run_echo "echo level" "" "$tool"
				run_echo "echo edge" -e "$tool"
				;;
			esac
		done
	done
done

# Median of the values of one bench|tool|metric, empty when there are none.
median() {
	awk -F'|' -v b="$1" -v t="$2" -v m="$3" '$1 == b && $2 == t && $3 == m { print $4 }' "$raw" |
		sort -g | awk '{ v[NR] = $1 } END {
			if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

failures() {
	awk -F'|' -v b="$1" -v t="$2" '$1 == b && $2 == t && $3 == "fail"' "$raw" | wc -l
}

# One table cell: value with unit, and its ratio to native.
cell() {
	local row=$1 tool=$2 metric=$3 group=$4 bench=$5 v base nf added floor note=
	if [ "${status[$tool]}" != ok ]; then
		printf '%s' "${status[$tool]}"
		return
	fi
	if ! applies "$bench" "$tool"; then
		printf 'n/a'
		return
	fi
	nf=$(failures "$group" "$tool")
	[ "$nf" -gt 0 ] && note=" ($nf/$runs runs failed)"
	v=$(median "$row" "$tool" "$metric")
	if [ -z "$v" ]; then
		printf 'failed%s' "$note"
		return
	fi
	base=$(median "$row" native "$metric")
	case "$metric" in
	loop | wall)
		awk -v v="$v" -v b="$base" -v t="$tool" 'BEGIN {
			printf "%.1f ms", v * 1000
			if (t != "native" && b > 0) printf " (%.2fx)", v / b }'
		;;
	rss)
		awk -v v="$v" -v b="$base" -v t="$tool" 'BEGIN {
			printf "%.1f MB", v / 1024
			if (t != "native" && b > 0) printf " (%+.1f MB, %.2fx)", (v - b) / 1024, v / b }'
		;;
	rps)
		awk -v v="$v" -v b="$base" -v t="$tool" 'BEGIN {
			printf "%.1fk/s", v / 1000
			if (t != "native" && b > 0) printf " (%.0f%%)", 100 * v / b }'
		;;
	pair | op | cpu)
		awk -v v="$v" -v b="$base" -v t="$tool" 'BEGIN {
			printf (v < 1000 ? "%.1f ns" : "%.2f µs"), (v < 1000 ? v : v / 1000)
			if (t != "native" && b > 0) printf " (%.2fx)", v / b }'
		;;
	call)
		# The added time per call (median over the rounds of the time added to the
		# same round's native), and that as a multiple of what the floor adds.
		added=$(median "$row" "$tool" added)
		floor=
		[ "${status[floor]}" = ok ] && floor=$(median "$row" floor added)
		awk -v v="$v" -v a="$added" -v f="$floor" -v t="$tool" 'BEGIN {
			printf "%.1f ns", v
			if (t == "native" || a == "") exit
			printf " (%+.1f ns", a
			if (t != "floor" && f != "" && f > 0) printf ", %.2fx floor", a / f
			printf ")" }'
		;;
	esac
	if { [ "$tool" = valgrind ] && [ "$metric" = rps ]; } ||
		{ [ "$tool" = helgrind ] && [ "$metric" = pair ]; }; then
		printf ' †'
	fi
	printf '%s' "$note"
}

# Columns: every tool but those that no selected benchmark runs under.
shown=()
for tool in "${tools[@]}"; do
	[ "${status[$tool]}" = n/a ] || shown+=("$tool")
done
declare -A call_title=([getppid]="getppid" [read]="1-byte read of /dev/zero")

table=$out_dir/results.md
{
	echo "Median of $runs interleaved runs, $(date -u +%Y-%m-%d), $(nproc) CPUs, kernel $(uname -r),"
	echo "load average at end $(cut -d' ' -f1-3 /proc/loadavg)."
	if [ "$others_max" -gt 0 ]; then
		echo "Up to $others_max sys_enter/sys_exit programs of other processes were attached during"
		echo "the syscall benchmarks: their cost is in every column, native included."
	fi
	echo
	printf '| benchmark |'
	for tool in "${shown[@]}"; do printf ' %s |' "${label[$tool]}"; done
	printf '\n|---|'
	for tool in "${shown[@]}"; do printf -- '---:|'; done
	echo
	rows=()
	for b in "${benches[@]}"; do
		case "$b" in
		malloc-t1 | malloc-t2)
			name="malloc -t ${b#malloc-t}"
			rows+=("$name|loop|$name|$b|$name -d $depth, loop"
				"$name|wall|$name|$b|$name -d $depth, whole process"
				"$name|rss|$name|$b|$name -d $depth, peak RSS")
			;;
		redis)
			for p in 1 16; do
				for t in SET GET LPUSH; do
					rows+=("redis $t -P $p|rps|redis|$b|redis $t -P $p")
				done
			done
			rows+=("redis peak RSS|rss|redis|$b|redis-server peak RSS")
			;;
		redis-bpf)
			for p in 1 16; do
				for t in SET GET LPUSH; do
					rows+=("redis-bpf $t -P $p|rps|redis-bpf|$b|redis $t -P $p (syscall tools)")
				done
			done
			;;
		syscalls-getppid | syscalls-read)
			name="syscalls ${b#syscalls-}"
			rows+=("$name|call|$name|$b|${call_title[${b#syscalls-}]}, per syscall")
			;;
		syscalls-outside)
			for m in getppid read; do
				name="syscalls outside $m"
				rows+=("$name|call|$name|$b|${call_title[$m]}, outside the watched tree")
			done
			;;
		locks-*)
			name="locks ${b#locks-}"
			rows+=("$name|pair|$name|$b|$name, per lock+unlock pair")
			;;
		fd-churn-t*)
			name="fd-churn -t ${b#fd-churn-t}"
			for m in open pipe socket dup; do
				rows+=("$name $m|op|$name|$b|$name, $m+close, per op")
			done
			;;
		echo)
			for m in level edge; do
				rows+=("echo $m|rps|echo $m|$b|echo $m-triggered, req/s"
					"echo $m|cpu|echo $m|$b|echo $m-triggered, server CPU per echo")
			done
			rows+=("echo level|rss|echo level|$b|echo_server peak RSS (level)")
			;;
		esac
	done
	for r in "${rows[@]}"; do
		IFS='|' read -r row metric group bench title <<<"$r"
		printf '| %s |' "$title"
		for tool in "${shown[@]}"; do
			printf ' %s |' "$(cell "$row" "$tool" "$metric" "$group" "$bench")"
		done
		echo
	done
	echo
	if [[ " ${benches[*]} " == *" malloc-"* || " ${benches[*]} " == *" redis "* ]]; then
		echo "loop: the benchmark's own timing of its allocation loops (ratio: time vs native, lower"
		echo "is better); whole process: wall clock of the command, including start-up and the tool's"
		echo "exit work (leak scan, report). req/s (ratio: throughput as a fraction of native, higher"
		echo "is better). Peak RSS: VmHWM of the benchmarked process itself."
	fi
	if [[ " ${benches[*]} " == *" redis "* ]]; then
		echo "redis: redis-benchmark -n $redis_n at -P 1, -n $((redis_n * 5)) at -P 16, 50 clients,"
		echo "from a separate process on the same CPUs; † memcheck ran a tenth of the requests"
		echo "(requests per second still compare). redis-server's peak RSS depends on -n (LPUSH"
		echo "grows one list): compare native and vigil."
	fi
	if [[ " ${benches[*]} " == *" locks-"* ]]; then
		echo "locks: lock_bench -t 2 -d $depth -n $lock_ops (iterations per thread), the loops' wall"
		echo "time over one thread's lock+unlock pairs (nested: two pairs an iteration; ratio: vs"
		echo "native, lower is better); † helgrind ran a hundredth of the iterations (per-pair"
		echo "times still compare)."
	fi
	if [[ " ${benches[*]} " == *" fd-churn-"* ]]; then
		echo "fd-churn: fd_churn -m all -d $depth -n $fd_ops (ops per thread and mode): time per"
		echo "op as one thread sees it while all run (an op: a creation and its close(s); ratio:"
		echo "vs native, lower is better)."
	fi
	if [[ " ${benches[*]} " == *" echo "* ]]; then
		echo "echo: echo_server (one thread, epoll) loaded by echo_client -c $echo_conns -t 2"
		echo "-s $echo_size -T $echo_seconds -w 0.5 from a separate process on the same CPUs; req/s"
		echo "(ratio: fraction of native, higher is better); server CPU per echo: the server's"
		echo "user+system time over the reads that returned data (ratio: vs native, lower is"
		echo "better)."
	fi
	if [[ " ${benches[*]} " == *" syscalls-"* ]]; then
		echo "syscalls: syscall_bench -n $syscalls (one thread, calls through syscall(2)), the"
		echo "wall-clock time per call of the fastest of its 20 blocks of calls (of the whole"
		echo "loop, and its CPU time, in raw.txt); +x ns: the median over the runs of the time"
		echo "added to the same run's native; y x floor: that as a multiple of what the floor"
		echo "adds (the issue's budget for vigil: 1.25x). floor: bench/bpf_floor, tp_btf"
		echo "sys_enter+sys_exit that only count (a per-CPU array increment each); filter floor:"
		echo "the same behind a tgid test (an array map indexed by tgid); task floor: behind a"
		echo "task-storage lookup, as vigil takes its per-thread state; vigil syscalls: vigil run"
		echo "syscalls with VIGIL_REQUIRE_BPF=1."
		echo "outside: syscall_bench runs natively while the tool watches a sleep."
	fi
	if [[ " ${benches[*]} " == *" redis-bpf "* ]]; then
		echo "redis (syscall tools): as redis, under the floor, the filter floor and vigil run"
		echo "--checks syscalls (BPF, no preload checks); ratio: fraction of native."
	fi
} >"$table"
if [ -n "$(ls -A "$logs")" ]; then
	echo "bench: failure logs in $logs" >&2
fi
echo
cat "$table"
