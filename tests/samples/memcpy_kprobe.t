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
. tests/samples/lib.sh

K=10

require_sample memcpy_kprobe
require_root
require_python
require_tracefs

sample_tmpdir memcpy_kprobe

# ---- options ----
out=$("$BIN/memcpy_kprobe" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: memcpy_kprobe" "--help prints the usage"
"$BIN/memcpy_kprobe" --arg 9 > /dev/null 2>&1
is $? 1 "--arg 9 is refused"

# ---- kprobe on memcpy ----
if have_kprobes; then
	start_tp memcpy_kprobe "$TMP/kp" '^Tracing '
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
start_tp memcpy_kprobe "$TMP/out" '^Tracing ' --tracepoint
like "$(cat "$TMP/out")" "^Tracing tracepoint skb/skb_copy_datagram_iovec" \
	"--tracepoint: attached to skb/skb_copy_datagram_iovec"
hpid=$(socket_reads "$K")
sleep 0.5
stop_pid $spid
is $stopped 0 "SIGINT ends memcpy_kprobe with status 0"
is "$(count_lines "$(cat "$TMP/out")" "-$hpid +\\[[0-9]+\\].*: skb_copy_datagram_iovec size 300\$")" "$K" \
	"$K reads of 300 bytes by pid $hpid -> $K 'size 300' lines of that pid"

done_testing
