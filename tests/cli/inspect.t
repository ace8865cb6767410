#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# inspect.t - `bpfload inspect OBJ` (human output) on every test object:
# the facts each tests/objs/*.c states at its top, read back from the
# aligned tables.  Needs no kernel; also checked as user nobody.

. "$(dirname "$0")/lib.sh"
require_binary
require_objs bad_prog btf_maps globals legacy_maps legacy_maps_ext multi_prog sections \
	sock_xdp subprogs

# The lines of table TITLE ("Programs", "Maps", "Sections") in $OUT.
table() {
	printf '%s\n' "$OUT" | awk -v t="$1" '
		index($0, t " (") == 1 { on = 1; next }
		on && /^$/ { exit }
		on { print }'
}

# prog NAME TYPE ATTACH_TYPE INSNS [SUBPROGS]
prog() {
	local row want
	row=$(table Programs | awk -v n="$1" '$1 == n { print $3, $4, $6, $7 }')
	want="$2 $3 $4 ${5:--}"
	is "$row" "$want" "$OBJ: program $1: type $2, attach type $3, $4 insns, subprogs ${5:--}"
}

# map NAME TYPE KEY VALUE MAX FLAGS ORIGIN PINNING
map() {
	local row
	row=$(table Maps | awk -v n="$1" '$1 == n { print $3, $4, $5, $6, $7, $8, $9 }')
	is "$row" "$2 $3 $4 $5 $6 $7 $8" "$OBJ: map $1: $2 key $3 value $4 max $5 flags $6 $7 $8"
}

# relocs PROG N
relocs() {
	like "$OUT" "^  $1 \\($2\\):\$" "$OBJ: $1 has $2 relocations"
}

# section NAME TYPE FLAGS SIZE ROLE
section() {
	local row
	row=$(table Sections | awk -v n="$1" '$2 == n { print $3, ($4 ~ /^[0-9]+$/ ? "-" : $4), ($4 ~ /^[0-9]+$/ ? $4 : $5), ($4 ~ /^[0-9]+$/ ? $5 : $6) }')
	is "$row" "$2 $3 $4 $5" "$OBJ: section $1: $2 flags $3 size $4 role $5"
}

inspect() {
	OBJ=$1
	OUT=$("$BPFLOAD" inspect "$OBJS/$1.o")
	ok $? "inspect $1 succeeds"
}

# ---- legacy_maps: old samples/bpf style ----
inspect legacy_maps
like "$OUT" '^license  GPL$' "legacy_maps: license GPL"
like "$OUT" '^version  0x[0-9a-f]{6} \([0-9]+\.[0-9]+\.[0-9]+\)$' "legacy_maps: a version section"
like "$OUT" '^btf      \.BTF yes, \.BTF\.ext yes$' "legacy_maps: BTF present"
like "$OUT" '^Programs \(3\):$' "legacy_maps: 3 programs"
prog kprobe_openat2 kprobe - 23
prog tp_getpid tracepoint - 18
prog sock_len socket_filter - 13
like "$(table Programs)" 'kprobe_openat2 +kprobe/do_sys_openat2 +kprobe +- +do_sys_openat2 ' \
	"legacy_maps: kprobe target do_sys_openat2"
map pid_hash hash 4 8 1024 - legacy -
map counters array 4 8 16 - legacy -
map jmp_table prog_array 4 4 8 - legacy -
relocs kprobe_openat2 2
relocs tp_getpid 2
relocs sock_len 1
section maps PROGBITS WA 60 maps

# ---- legacy_maps_ext: 28-byte definitions, map-in-map ----
inspect legacy_maps_ext
like "$OUT" '^version  none$' "legacy_maps_ext: no version section"
map inner_tmpl array 4 8 4 - legacy -
map outer_arr array_of_maps 4 4 2 - legacy -
map numa_hash hash 4 4 64 numa_node legacy -
prog read_inner socket_filter - 35
relocs read_inner 3
section maps PROGBITS WA 84 maps

# ---- btf_maps: 12 BTF-defined maps ----
inspect btf_maps
like "$OUT" '^Maps \(12\):$' "btf_maps: 12 maps"
map inner_a array 4 4 1 - btf -
map inner_b array 4 4 1 - btf -
map outer_arr array_of_maps 4 4 4 - btf -
map flows hash 8 16 1024 - btf -
map sized_arr array 4 16 8 - btf -
map pcpu_cnt percpu_array 4 8 4 - btf -
map events ringbuf 0 0 262144 - btf -
map perf_out perf_event_array 4 4 128 - btf -
map lru lru_hash 8 4 512 no_common_lru btf -
map pinned_cnt hash 4 8 16 - btf by_name
map outer_hash hash_of_maps 4 4 8 - btf -
map numa_hash hash 4 4 64 numa_node btf -
like "$(table Maps)" '^  outer_arr .* array 4/4 x1$' "btf_maps: outer_arr inner map array 4/4 x1"
like "$(table Maps)" '^  outer_hash .* hash 4/8 x32$' "btf_maps: outer_hash inner map hash 4/8 x32"
prog use_maps tracepoint - 120
relocs use_maps 11
section .maps PROGBITS WA 408 "maps"

# ---- globals: .data, .rodata, .bss, strings ----
inspect globals
prog count_getpid tracepoint - 41
relocs count_getpid 10
like "$(table Programs)" 'tp/syscalls/sys_enter_getpid +tracepoint +- +syscalls/sys_enter_getpid ' \
	"globals: tracepoint target syscalls/sys_enter_getpid"
map .rodata array 4 24 1 "rdonly_prog|mmapable" rodata -
map .data array 4 8 1 mmapable data -
map .bss array 4 40 1 mmapable bss -
map .rodata.str1.1 array 4 7 1 "rdonly_prog|mmapable" rodata -
like "$(table Maps)" '^  \.rodata +globals\.rodata ' "globals: .rodata kernel name globals.rodata"
section .rodata PROGBITS A 24 rodata
section .data PROGBITS WA 8 data
section .bss NOBITS WA 40 bss
section .rodata.str1.1 PROGBITS AMS 7 rodata
n=$(printf '%s\n' "$OUT" | awk '/^Relocations/ { on = 1 } on && / map_value /' | wc -l)
is "$n" 10 "globals: 10 map_value relocations"
like "$OUT" '^ +21 +map_value +\.bss +\.bss +16$' "globals: static_calls via section symbol .bss + 16"
like "$OUT" '^ +36 +map_value +\.rodata\.str1\.1 +\.rodata\.str1\.1 +0$' "globals: string in .rodata.str1.1"

# ---- multi_prog: several programs per section ----
inspect multi_prog
like "$OUT" '^Programs \(5\):$' "multi_prog: 5 programs"
prog xdp_drop xdp xdp 2
prog xdp_pass xdp xdp 2
prog xdp_tx xdp xdp 4
prog sock_a socket_filter - 2
prog sock_b socket_filter - 6 times_two
relocs sock_b 1
relocs xdp_drop 0
like "$OUT" '^Maps \(0\):$' "multi_prog: no maps"

# ---- subprogs: bpf-to-bpf calls, appended subprograms ----
inspect subprogs
prog sock_calls socket_filter - 25 sub_top,sub_global,sub_mid,sub_leaf
prog xdp_calls xdp xdp 41 loop_add,sub_top,sub_global,sub_mid,sub_leaf
like "$OUT" '^ +5 +func_ptr +\.text +loop_add +0$' "subprogs: bpf_loop callback is a func_ptr relocation"
n=$(printf '%s\n' "$OUT" | awk '/^Relocations/ { on = 1 } on && / call / && $3 != "-"' | wc -l)
is "$n" 4 "subprogs: 4 call relocations from the ELF (2 per program)"

# ---- sock_xdp ----
inspect sock_xdp
prog sock_ipv4_len socket_filter - 5
prog xdp_count xdp xdp 23
map proto_count percpu_array 4 8 256 - btf -
relocs sock_ipv4_len 0
relocs xdp_count 1
like "$OUT" '^ +14 +map_fd +proto_count +proto_count +0$' "sock_xdp: insn 14 -> proto_count"

# ---- bad_prog ----
inspect bad_prog
prog bad_deref socket_filter - 9
prog good_deref socket_filter - 12
map vals hash 4 8 4 - btf -
relocs bad_deref 1
relocs good_deref 1

# ---- sections: the naming convention ----
inspect sections
like "$OUT" '^Programs \(37\):$' "sections: 37 programs"
prog s_kprobe kprobe - 2
prog s_uprobe kprobe - 2
prog s_tp_btf tracing trace_raw_tp 2
prog s_fentry tracing trace_fentry 2
prog s_lsm lsm lsm_mac 2
prog s_iter tracing trace_iter 2
prog s_xdp_frags xdp xdp 2
prog s_cgroup_skb cgroup_skb - 2
prog s_cgroup_skb_ingress cgroup_skb cgroup_inet_ingress 2
prog s_cgroup_skb_egress cgroup_skb cgroup_inet_egress 2
prog s_cgroup_connect4 cgroup_sock_addr cgroup_inet4_connect 2
prog s_sk_lookup sk_lookup sk_lookup 2
prog s_syscall syscall - 2
like "$(table Programs)" 's_uprobe +uprobe//bin/bash:readline +kprobe +- +/bin/bash:readline ' \
	"sections: uprobe target /bin/bash:readline"

# ---- CO-RE records: what each instruction will ask of the kernel ----
inspect core_values
like "$OUT" "^CO-RE relocations \\(28\\), applied at load against the kernel's BTF:\$" \
	"core_values: 28 CO-RE relocations"
like "$OUT" '^ +0 +field offset of struct task_struct\.pid \(0:1\)$' \
	"core_values: insn 0, the offset of task_struct.pid"
like "$OUT" '^ +16 +field offset of struct task_struct\.comm\[3\] \(0:3:3\)$' \
	"core_values: insn 16, an array element in the path"
inspect globals
unlike "$OUT" '^CO-RE' "globals: no CO-RE section without CO-RE records"

# ---- errors ----
out=$("$BPFLOAD" inspect /nonexistent.o 2>&1)
ok $(( $? != 1 )) "inspect of a missing file exits 1"
like "$out" 'ENOENT' "... and says ENOENT"
out=$("$BPFLOAD" inspect Makefile 2>&1)
ok $(( $? != 1 )) "inspect of a non-ELF file exits 1"
like "$out" 'not an ELF file' "... and says it is not an ELF file"

# ---- as an unprivileged user, identical output ----
make_tmpdir
tmp=$TMP
chmod 755 "$tmp"
cp "$BPFLOAD" "$tmp/bpfload"
run_as_nobody() {
	if command -v setpriv >/dev/null; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all "$@"
	else
		su nobody -s /bin/sh -c "$*"
	fi
}
if [ "$(id -u)" -ne 0 ]; then
	skip "already unprivileged: the checks above ran as uid $(id -u)"
elif ! id nobody >/dev/null 2>&1; then
	skip "no user nobody"
else
	for o in globals btf_maps subprogs; do
		cp "$OBJS/$o.o" "$tmp/$o.o"
		chmod 644 "$tmp/$o.o"
		want=$("$BPFLOAD" inspect "$tmp/$o.o")
		got=$(run_as_nobody "$tmp/bpfload" inspect "$tmp/$o.o" 2>&1)
		is "$got" "$want" "inspect $o as nobody gives the same output as root"
	done
fi

done_testing
