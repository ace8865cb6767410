#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# memcpy_kprobe.t - the memcpy_kprobe sample against the running kernel.
#
# Without kprobes (this host) memcpy_kprobe must say so and exit with 69
# (EX_UNAVAILABLE).  Its --tracepoint variant prints a trace_pipe line
# per socket receive copy: a python helper reads K messages of 300 bytes
# from a unix socket, and exactly K "skb_copy_datagram_iovec size 300"
# lines must carry the helper's pid.  The VM test (t_samples_kprobe)
# checks the kprobe itself on Debian's kernels.
#
# trace_pipe has one reader at a time (6.6+: EBUSY): if another process
# holds it for more than a minute, the test skips.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/cli/lib.sh

BIN=${BPFLOAD_BUILD:-$top/build}/bin
K=10

[ -x "$BIN/memcpy_kprobe" ] && [ -f "$BIN/memcpy_kprobe_kern.o" ] ||
	skip_all "$BIN/memcpy_kprobe not built (make user kern)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root for bpf()"
require_python
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
	skip_all "tracefs is not mounted and cannot be"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bpfload-sample-memcpy_kprobe.XXXXXX") || exit 1
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

# start_tp OUT READY ARGS...: the sample in the background (pid in
# $spid) until OUT shows READY; retried while trace_pipe is busy.
start_tp() {
	local out=$1 ready=$2 try
	shift 2
	for ((try = 0; try < 30; try++)); do
		"$BIN/memcpy_kprobe" "$@" > "$out" 2>&1 &
		spid=$!
		wait_for "$out" "$ready|EBUSY|^memcpy_kprobe:" 60
		grep -q EBUSY "$out" || return 0
		wait "$spid" 2>/dev/null
		sleep 2
	done
	skip_all "trace_pipe is held by another reader (one at a time)"
}

have_kprobes() {
	[ -e /sys/bus/event_source/devices/kprobe/type ] || [ -e /sys/kernel/tracing/kprobe_events ]
}

# K reads of 300 bytes from a unix stream socket; prints its pid.
socket_reads() {
	"$PYTHON" -c '
import os, socket, sys
a, b = socket.socketpair()
for i in range(int(sys.argv[1])):
    a.sendall(b"x" * 300)
    assert len(b.recv(300)) == 300
print(os.getpid())' "$K"
}

# ---- options ----
out=$("$BIN/memcpy_kprobe" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: memcpy_kprobe" "--help prints the usage"
"$BIN/memcpy_kprobe" --arg 9 > /dev/null 2>&1
is $? 1 "--arg 9 is refused"

# ---- kprobe on memcpy ----
if have_kprobes; then
	start_tp "$TMP/kp" '^Tracing '
	like "$(cat "$TMP/kp")" "^Tracing kprobe (memcpy|skb_copy_datagram_iter)" \
		"kprobes here: a kprobe on memcpy or its documented fallback"
	stop_pid $spid
	is $stopped 0 "... stops on SIGINT with status 0"
else
	out=$("$BIN/memcpy_kprobe" -d 1 2>&1)
	is $? 69 "no kprobes here: memcpy_kprobe exits 69 (EX_UNAVAILABLE)"
	like "$out" "^memcpy_kprobe: this kernel has no kprobes, so memcpy cannot be traced here\\.\$" \
		"... saying so"
	like "$out" "memcpy_kprobe --tracepoint shows" "... and what to use instead"
fi

# ---- the tracepoint equivalent ----
start_tp "$TMP/out" '^Tracing ' --tracepoint
like "$(cat "$TMP/out")" "^Tracing tracepoint skb/skb_copy_datagram_iovec" \
	"--tracepoint: attached to skb/skb_copy_datagram_iovec"
hpid=$(socket_reads)
sleep 0.5
stop_pid $spid
is $stopped 0 "SIGINT ends memcpy_kprobe with status 0"
is "$(count_lines "$(cat "$TMP/out")" "-$hpid +\\[[0-9]+\\].*: skb_copy_datagram_iovec size 300\$")" "$K" \
	"$K reads of 300 bytes by pid $hpid -> $K 'size 300' lines of that pid"

done_testing
