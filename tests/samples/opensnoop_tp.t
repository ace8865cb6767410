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
. tests/samples/lib.sh

N=5

require_sample opensnoop_tp
require_root
require_tracefs

sample_tmpdir opensnoop_tp

path=$TMP/opened-by-test-$$
echo data > "$path"

out=$("$BIN/opensnoop_tp" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: opensnoop_tp" "--help prints the usage"

# ---- N opens by N cats ----
start_sample opensnoop_tp "$TMP/out" '^TIME\(s\) '
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
start_sample opensnoop_tp "$TMP/out2" '^TIME\(s\) ' -p $$
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
