# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - TAP helpers for the tests/hardening/*.t shell tests (sourced, bash).
#
# Run from anywhere: each test cds to the repository root.  BPFLOAD names
# the CLI (default build/bin/bpfload), BPFLOAD_TEST_OBJS the test objects
# (default build/tests/objs), BPFLOAD_BUILD the build directory.

hd_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$hd_top" || exit 1
BUILD=${BPFLOAD_BUILD:-$hd_top/build}
BPFLOAD=${BPFLOAD:-$BUILD/bin/bpfload}
OBJS=${BPFLOAD_TEST_OBJS:-$BUILD/tests/objs}
export LC_ALL=C

_hd_n=0
_hd_cleanups=()

_hd_line() {	# _hd_line STATUS DIRECTIVE DESCRIPTION...
	local status=$1 directive=$2
	shift 2
	_hd_n=$((_hd_n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $_hd_n - $*${directive:+ # $directive}"
	else
		echo "not ok $_hd_n - $*${directive:+ # $directive}"
	fi
}

# ok STATUS DESCRIPTION: passes when STATUS is 0
ok() {
	local status=$1
	shift
	_hd_line "$status" "" "$@"
}

# todo STATUS REASON DESCRIPTION: a known gap; prove counts it as passed
# either way and reports it when it starts to pass
todo() {
	local status=$1 reason=$2
	shift 2
	_hd_line "$status" "TODO $reason" "$@"
}

# is GOT WANT DESCRIPTION
is() {
	local got=$1 want=$2
	shift 2
	[ "$got" = "$want" ]
	ok $? "$*"
	[ "$got" = "$want" ] || diag "got '$got', want '$want'"
}

# has TEXT FIXED-STRING: status 0 when TEXT contains it
has() {
	printf '%s\n' "$1" | grep -qF -- "$2"
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

skip() {	# skip REASON DESCRIPTION
	local why=$1
	shift
	_hd_n=$((_hd_n + 1))
	echo "ok $_hd_n - $* # SKIP $why"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# on_exit COMMAND: run at exit, last registered first
on_exit() {
	_hd_cleanups=("$*" "${_hd_cleanups[@]}")
}

_hd_finish() {
	local c
	for c in "${_hd_cleanups[@]}"; do
		eval "$c" >/dev/null 2>&1
	done
}
trap _hd_finish EXIT

done_testing() {
	echo "1..$_hd_n"
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
