#!/usr/bin/env bash
# TAP: the fuzz target replays every regression input, then fuzzes for a
# bounded round (BPFLOAD_FUZZ_SECONDS, default 45) without finding a crash.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BPFLOAD_BUILD:-$top/build}
fuzzer=$build/fuzz/fuzz_object
seconds=${BPFLOAD_FUZZ_SECONDS:-45}
n=0

if [ ! -x "$fuzzer" ]; then
	echo "1..0 # SKIP $fuzzer not built (needs clang with libFuzzer: libclang-rt-14-dev)"
	exit 0
fi
for f in "$top"/tests/fuzz/regressions/*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if "$fuzzer" -runs=1 "$f" >/dev/null 2>&1; then
		echo "ok $n - regression $(basename "$f") is handled"
	else
		echo "not ok $n - regression $(basename "$f") crashes the parser"
	fi
done
n=$((n + 1))
log=$(mktemp)
if "$top"/tests/fuzz/run "$seconds" >"$log" 2>&1; then
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	echo "ok $n - fuzzed ${seconds}s without a crash ($execs executions, $cov)"
else
	echo "not ok $n - the fuzzer found a crash (see $build/fuzz/crashes/)"
	tail -n 40 "$log" | sed 's/^/# /'
fi
rm -f "$log"
echo "1..$n"
