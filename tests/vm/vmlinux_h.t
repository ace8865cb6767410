#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# vmlinux_h.t - one vmlinux.h per guest kernel, and our CO-RE sources
# compile against each.
#
# For Debian's 5.10, 6.1 and 6.12 kernels (the VM cache, fetched once by
# fetch-kernels): `bpfload btf dump VMLINUX --format c` writes the header
# from the kernel's .BTF, and every kern/*_core_kern.c is compiled with it
# and opened by `bpfload inspect`.  What this proves: the header writer
# copes with older kernels' BTF, and our BPF-side headers do not depend on
# the host's newer types (kern_helpers.h writes helper ids as numbers, as
# a 5.10 enum bpf_func_id lacks the newer helpers).  No root needed.

set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"
. tests/cli/lib.sh
BPFLOAD=${BPFLOAD_BUILD:-build}/bin/bpfload
require_binary
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || skip_all "no $CLANG to compile BPF programs"
export BPFLOAD_VM_CACHE=${BPFLOAD_VM_CACHE:-$here/cache}
kernels=(5.10 6.1 6.12)
if [ "${BPFLOAD_VM_SKIP:-}" = 1 ]; then
	skip_all "BPFLOAD_VM_SKIP=1"
fi
err=$("$here/fetch-kernels" "${kernels[@]}" 2>&1)
is "$?" 0 "the guest kernels are in the cache${err:+ ($err)}"
make_tmpdir
srcs=(kern/*_core_kern.c)

for k in "${kernels[@]}"; do
	abi=$(awk '{ print $1 }' "$BPFLOAD_VM_CACHE/$k.kernel" 2>/dev/null)
	vmlinux=$BPFLOAD_VM_CACHE/vmlinux-$abi
	if [ -z "$abi" ] || [ ! -r "$vmlinux" ]; then
		skip "$k: no vmlinux in the cache"
		continue
	fi
	mkdir -p "$TMP/$k"
	"$BPFLOAD" btf dump "$vmlinux" --format c -o "$TMP/$k/vmlinux.h"
	ok $? "$k: bpfload btf dump vmlinux-$abi --format c"
	# the header names the kernel's own structs; task_struct is in every one
	grep -q '^struct task_struct {' "$TMP/$k/vmlinux.h"
	ok $? "$k: ... a header defining struct task_struct"
	for src in "${srcs[@]}"; do
		name=$(basename "$src" .c)
		out=$("$CLANG" -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Iinclude \
			-I/usr/include/"$(uname -m)"-linux-gnu -I"$TMP/$k" -Wall -Werror \
			-Wno-unused-value -Wno-pointer-sign -Wno-compare-distinct-pointer-types \
			-Wno-address-of-packed-member -c "$src" -o "$TMP/$k/$name.o" 2>&1)
		is "$?" 0 "$k: $src compiles against this vmlinux.h"
		[ -n "$out" ] && diag "$(printf '%s\n' "$out" | head -20)"
		"$BPFLOAD" inspect "$TMP/$k/$name.o" > "$TMP/$k/$name.inspect" 2>&1
		ok $? "$k: ... and bpfload inspect opens the object"
		grep -q 'core' "$TMP/$k/$name.inspect"
		ok $? "$k: ... which carries CO-RE relocations"
	done
done

done_testing
