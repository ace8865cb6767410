#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# uprobe.t - the uprobe sample against the real kernel.
#
# uprobe_target K prints each compute() call it makes with the result;
# the sample, attached before the target starts, must show for the
# target's pid exactly those K entries (same arguments) and K returns
# (same values).  Then: -p PID shows the calls of that process only (the
# process is started first and made to wait before it execs the target,
# so its pid is known), and a BINARY argument probes that file, not
# another copy of the program.
set -u
top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh || { echo "Bail out! cannot read $top/tests/samples/lib.sh"; exit 1; }

K=6

for f in uprobe uprobe_kern.o uprobe_target; do
	[ -e "$BIN/$f" ] || skip_all "$BIN/$f not built (make user kern)"
done
require_root

sample_tmpdir uprobe

# start NAME ARGS...: run the sample in the background ($sample), wait
# until it is attached.
start() {
	local name=$1
	shift
	"$BIN/uprobe" "$@" > "$TMP/$name.out" 2> "$TMP/$name.err" &
	sample=$!
	on_exit "kill $sample"
	wait_for "$TMP/$name.err" '^uprobe: tracing' 10 ||
		diag "uprobe did not start: $(cat "$TMP/$name.err")"
}

# What the target says it did, in the sample's notation, for pid $1:
# "-> compute(a=.., b=.., tag=..)" and "<- compute = R" lines, sorted.
expected() {
	sed -nE "s/^uprobe_target $1: (compute\(.*\)) = (-?[0-9]+)\$/-> \1\n<- compute = \2/p" |
		sort
}

# The sample's lines for pid $1 without time, comm, pid and duration.
seen() {
	awk -v p="$1" 'NR > 1 && $3 == p' |
		sed -E 's/^[^ ]+ +[^ ]+ +[0-9]+ +//; s/  \([0-9.]+ us\)$//' | sort
}

out=$("$BIN/uprobe" --help 2>&1)
ok $? "--help exits 0"
like "$out" "BINARY" "--help documents BINARY"

out=$("$BIN/uprobe" /nonexistent/prog 2>&1)
[ $? -ne 0 ]
ok $? "a missing binary is an error"
like "$out" "/nonexistent/prog" "and the message names it"

# 1: every process, default binary
start all
"$BIN/uprobe_target" $K 0 > "$TMP/target1.out"
tpid=$(sed -nE '1s/^uprobe_target ([0-9]+):.*/\1/p' "$TMP/target1.out")
stop_pid $sample
ok $? "sample stopped cleanly on SIGINT"
like "$(head -1 "$TMP/all.out")" '^TIME\(s\) +COMM +PID +CALL$' "header line"
want=$(expected "$tpid" < "$TMP/target1.out")
got=$(seen "$tpid" < "$TMP/all.out")
is "$(count_lines "$want" '^->')" $K "target made $K calls"
is "$got" "$want" "exactly $K entries with the target's arguments and $K returns with its results"
is "$(count_lines "$got" '^-> ')" $K "$K entry lines"
is "$(count_lines "$got" '^<- ')" $K "$K return lines"
like "$(cat "$TMP/all.out")" " $tpid +<- compute = [0-9]+  \([0-9.]+ us\)\$" "returns carry a duration"

# 2: -p PID.  The pid is reserved by a shell that waits on a fifo, then
# execs the target; a second target run meanwhile must not show.
mkfifo "$TMP/go"
sh -c "read -r x < '$TMP/go'; exec '$BIN/uprobe_target' $K 0" > "$TMP/target2.out" &
waiter=$!
on_exit "kill $waiter"
start pid -p $waiter
"$BIN/uprobe_target" 2 0 > "$TMP/other.out"
opid=$(sed -nE '1s/^uprobe_target ([0-9]+):.*/\1/p' "$TMP/other.out")
echo go > "$TMP/go"
wait $waiter
stop_pid $sample
want=$(expected "$waiter" < "$TMP/target2.out")
got=$(seen "$waiter" < "$TMP/pid.out")
is "$got" "$want" "-p $waiter: the $K calls of that process"
is "$(awk 'NR > 1' "$TMP/pid.out" | awk -v p="$waiter" '$3 != p' | wc -l)" 0 \
	"-p $waiter: nothing from other processes (pid $opid ran meanwhile)"

# 3: BINARY: a copy of the target is another file; probing it leaves the
# original alone.
cp "$BIN/uprobe_target" "$TMP/copy_target"
start copy "$TMP/copy_target"
like "$(cat "$TMP/copy.err")" "uprobe/$TMP/copy_target:compute" "says which file it probes"
"$BIN/uprobe_target" 2 0 > "$TMP/orig.out"
"$TMP/copy_target" 3 0 > "$TMP/copy_target.out"
cpid=$(sed -nE '1s/^uprobe_target ([0-9]+):.*/\1/p' "$TMP/copy_target.out")
stop_pid $sample
is "$(seen "$cpid" < "$TMP/copy.out")" "$(expected "$cpid" < "$TMP/copy_target.out")" \
	"the copy's 3 calls are traced"
is "$(awk 'NR > 1' "$TMP/copy.out" | wc -l)" 6 "and nothing else (not the original binary's)"

done_testing
