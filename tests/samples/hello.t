#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# hello.t - the hello sample against the running kernel.
#
# hello prints a "Hello, World!" trace_pipe line for each clone() call.
# A bash started under a unique name runs /bin/true N times (N forks, each
# a clone() call of that bash); hello must print exactly N Hello lines
# with that bash's pid.  Where the kernel has no kprobes (this host) hello
# must say so and use the syscalls/sys_enter_clone tracepoint; --kprobe
# must then fail with the reason.  Also: --help, a bad option, Ctrl-C
# (SIGINT) ending it with status 0.
#
# trace_pipe has one reader at a time (6.6+ refuses a second one with
# EBUSY): if another process holds it for more than a minute, the test
# skips.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh

N=5

require_sample hello
require_root
require_tracefs

sample_tmpdir hello

# ---- options ----
out=$("$BIN/hello" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: hello" "--help prints the usage"
like "$out" "--tracepoint" "--help documents --tracepoint"
"$BIN/hello" --bogus > /dev/null 2>&1
is $? 2 "an unknown option exits 2"

# ---- N clones by a bash of ours ----
start_tp hello "$TMP/out" '^Tracing clone\(\)'
like "$(cat "$TMP/out")" "^Tracing clone\\(\\) with (kprobe|tracepoint)" "hello says what it attached"
if have_kprobes; then
	like "$(cat "$TMP/out")" "^Tracing clone\\(\\) with kprobe" "kprobes here: the kprobe is used"
else
	like "$(cat "$TMP/out")" "^No kprobe on clone\\(\\) here \\(.*CONFIG_KPROBES" \
		"no kprobes here: hello says so, and why"
	like "$(cat "$TMP/out")" "^Using the syscalls/sys_enter_clone tracepoint instead\\.\$" \
		"... and that it uses the tracepoint"
fi

ln -s "$(type -P bash)" "$TMP/hello_t$$"
"$TMP/hello_t$$" -c "for ((i = 0; i < $N; i++)); do /bin/true; done" &
bpid=$!
wait $bpid
sleep 0.5
stop_pid $spid
is $stopped 0 "SIGINT ends hello with status 0"
out=$(cat "$TMP/out")
is "$(count_lines "$out" "-$bpid +\\[[0-9]+\\].*: Hello, World!\$")" "$N" \
	"$N forks by pid $bpid -> $N Hello, World! lines of that pid"
like "$out" "^ *(hello_t$$|<\\.\\.\\.>)-$bpid +\\[[0-9]+\\] .* [0-9]+\\.[0-9]+: bpf_trace_printk: Hello, World!\$" \
	"lines have the trace_pipe layout (comm-pid [cpu] flags time: event: message)"

# ---- the choice can be forced ----
start_tp hello "$TMP/out2" '^Tracing clone\(\)' --tracepoint
like "$(cat "$TMP/out2")" "^Tracing clone\\(\\) with tracepoint syscalls/sys_enter_clone" \
	"--tracepoint uses the tracepoint"
unlike "$(cat "$TMP/out2")" "No kprobe" "... without trying the kprobe"
stop_pid $spid
is $stopped 0 "... and stops on SIGINT"

if have_kprobes; then
	skip "kprobes exist here: --kprobe cannot fail"
else
	out=$("$BIN/hello" --kprobe -d 1 2>&1)
	is $? 1 "--kprobe without kprobes exits 1"
	like "$out" "CONFIG_KPROBES" "... saying why"
fi

# ---- --duration ends it by itself ----
start_tp hello "$TMP/out3" '^Tracing clone\(\)' -d 1
for ((i = 0; i < 200; i++)); do
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.05
done
kill -0 "$spid" 2>/dev/null
is $? 1 "-d 1: hello exits by itself"
wait "$spid"
is $? 0 "... with status 0"

done_testing
