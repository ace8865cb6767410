#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# memcpy_stat.t - the memcpy_stat sample against the running kernel.
#
# Without kprobes (this host) memcpy_stat must say so and exit with 69
# (EX_UNAVAILABLE).  Its --tracepoint variant counts the socket receive
# copies of skb/skb_copy_datagram_iovec: a python helper reads K messages
# of 300 bytes from a unix socket, and the " 257 -  320" row must count
# at least K of them (other processes may add theirs), in the learn-bpf
# table (checked line by line); with --log2 the "256 -> 511" row.  Where
# the kernel has kprobes, the default mode is checked to attach (memcpy,
# or its documented fallback).  The VM test (t_samples_kprobe) checks the
# kprobe on Debian's kernels.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh

K=10

require_sample memcpy_stat
require_root
require_python
require_tracefs

sample_tmpdir memcpy_stat

# run OUT ARGS...: memcpy_stat in the background until attached, K socket
# reads, at least one full interval, then SIGINT.
run() {
	local out=$1 spid
	shift
	"$BIN/memcpy_stat" "$@" > "$out" 2>&1 &
	spid=$!
	if ! wait_for "$out" '^Counting sizes with' 60; then
		stop_pid $spid
		diag "memcpy_stat did not attach: $(cat "$out")"
		return 1
	fi
	socket_reads "$K" > /dev/null
	sleep 1.5
	stop_pid $spid
	return $stopped
}

# ---- options ----
out=$("$BIN/memcpy_stat" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: memcpy_stat" "--help prints the usage"
like "$out" "--log2" "--help documents --log2"
out=$("$BIN/memcpy_stat" -i 0 2>&1)
is $? 1 "-i 0 is refused"

# ---- kprobe on memcpy ----
if have_kprobes; then
	run "$TMP/kp" -i 1
	ok $? "kprobes here: memcpy_stat attaches and stops on SIGINT"
	like "$(cat "$TMP/kp")" "^Counting sizes with kprobe (memcpy|skb_copy_datagram_iter)" \
		"... a kprobe on memcpy or its documented fallback"
else
	out=$("$BIN/memcpy_stat" -d 1 2>&1)
	is $? 69 "no kprobes here: memcpy_stat exits 69 (EX_UNAVAILABLE)"
	like "$out" "^memcpy_stat: this kernel has no kprobes, so memcpy cannot be traced here\\.\$" \
		"... saying so"
	like "$out" "CONFIG_KPROBES" "... and why"
	like "$out" "memcpy_stat --tracepoint counts" "... and what to use instead"
fi

# ---- the tracepoint equivalent, learn-bpf table ----
run "$TMP/out" --tracepoint -i 1
ok $? "--tracepoint: attaches, stops on SIGINT with status 0"
out=$(cat "$TMP/out")
like "$out" "^Counting sizes with tracepoint skb/skb_copy_datagram_iovec" "... says what it attached"

# the first table, line by line: header, 17 labelled rows, footnote
{
	printf '        Size            Count\n'
	printf '%-24sN\n' "   0"
	for ((k = 1; k <= 16; k++)); do
		label=$(printf '%4d - %4d' $((64 * k - 63)) $((64 * k)))
		[ $k = 16 ] && label="$label*"
		printf '%-24sN\n' "$label"
	done
	printf '* Size > 1024 have been counted in this interval\n'
} > "$TMP/want"
awk '/^        Size            Count$/ { on = 1 } on { print } /^\* Size > 1024/ { exit }' "$TMP/out" |
	sed -E 's/^(.{24})[0-9]+$/\1N/' > "$TMP/got"
diff "$TMP/want" "$TMP/got" > "$TMP/diff"
ok $? "the table has the learn-bpf layout, row for row"
[ -s "$TMP/diff" ] && diag "$(cat "$TMP/diff")"
is "$(count_lines "$out" '^\* Size > 1024 have been counted in this interval$')" \
	"$(count_lines "$out" '^        Size            Count$')" "every table ends with the footnote"

n=$(awk '/^ 257 -  320 / { s += $NF } END { print s + 0 }' "$TMP/out")
ok $((n >= K ? 0 : 1)) "$K reads of 300 bytes counted in ' 257 -  320' ($n)"

# ---- --log2 ----
run "$TMP/log2" --tracepoint --log2 -i 1
ok $? "--tracepoint --log2: attaches, stops on SIGINT with status 0"
out=$(cat "$TMP/log2")
like "$out" "^ +size : count +distribution\$" "--log2 prints the histogram header"
n=$(awk -F: '/^       256 -> 511 / { split($2, f, " "); s += f[1] } END { print s + 0 }' "$TMP/log2")
ok $((n >= K ? 0 : 1)) "$K reads of 300 bytes counted in '256 -> 511' ($n)"
like "$out" "^       256 -> 511 +: [0-9]+ +\\|\\*+ *\\|\$" "... with a bar"

done_testing
