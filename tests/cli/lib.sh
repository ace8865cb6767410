# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - TAP helpers for the bpfload CLI tests (sourced, bash), and the
# TAP core of the sample and hardening tests (tests/samples/lib.sh and
# tests/hardening/lib.sh source it).
#
# Run the tests from the repository root:  prove tests/cli/
# BPFLOAD names the binary (default build/bin/bpfload), OBJS the test
# objects (default build/tests/objs).  Each test prints "ok N - ..." /
# "not ok N - ..." lines and the plan "1..N" at the end; whatever cannot
# run here is reported as "ok N # SKIP reason".

BPFLOAD=${BPFLOAD:-build/bin/bpfload}
OBJS=${OBJS:-build/tests/objs}
# The system's python3 first: version-manager shims take a second a call.
PYTHON=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
export LC_ALL=C

_tap_n=0
_tap_failed=0
_tap_last_failed=0	# diagnostics after a failure go to stderr too
_tap_cleanups=()

# _tap_line STATUS DIRECTIVE DESCRIPTION...: one test line.  A "not ok"
# counts as a failure unless it has a directive (TODO).
_tap_line() {
	local status=$1 directive=$2
	shift 2
	_tap_n=$((_tap_n + 1))
	_tap_last_failed=0
	if [ "$status" -eq 0 ]; then
		echo "ok $_tap_n - $*${directive:+ # $directive}"
	else
		echo "not ok $_tap_n - $*${directive:+ # $directive}"
		if [ -z "$directive" ]; then
			_tap_failed=$((_tap_failed + 1))
			_tap_last_failed=1
			# prove shows stderr without -v: a CI log then says what failed
			echo "#   Failed test $_tap_n - $*" >&2
		fi
	fi
}

# ok CONDITION-EXIT-STATUS DESCRIPTION:  ok $? "what"
ok() {
	local status=$1
	shift
	_tap_line "$status" "" "$@"
}

# todo STATUS REASON DESCRIPTION: a known gap; prove counts it as passed
# either way and reports it when it starts to pass
todo() {
	local status=$1 reason=$2
	shift 2
	_tap_line "$status" "TODO $reason" "$@"
}

# is GOT WANT DESCRIPTION
is() {
	local got=$1 want=$2
	shift 2
	[ "$got" = "$want" ]
	ok $? "$*"
	[ "$got" = "$want" ] || diag "got '$got', want '$want'"
}

# like TEXT EXTENDED-REGEX DESCRIPTION
like() {
	local text=$1 re=$2
	shift 2
	printf '%s\n' "$text" | grep -Eq -- "$re"
	ok $? "$*"
	printf '%s\n' "$text" | grep -Eq -- "$re" || diag "no match for /$re/ in: $(printf '%s' "$text" | head -c 600)"
}

# unlike TEXT EXTENDED-REGEX DESCRIPTION
unlike() {
	local text=$1 re=$2
	shift 2
	! printf '%s\n' "$text" | grep -Eq -- "$re"
	ok $? "$*"
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
	[ "$_tap_last_failed" = 0 ] || printf '%s\n' "$*" | sed 's/^/# /' >&2
}

# skip REASON [DESCRIPTION]: a test that cannot run here
skip() {
	local why=$1
	shift
	_tap_n=$((_tap_n + 1))
	if [ $# -gt 0 ]; then
		echo "ok $_tap_n - $* # SKIP $why"
	else
		echo "ok $_tap_n # SKIP $why"
	fi
}

# skip_all REASON: the whole file cannot run here.
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# Run at exit, last registered first.
on_exit() {
	_tap_cleanups=("$*" "${_tap_cleanups[@]}")
}

_tap_exit() {
	local c
	for c in "${_tap_cleanups[@]}"; do
		eval "$c" >/dev/null 2>&1
	done
}
trap _tap_exit EXIT
trap 'exit 130' INT TERM

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}

# A fresh temporary directory in $TMP, removed at exit.  (Not through
# $(...): a subshell would lose the cleanup.)
make_tmpdir() {
	remove_stale "${TMPDIR:-/tmp}/bpfload-cli-"
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/bpfload-cli-$$.XXXXXX") || exit 1
	on_exit "rm -rf '$TMP'"
}

# Remove PREFIX<pid>[.xxx] directories of test runs that were killed
# before their cleanup could run (the process is gone).
remove_stale() {
	local d pid
	for d in "$1"[0-9]*; do
		[ -d "$d" ] || continue
		pid=${d#"$1"}
		pid=${pid%%.*}
		kill -0 "$pid" 2>/dev/null || rm -rf "$d"
	done
}

require_binary() {
	[ -x "$BPFLOAD" ] || skip_all "$BPFLOAD not built (make cli)"
}

require_objs() {
	local o
	for o in "$@"; do
		[ -f "$OBJS/$o.o" ] || skip_all "$OBJS/$o.o not built (make tests)"
	done
}

require_python() {
	[ -n "$PYTHON" ] || skip_all "python3 not installed"
}

# Kernel tests need root and a working bpf().
require_bpf() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root for bpf()"
	"$BPFLOAD" map list >/dev/null 2>&1 || skip_all "bpf() does not work here"
}

# Mount bpffs at /sys/fs/bpf if it is not there (the mount stays, other
# tests share it) and make a private directory on it in $PINS, removed
# at exit.  Fails when there is no way to get one.
bpffs_dir() {
	PINS=/sys/fs/bpf/bpfload-cli-test-$$
	if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != "bpf_fs" ]; then
		mount -t bpf bpf /sys/fs/bpf 2>/dev/null || return 1
	fi
	remove_stale /sys/fs/bpf/bpfload-cli-test-
	mkdir -p "$PINS" || return 1
	on_exit "rm -rf '$PINS'"
}

# The number of lines in $1 that match the regex $2.
count_lines() {
	printf '%s\n' "$1" | grep -Ec -- "$2"
}
