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
. tests/samples/lib.sh

N=5

require_sample opensnoop
require_root
require_tracefs

sample_tmpdir opensnoop

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
start_sample opensnoop "$TMP/out" '^TIME\(s\) '
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
