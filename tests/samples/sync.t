#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# sync.t - the sync sample against the running kernel.
#
# sync prints a "sys_sync() called" trace_pipe line for each sync() call.
# The test runs N sync commands (under a unique name, each its own
# process) and sync must print exactly one line for each of their pids,
# N in all.  Where the kernel has no kprobes (this host) it must say so
# and use the syscalls/sys_enter_sync tracepoint.  Also: --help, Ctrl-C
# (SIGINT) ending it with status 0, --duration.
#
# trace_pipe has one reader at a time (6.6+ refuses a second one with
# EBUSY): if another process holds it for more than a minute, the test
# skips.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh

N=5

require_sample sync
require_root
require_tracefs

sample_tmpdir sync

# ---- options ----
out=$("$BIN/sync" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: sync" "--help prints the usage"

# ---- N sync() calls, each from its own process ----
start_tp sync "$TMP/out" '^Tracing sys_sync\(\)'
if have_kprobes; then
	like "$(cat "$TMP/out")" "^Tracing sys_sync\\(\\) with kprobe" "kprobes here: the kprobe is used"
else
	like "$(cat "$TMP/out")" "^No kprobe on sync\\(\\) here \\(.*CONFIG_KPROBES" \
		"no kprobes here: sync says so, and why"
	like "$(cat "$TMP/out")" "^Tracing sys_sync\\(\\) with tracepoint syscalls/sys_enter_sync" \
		"... and uses the tracepoint"
fi

ln -s "$(type -P sync)" "$TMP/sync_t$$"
pids=()
for ((i = 0; i < N; i++)); do
	"$TMP/sync_t$$" &
	pids+=($!)
	wait $!
done
sleep 0.5
stop_pid $spid
is $stopped 0 "SIGINT ends sync with status 0"
out=$(cat "$TMP/out")
total=0
for p in "${pids[@]}"; do
	n=$(count_lines "$out" "-$p +\\[[0-9]+\\].*: sys_sync\\(\\) called\$")
	[ "$n" = 1 ] || diag "pid $p: $n lines"
	total=$((total + n))
done
is "$total" "$N" "$N sync() calls by pids ${pids[*]} -> one line each"
like "$out" "^ *(sync_t$$|<\\.\\.\\.>)-${pids[0]} +\\[[0-9]+\\] .* [0-9]+\\.[0-9]+: bpf_trace_printk: sys_sync\\(\\) called\$" \
	"lines have the trace_pipe layout"

# ---- --duration ----
start_tp sync "$TMP/out2" '^Tracing sys_sync\(\)' --tracepoint -d 1
for ((i = 0; i < 200; i++)); do
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.05
done
kill -0 "$spid" 2>/dev/null
is $? 1 "--tracepoint -d 1: sync exits by itself"
wait "$spid"
is $? 0 "... with status 0"

done_testing
