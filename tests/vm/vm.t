#!/bin/bash
# vm.t - the VM tests as one prove script (tests/run-tests vm).
#
# Boots 5.10, 6.1 and 6.12 (tests/vm/run) with guest-smoke, every static
# test program in $BPFLOAD_BUILD/tests/vm/ (t_*, executable) and every
# BPF object in $BPFLOAD_TEST_OBJS (shipped under /t/ for them to load).
# The static sample programs ($BPFLOAD_BUILD/tests/vm/samples/*) and their
# objects ($BPFLOAD_BUILD/bin/*_kern.o) are shipped too, as data (not run
# as tests), for the tests that run samples (t_samples_kprobe).
# Without root it skips; a missing kernel fetch is a failure (set
# BPFLOAD_VM_SKIP=1 to skip on purpose).  BPFLOAD_VM_ARGS adds options
# for run, e.g. "--kernel 6.1 --jobs 1".

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BPFLOAD_BUILD:-$top/build}
objs=${BPFLOAD_TEST_OBJS:-$build/tests/objs}

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP the VM tests need root (device nodes in the initramfs)"
	exit 0
fi

files=()
for f in "$build"/tests/vm/t_*; do
	[ -f "$f" ] && [ -x "$f" ] && files+=("$f")
done
for f in "$objs"/*.o; do
	[ -f "$f" ] && files+=("$f")
done
for f in "$build"/tests/vm/samples/* "$build"/bin/*_kern.o; do
	[ -f "$f" ] && files+=("data:$f")
done

# shellcheck disable=SC2086 # options split on purpose
exec "$here/run" ${BPFLOAD_VM_ARGS:-} "${files[@]}"
