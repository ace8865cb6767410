# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - helpers for the sample tests (tests/samples/*.t; sourced, bash),
# on top of the TAP helpers of tests/cli/lib.sh.
#
# A test sets top (the repository root), cds there and sources this.
# BIN is where the samples are: $BPFLOAD_BUILD/bin (default build/bin).

. tests/cli/lib.sh

BIN=${BPFLOAD_BUILD:-$top/build}/bin

# require_sample NAME [HINT]: skip unless $BIN/NAME and its NAME_kern.o are
# built (HINT: how to build them, default "make user kern").
require_sample() {
	[ -x "$BIN/$1" ] && [ -f "$BIN/$1_kern.o" ] ||
		skip_all "$BIN/$1 not built (${2:-make user kern})"
}

# require_root [WHAT]: skip without root (needed for WHAT, default bpf()).
require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root for ${1:-bpf()}"
}

# require_tracefs: mount tracefs at /sys/kernel/tracing if it is not
# there (the mount stays, other tests share it), or skip.
require_tracefs() {
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
		skip_all "tracefs is not mounted and cannot be"
}

# sample_tmpdir NAME: a fresh temporary directory in $TMP
# (bpfload-sample-NAME.XXXXXX), removed at exit.
sample_tmpdir() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/bpfload-sample-$1.XXXXXX") || exit 1
	on_exit "rm -rf '$TMP'"
}

# wait_for FILE REGEX SECONDS: until a line of FILE matches the extended
# regex; status 1 if none does in time.
wait_for() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# stop_pid PID: SIGINT (what Ctrl-C sends), wait for it (SIGKILL after
# 10 s); its exit status in $stopped, and as the status.
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
	return $stopped
}

# start_sample NAME OUT READY ARGS...: run $BIN/NAME ARGS in the
# background (pid in $spid), output in OUT, until OUT has a line
# matching READY (a diagnostic if it has none within 60 s).
start_sample() {
	local name=$1 out=$2 ready=$3
	shift 3
	"$BIN/$name" "$@" > "$out" 2>&1 &
	spid=$!
	wait_for "$out" "$ready" 60 || diag "$name did not start: $(cat "$out")"
}

# start_tp NAME OUT READY ARGS...: start_sample for a sample that reads
# trace_pipe, which has one reader at a time (6.6+ refuses a second one
# with EBUSY): retried while it is busy, the whole file skipped if it
# stays busy for a minute.
start_tp() {
	local name=$1 out=$2 ready=$3 try
	shift 3
	for ((try = 0; try < 30; try++)); do
		"$BIN/$name" "$@" > "$out" 2>&1 &
		spid=$!
		wait_for "$out" "$ready|EBUSY|^$name:" 60
		grep -q EBUSY "$out" || return 0
		wait "$spid" 2>/dev/null
		sleep 2
	done
	skip_all "trace_pipe is held by another reader (one at a time)"
}

# have_kprobes: status 0 when the kernel has kprobes (the PMU or tracefs).
have_kprobes() {
	[ -e /sys/bus/event_source/devices/kprobe/type ] || [ -e /sys/kernel/tracing/kprobe_events ]
}

# last_block FILE: the last paragraph (lines between blank lines) of FILE.
last_block() {
	awk 'BEGIN { RS = "" } { b = $0 } END { print b }' "$1"
}

# socket_reads COUNT: a process that sends and reads 300 bytes COUNT
# times over a socket pair; prints its pid.
socket_reads() {
	"$PYTHON" -c '
import os, socket, sys
a, b = socket.socketpair()
for i in range(int(sys.argv[1])):
    a.sendall(b"x" * 300)
    assert len(b.recv(300)) == 300
print(os.getpid())' "$1"
}
