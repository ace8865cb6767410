#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# execsnoop.t - the execsnoop sample against the running kernel.
#
# The test execs a program of a unique name (a link to echo) with known
# arguments, one of them with a blank: exactly one line must show that
# file name and the arguments ('two words' quoted), with the caller's
# pid.  A command with 25 arguments shows the first 20 and "...".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/cli/lib.sh

BIN=${BPFLOAD_BUILD:-$top/build}/bin

[ -x "$BIN/execsnoop" ] && [ -f "$BIN/execsnoop_kern.o" ] ||
	skip_all "$BIN/execsnoop not built (make user kern)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root for bpf()"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
	skip_all "tracefs is not mounted and cannot be"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bpfload-sample-execsnoop.XXXXXX") || exit 1
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

out=$("$BIN/execsnoop" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: execsnoop" "--help prints the usage"

prog=$TMP/exec_t$$
ln -s "$(type -P echo)" "$prog"

"$BIN/execsnoop" > "$TMP/out" 2>&1 &
spid=$!
wait_for "$TMP/out" '^TIME\(s\) ' 60 || diag "execsnoop did not start: $(cat "$TMP/out")"
"$prog" alpha "two words" gamma > /dev/null &
epid=$!
wait $epid
"$prog" $(seq 1 25) > /dev/null &
lpid=$!
wait $lpid
sleep 0.3
stop_pid $spid
is $stopped 0 "SIGINT ends execsnoop with status 0"
out=$(cat "$TMP/out")
like "$out" "^TIME\\(s\\) +COMM +PID +FILENAME +ARGS\$" "header: TIME(s) COMM PID FILENAME ARGS"
is "$(count_lines "$out" "^[0-9]+\\.[0-9]{9} +[^ ]+ +$epid +$prog +$prog alpha 'two words' gamma\$")" 1 \
	"the exec of $prog by pid $epid, with its arguments"
is "$(count_lines "$out" "^[0-9.]+ +[^ ]+ +$lpid +$prog +$prog 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 \\.\\.\\.\$")" 1 \
	"25 arguments: the first 20 (argv[0] and 1..19), then ..."

done_testing
