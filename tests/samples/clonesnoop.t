#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# clonesnoop.t - the clonesnoop sample against the running kernel.
#
# A bash started under a unique name runs /bin/true N times: N forks.
# clonesnoop must print exactly N lines with that COMM and PID, each
# "clone(): new process CHILD".  A python helper starts one thread: one
# "new thread" line of its pid, which --processes leaves out.  Also the
# header, --help, and SIGINT ending it with status 0.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh

N=5

require_sample clonesnoop
require_root
require_python
require_tracefs

sample_tmpdir clonesnoop

# One thread, then exit; prints the pid.
one_thread() {
	"$PYTHON" -c '
import os, threading
t = threading.Thread(target=lambda: None)
t.start()
t.join()
print(os.getpid())'
}

# run OUT ARGS...: clonesnoop until attached, N forks of our bash, one
# python thread, SIGINT.  Sets bpid and tpid.
run() {
	local out=$1 spid
	shift
	"$BIN/clonesnoop" "$@" > "$out" 2>&1 &
	spid=$!
	if ! wait_for "$out" '^TIME\(s\) ' 60; then
		stop_pid $spid
		diag "clonesnoop did not start: $(cat "$out")"
		return 1
	fi
	"$TMP/$comm" -c "for ((i = 0; i < $N; i++)); do /bin/true; done" &
	bpid=$!
	wait $bpid
	tpid=$(one_thread)
	sleep 0.5
	stop_pid $spid
	return $stopped
}

out=$("$BIN/clonesnoop" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: clonesnoop" "--help prints the usage"

comm=cln_t$$
ln -s "$(type -P bash)" "$TMP/$comm"

run "$TMP/out"
ok $? "clonesnoop runs and stops on SIGINT with status 0"
out=$(cat "$TMP/out")
like "$out" "^TIME\\(s\\) +COMM +PID +MESSAGE\$" "header: TIME(s) COMM PID MESSAGE"
is "$(count_lines "$out" "^[0-9]+\\.[0-9]{9} +$comm +$bpid +clone\\(\\): new process [0-9]+\$")" "$N" \
	"$N forks by $comm (pid $bpid) -> $N lines"
is "$(count_lines "$out" " $comm ")" "$N" "... and no other line with that COMM"
is "$(count_lines "$out" "^[0-9.]+ +[^ ]+ +$tpid +clone3?\\(\\): new thread [0-9]+\$")" 1 \
	"a thread started by pid $tpid -> one 'new thread' line"
unlike "$out" "^[0-9.]+ +clonesnoop " "clonesnoop's own threads are not shown"

run "$TMP/out2" --processes
ok $? "clonesnoop --processes runs and stops on SIGINT"
out=$(cat "$TMP/out2")
is "$(count_lines "$out" " $comm +$bpid +clone\\(\\): new process ")" "$N" "--processes: the $N forks"
is "$(count_lines "$out" "new thread")" 0 "--processes: no thread lines"

done_testing
