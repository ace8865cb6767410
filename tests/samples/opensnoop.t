#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# opensnoop.t - the opensnoop sample (kprobe on do_sys_openat2) against
# the running kernel.
#
# Without kprobes (this host) opensnoop must say so, point to
# opensnoop_tp and exit with 69 (EX_UNAVAILABLE).
# With kprobes: N cat processes each open a temporary path once, which
# must appear in exactly N lines with COMM cat.  The VM test
# (t_samples_kprobe) checks the kprobe on Debian's 5.10, 6.1 and 6.12.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/cli/lib.sh

BIN=${BPFLOAD_BUILD:-$top/build}/bin
N=5

[ -x "$BIN/opensnoop" ] && [ -f "$BIN/opensnoop_kern.o" ] ||
	skip_all "$BIN/opensnoop not built (make user kern)"
[ "$(id -u)" -eq 0 ] || skip_all "needs root for bpf()"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
	skip_all "tracefs is not mounted and cannot be"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bpfload-sample-opensnoop.XXXXXX") || exit 1
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

have_kprobes() {
	[ -e /sys/bus/event_source/devices/kprobe/type ] || [ -e /sys/kernel/tracing/kprobe_events ]
}

out=$("$BIN/opensnoop" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: opensnoop" "--help prints the usage"

if ! have_kprobes; then
	out=$("$BIN/opensnoop" -d 1 2>&1)
	is $? 69 "no kprobes here: opensnoop exits 69 (EX_UNAVAILABLE)"
	like "$out" "^opensnoop: this kernel has no kprobes \\(.*CONFIG_KPROBES" "... saying so, and why"
	like "$out" "^opensnoop_tp traces the same opens" "... pointing to opensnoop_tp"
	done_testing
fi

path=$TMP/opened-by-test-$$
echo data > "$path"
"$BIN/opensnoop" > "$TMP/out" 2>&1 &
spid=$!
wait_for "$TMP/out" '^TIME\(s\) ' 60 || diag "opensnoop did not start: $(cat "$TMP/out")"
for ((i = 0; i < N; i++)); do
	cat "$path" > /dev/null
done
sleep 0.3
stop_pid $spid
is $stopped 0 "SIGINT ends opensnoop with status 0"
out=$(cat "$TMP/out")
like "$out" "^TIME\\(s\\) +COMM +PID +FILE\$" "header: TIME(s) COMM PID FILE"
is "$(count_lines "$out" "^[0-9]+\\.[0-9]{9} +cat +[0-9]+ +$path\$")" "$N" \
	"$N opens of $path -> $N lines with COMM cat"

done_testing
