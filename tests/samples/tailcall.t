#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tailcall.t - the tailcall sample against the real kernel.
#
# A python helper, watched with -p <its pid>, waits (polling a file with
# stat and select, which land in the "(none)" branch) until the sample is
# attached, then makes A getppid() calls (branch ids), B sched_yield()
# (branch sched) and C writes of SIZE bytes to /dev/null (branch io),
# and says it is done with mkdir (none again).  The sample's last rows
# must count exactly A, B and C calls and C * SIZE bytes, so each branch
# program ran exactly once per system call through the program array.
# With -p on a process that makes no system call, every count is 0.
set -u
top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh || { echo "Bail out! cannot read $top/tests/samples/lib.sh"; exit 1; }

A=17
B=23
C=31
SIZE=1000

require_sample tailcall
require_root
require_python
require_tracefs

sample_tmpdir tailcall

out=$("$BIN/tailcall" --help 2>&1)
ok $? "--help exits 0"
like "$out" "-p, --pid" "--help documents -p"

cat > "$TMP/helper.py" <<'PY'
import os, select, sys
go, done = sys.argv[1], sys.argv[2]
a, b, c, size = (int(x) for x in sys.argv[3:7])
fd = os.open("/dev/null", os.O_WRONLY)
buf = b"x" * size
print(os.getpid(), flush=True)
while not os.path.exists(go):
    select.select([], [], [], 0.01)
for i in range(a):
    os.getppid()
for i in range(b):
    os.sched_yield()
for i in range(c):
    os.write(fd, buf)
os.mkdir(done)
while True:
    select.select([], [], [], 1)
PY
"$PYTHON" "$TMP/helper.py" "$TMP/go" "$TMP/done" $A $B $C $SIZE > "$TMP/helper.out" 2>&1 &
helper=$!
on_exit "kill $helper"
wait_for "$TMP/helper.out" '^[0-9]+$' 10
is "$(cat "$TMP/helper.out")" "$helper" "helper started"

"$BIN/tailcall" -i 0.2 -p $helper > "$TMP/out" 2> "$TMP/err" &
sample=$!
on_exit "kill $sample"
wait_for "$TMP/err" '^tailcall: dispatching' 10
ok $? "sample attached with -p $helper" || diag "$(cat "$TMP/err")"
touch "$TMP/go"
for ((i = 0; i < 200; i++)); do
	[ -d "$TMP/done" ] && break
	sleep 0.05
done
[ -d "$TMP/done" ]
ok $? "helper made its system calls"
stop_pid $sample
ok $? "sample stopped cleanly on SIGINT"
kill $helper 2>/dev/null

out=$(cat "$TMP/out")
like "$out" "^  ids +-> tail_ids +getpid getppid " "prints its dispatch table"
last=$(last_block "$TMP/out")
like "$last" "^[0-9:]+ +ids +tail_ids +$A +-\$" "ids: exactly $A calls (getppid)"
like "$last" "^[0-9:]+ +sched +tail_sched +$B +-\$" "sched: exactly $B calls (sched_yield)"
like "$last" "^[0-9:]+ +io +tail_io +$C +$((C * SIZE))\$" "io: exactly $C calls, $((C * SIZE)) bytes (write)"
like "$last" "^[0-9:]+ +\(none\) +dispatch +[1-9][0-9]* +-\$" "(none): the other calls fell through"
like "$last" "^[0-9:]+ +memory +tail_memory +[0-9]+ +-\$" "memory row"

# a process blocked in one system call all along: nothing at all
sleep 30 &
idle=$!
on_exit "kill $idle"
sleep 0.2
"$BIN/tailcall" -d 0.5 -i 0.2 -p $idle > "$TMP/out2" 2> "$TMP/err2"
ok $? "-p $idle (sleep) ran for 0.5 s and exited"
is "$(last_block "$TMP/out2" | awk '$4 != 0' | wc -l)" 0 "-p $idle: every count is 0"
kill $idle 2>/dev/null

done_testing
