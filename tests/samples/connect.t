#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# connect.t - the connect sample against the real kernel.
#
# A python helper listens on 127.0.0.1 and ::1 (same port, picked by the
# kernel), waits for the sample to be attached with -p <helper pid>, then
# connects N times to each address (and accepts).  The sample must print
# exactly those 2N lines, with the helper's comm, the right address and
# the port in host byte order, and nothing else.  A second run filters on
# another pid and must print nothing for the same connects.
set -u
top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh || { echo "Bail out! cannot read $top/tests/samples/lib.sh"; exit 1; }

N=5

require_sample connect
require_root
require_python
require_tracefs

sample_tmpdir connect

out=$("$BIN/connect" --help 2>&1)
ok $? "--help exits 0"
like "$out" "-p, --pid" "--help documents -p"

# The helper: listeners, then N connects per address each time it reads
# a line on its control fifo; "done ROUND" in its output after each one.
cat > "$TMP/helper.py" <<'PY'
import os, socket, sys
n = int(sys.argv[1])
l4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l4.bind(("127.0.0.1", 0))
port = l4.getsockname()[1]
l6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
l6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
l6.bind(("::1", port))
l4.listen(64)
l6.listen(64)
print(os.getpid(), port, flush=True)
ctl = open(sys.argv[2])
rounds = 0
while ctl.readline():
    for fam, addr, lsock in ((socket.AF_INET, "127.0.0.1", l4),
                             (socket.AF_INET6, "::1", l6)):
        for i in range(n):
            c = socket.socket(fam, socket.SOCK_STREAM)
            c.connect((addr, port))
            a, _ = lsock.accept()
            a.close()
            c.close()
    rounds += 1
    print("done", rounds, flush=True)
PY
mkfifo "$TMP/ctl"
"$PYTHON" "$TMP/helper.py" "$N" "$TMP/ctl" > "$TMP/helper.out" 2>&1 &
helper=$!
on_exit "kill $helper"
exec 3<> "$TMP/ctl"	# read-write: never blocks, even if the helper died
wait_for "$TMP/helper.out" '^[0-9]+ [0-9]+$' 10
read -r hpid port < "$TMP/helper.out"
is "$hpid" "$helper" "helper listening on port ${port:-?}"
comm=$(cat /proc/"$helper"/comm)

# round ROUND ARGS...: run the sample with ARGS, one round of connects.
round() {
	local r=$1
	shift
	"$BIN/connect" "$@" > "$TMP/out$r" 2> "$TMP/err$r" &
	local s=$!
	if ! wait_for "$TMP/err$r" '^connect: tracing' 10; then
		stop_pid $s
		diag "connect did not start: $(cat "$TMP/err$r")"
		return 1
	fi
	echo go >&3
	wait_for "$TMP/helper.out" "^done $r\$" 20 || diag "helper did not finish: $(cat "$TMP/helper.out")"
	stop_pid $s
}

round 1 -p "$helper"
ok $? "sample attached with -p $helper and stopped on SIGINT"
out=$(cat "$TMP/out1")
is "$(count_lines "$out" "^>> \[$comm\]: connect '127\.0\.0\.1:$port'\$")" "$N" \
	"$N lines >> [$comm]: connect '127.0.0.1:$port'"
is "$(count_lines "$out" "^>> \[$comm\]: connect '\[::1\]:$port'\$")" "$N" \
	"$N lines >> [$comm]: connect '[::1]:$port'"
is "$(count_lines "$out" '.')" "$((2 * N))" "nothing else printed"
like "$(cat "$TMP/err1")" "^connect: $((2 * N)) connect\(\) calls shown\$" "summary counts $((2 * N)) calls"

round 2 -v -p "$helper"
out=$(cat "$TMP/out2")
is "$(count_lines "$out" "^>> \[$comm\] pid $helper tid $helper: connect '(127\.0\.0\.1|\[::1\]):$port'\$")" \
	"$((2 * N))" "-v adds pid and tid"

# another process: sleep never connects
sleep 30 &
other=$!
on_exit "kill $other"
round 3 -p "$other"
is "$(count_lines "$(cat "$TMP/out3")" '.')" 0 "-p $other: none of the helper's connects shown"
kill $other 2>/dev/null

exec 3>&-
wait $helper 2>/dev/null
done_testing
