#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# opensnoop_tp.t - the opensnoop_tp sample (syscall tracepoints) against
# the running kernel.
#
# N cat processes each open a temporary path made for this test once:
# the path must appear in exactly N lines, with COMM cat and the pids of
# those cats.  With -p, only the opens of that process: the test shell
# opens the path N times itself (redirections) while cats open it too, and
# only the shell's N opens may be printed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/cli/lib.sh

BIN=${BPFLOAD_BUILD:-$top/build}/bin
N=5

[ -x "$BIN/opensnoop_tp" ] && [ -f "$BIN/opensnoop_tp_kern.o" ] ||
	skip_all "$BIN/opensnoop_tp not built (make user kern)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root for bpf()"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
	skip_all "tracefs is not mounted and cannot be"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bpfload-sample-opensnoop_tp.XXXXXX") || exit 1
on_exit "rm -rf '$TMP'"

wait_for() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

stop_pid() {
	local i
	kill -INT "$1" 2>/dev/null
	for ((i = 0; i < 200; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	stopped=$?
}

# start OUT ARGS...: opensnoop_tp in the background (pid in $spid) until
# its header is out.
start() {
	local out=$1
	shift
	"$BIN/opensnoop_tp" "$@" > "$out" 2>&1 &
	spid=$!
	wait_for "$out" '^TIME\(s\) ' 60 || diag "opensnoop_tp did not start: $(cat "$out")"
}

path=$TMP/opened-by-test-$$
echo data > "$path"

out=$("$BIN/opensnoop_tp" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: opensnoop_tp" "--help prints the usage"

# ---- N opens by N cats ----
start "$TMP/out"
pids=()
for ((i = 0; i < N; i++)); do
	cat "$path" > /dev/null &
	pids+=($!)
	wait $!
done
sleep 0.3
stop_pid $spid
is $stopped 0 "SIGINT ends opensnoop_tp with status 0"
out=$(cat "$TMP/out")
like "$out" "^TIME\\(s\\) +COMM +PID +FILE\$" "header: TIME(s) COMM PID FILE"
is "$(count_lines "$out" " $path\$")" "$N" "$N opens of $path -> $N lines"
total=0
for p in "${pids[@]}"; do
	total=$((total + $(count_lines "$out" "^[0-9]+\\.[0-9]{9} +cat +$p +$path\$")))
done
is "$total" "$N" "... one per cat, with COMM cat and its PID"

# ---- -p PID: only that process ----
start "$TMP/out2" -p $$
for ((i = 0; i < N; i++)); do
	: < "$path"
	cat "$path" > /dev/null
done
sleep 0.3
stop_pid $spid
is $stopped 0 "-p $$: stops on SIGINT with status 0"
out=$(cat "$TMP/out2")
is "$(count_lines "$out" " $path\$")" "$N" "-p $$: only the shell's $N opens of $path"
is "$(count_lines "$out" '^[0-9]')" "$(count_lines "$out" "^[0-9.]+ +[^ ]+ +$$ ")" \
	"-p $$: every line is of pid $$"

done_testing
