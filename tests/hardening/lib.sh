# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - helpers for the tests/hardening/*.t shell tests (sourced, bash),
# on top of the TAP helpers of tests/cli/lib.sh.
#
# Run from anywhere: each test cds to the repository root.  BPFLOAD names
# the CLI (default build/bin/bpfload), BPFLOAD_TEST_OBJS the test objects
# (default build/tests/objs), BPFLOAD_BUILD the build directory.

hd_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$hd_top" || exit 1
BUILD=${BPFLOAD_BUILD:-$hd_top/build}
BPFLOAD=${BPFLOAD:-$BUILD/bin/bpfload}
OBJS=${BPFLOAD_TEST_OBJS:-$BUILD/tests/objs}

# The TAP helpers (ok, todo, is, diag, skip, skip_all, on_exit,
# done_testing, ...) are the CLI tests'.
. "$hd_top/tests/cli/lib.sh"

# has TEXT FIXED-STRING: status 0 when TEXT contains it
has() {
	printf '%s\n' "$1" | grep -qF -- "$2"
}

# need_root: skip the file without root
need_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (bpf(), tracefs, capabilities)"
}

# wait_for FILE FIXED-STRING SECONDS: until FILE contains the string
wait_for() {
	local file=$1 what=$2 secs=$3 i
	for ((i = 0; i < secs * 20; i++)); do
		grep -qF -- "$what" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# prog_ids_of PID: the bpf program ids a process holds (fdinfo prog_id)
prog_ids_of() {
	grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un
}

# gone_progs ID...: status 0 when no program with these ids exists (waits
# up to 5 s for the kernel to free them)
gone_progs() {
	local i id left
	for ((i = 0; i < 100; i++)); do
		left=0
		for id in "$@"; do
			"$BPFLOAD" prog show "$id" >/dev/null 2>&1 && left=1
		done
		[ $left -eq 0 ] && return 0
		sleep 0.05
	done
	return 1
}

# our_events PID: lines of kprobe_events/uprobe_events made by bpfload in PID
our_events() {
	cat /sys/kernel/tracing/kprobe_events /sys/kernel/tracing/uprobe_events 2>/dev/null |
		grep -c "bpfload_$1_" || true
}
