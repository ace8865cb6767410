#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# valgrind.t - the object model's unit tests under valgrind.
#
# build/tests/unit/t_* are built with ASan and UBSan, which valgrind cannot
# run.  This builds plain variants of the object-model tests here (the test
# sources with loader/object/*.c compiled without sanitizers) and runs each
# one under valgrind --leak-check=full: an invalid read or write, a jump on
# uninitialised memory or a leak in the test process fails it, and so does
# any failing test point.
#
# Regression checks for inputs that once hit bugs run in a child process
# (tests/unit/isolate.h); valgrind writes the child's report to its own log.
#
# Environment: CC (default cc), VALGRIND (default valgrind),
# BPFLOAD_TEST_OBJS (default build/tests/objs), V=1 shows the logs.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

CC=${CC:-cc}
VALGRIND=${VALGRIND:-valgrind}
objs=${BPFLOAD_TEST_OBJS:-build/tests/objs}
tests=(t_sections t_btf t_objects t_broken)

if ! command -v "$VALGRIND" >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind is not installed (apt-get install valgrind)"
	exit 0
fi
for o in sock_xdp globals btf_maps subprogs unit_legacy_big unit_prog_array; do
	if [ ! -f "$objs/$o.o" ]; then
		echo "1..0 # SKIP test objects not built ($objs/$o.o): run make first"
		exit 0
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/obj"

n=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $*"
}
diag_file() {
	sed -e 's/^/# /' "$1" | tail -n "${2:-25}"
}

echo "1..$((${#tests[@]} + 1))"

# The object model, once, without sanitizers.
built=1
for src in loader/object/*.c; do
	if ! $CC -O1 -g -std=gnu11 -D_GNU_SOURCE -Iinclude -Iloader -c "$src" \
		-o "$tmp/obj/$(basename "${src%.c}").o" 2>>"$tmp/build.log"; then
		built=0
	fi
done
if [ $built -eq 1 ]; then
	ok "build loader/object/*.c without sanitizers"
else
	not_ok "build loader/object/*.c without sanitizers"
	diag_file "$tmp/build.log"
fi

for t in "${tests[@]}"; do
	bin="$tmp/$t"
	if [ $built -eq 0 ] ||
	   ! $CC -O1 -g -std=gnu11 -D_GNU_SOURCE -Iinclude -Iloader -Itests -o "$bin" \
		"tests/unit/$t.c" "$tmp"/obj/*.o -lelf -lz 2>"$tmp/$t.build"; then
		not_ok "$t under valgrind # could not build it"
		diag_file "$tmp/$t.build"
		continue
	fi
	BL_VALGRIND=1 BPFLOAD_TEST_OBJS="$objs" "$VALGRIND" -q --error-exitcode=99 \
		--leak-check=full --errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --track-origins=yes \
		--log-file="$tmp/$t.vg.%p" "$bin" >"$tmp/$t.out" 2>"$tmp/$t.err"
	rc=$?
	# the test process's own log (the isolated children have others)
	pid_log=$(ls "$tmp/$t".vg.* 2>/dev/null | sort -t. -k3 -n | head -n 1)
	points=$(grep -c '^ok \|^not ok ' "$tmp/$t.out")
	failed=$(grep -c '^not ok ' "$tmp/$t.out")
	plan=$(grep -c "^1\.\.$points\$" "$tmp/$t.out")
	if [ $rc -eq 0 ] && [ "$failed" -eq 0 ] && [ "$plan" -eq 1 ] &&
	   { [ -z "$pid_log" ] || [ ! -s "$pid_log" ]; }; then
		ok "$t under valgrind: $points test points, no memory errors, no leaks"
	else
		not_ok "$t under valgrind: exit $rc, $failed failed of $points"
		grep '^not ok ' "$tmp/$t.out" | head -n 10 | sed 's/^/# /'
		[ -n "$pid_log" ] && diag_file "$pid_log" 40
		diag_file "$tmp/$t.err" 10
	fi
	if [ "${V:-0}" = 1 ]; then
		for f in "$tmp/$t".vg.*; do
			[ -s "$f" ] && { echo "# $f:"; diag_file "$f" 60; }
		done
	fi
done
exit 0
