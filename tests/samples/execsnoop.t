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
. tests/samples/lib.sh


require_sample execsnoop
require_root
require_tracefs

sample_tmpdir execsnoop

out=$("$BIN/execsnoop" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: execsnoop" "--help prints the usage"

prog=$TMP/exec_t$$
ln -s "$(type -P echo)" "$prog"

start_sample execsnoop "$TMP/out" '^TIME\(s\) '
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
