#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# load.t - `bpfload load OBJ` against the running kernel: ids printed for
# every program and map, verifier failures, program selection, logs,
# --trace, pinning with --pin-root, and that nothing stays loaded after
# exit.  Needs root.

. "$(dirname "$0")/lib.sh"
require_binary
require_objs bad_prog btf_maps globals legacy_maps legacy_maps_ext multi_prog sock_xdp subprogs
require_bpf
require_python

make_tmpdir
tmp=$TMP

# Rows of the Programs table whose ID column is a positive number.
count_loaded() {
	printf '%s\n' "$1" | awk '/^Programs/ { on = 1; next } /^$/ { on = 0 }
		on && $2 ~ /^[0-9]+$/ && $2 > 0 && $3 ~ /^[0-9]+$/ { n++ } END { print n + 0 }'
}

# ---- every loadable test object: N programs, each with an id and fd ----
for spec in globals:1:4 btf_maps:1:12 legacy_maps:3:3 legacy_maps_ext:1:3 multi_prog:5:0 \
	    sock_xdp:2:1 subprogs:2:0; do
	IFS=: read -r o np nm <<< "$spec"
	out=$("$BPFLOAD" load "$OBJS/$o.o" --pin-root /sys/fs/bpf/bpfload-cli-nonexistent 2>&1)
	st=$?
	if [ "$o" = btf_maps ]; then
		# pinning into a missing directory fails cleanly
		is $st 1 "load $o with a missing pin root fails"
		like "$out" "pin" "... and says why (pinning)"
		continue
	fi
	is $st 0 "load $o succeeds"
	is "$(count_loaded "$out")" "$np" "load $o prints $np program ids and fds"
	like "$out" "^Maps \\($nm\\):" "load $o lists $nm maps"
	json=$("$BPFLOAD" load "$OBJS/$o.o" --json)
	got=$(printf '%s' "$json" | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
p = [x for x in d["programs"] if x["loaded"] and x["id"] > 0 and x["fd"] >= 0]
m = [x for x in d["maps"] if x["id"] > 0 and x["fd"] >= 0]
print(len(p), len(m), d["btf_id"] > 0, d["btf_warning"])')
	is "$got" "$np $nm True None" \
		"load --json $o: $np programs and $nm maps with ids, a BTF id, no BTF warning"
done

# ---- ids are gone once bpfload exits ----
out=$("$BPFLOAD" load "$OBJS/sock_xdp.o" --json)
pid=$(printf '%s' "$out" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["programs"][0]["id"])')
mid=$(printf '%s' "$out" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["maps"][0]["id"])')
out=$("$BPFLOAD" prog show "$pid" 2>&1)
is $? 1 "program $pid is gone after load exits"
like "$out" "no program with id $pid" "... prog show says so"
out=$("$BPFLOAD" map show "$mid" 2>&1)
is $? 1 "map $mid is gone after load exits"

# ---- BTF the kernel refuses: a warning, and the load goes on ----
# A copy of globals.o whose VAR getpid_calls has linkage 7 (the kernel
# takes only 0 and 1; bpfload's parser leaves that check to the kernel).
"$PYTHON" - "$OBJS/globals.o" "$tmp/badbtf.o" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", b, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", b, 0x3a)
def sh(i):
    name, _, _, _, off, size = struct.unpack_from("<IIQQQQ", b, shoff + i * shentsize)
    return name, off, size
stroff = sh(shstrndx)[1]
def secname(i):
    n = stroff + sh(i)[0]
    return bytes(b[n:b.index(0, n)]).decode()
btf = [sh(i)[1] for i in range(shnum) if secname(i) == ".BTF"][0]
hdr_len, type_off, type_len, str_off = struct.unpack_from("<IIII", b, btf + 4)
types, strs = btf + hdr_len + type_off, btf + hdr_len + str_off
# bytes after struct btf_type, by kind (vlen v): INT, ARRAY, STRUCT, UNION,
# ENUM, FUNC_PROTO, VAR, DATASEC, DECL_TAG, ENUM64; the others have none
extra = {1: lambda v: 4, 3: lambda v: 12, 4: lambda v: 12 * v, 5: lambda v: 12 * v,
         6: lambda v: 8 * v, 13: lambda v: 8 * v, 14: lambda v: 4, 15: lambda v: 12 * v,
         17: lambda v: 4, 19: lambda v: 12 * v}
p = types
while p < types + type_len:
    name_off, info, _ = struct.unpack_from("<III", b, p)
    kind, vlen = (info >> 24) & 0x1f, info & 0xffff
    n = strs + name_off
    if kind == 14 and bytes(b[n:b.index(0, n)]) == b"getpid_calls":
        struct.pack_into("<I", b, p + 12, 7)
        open(sys.argv[2], "wb").write(b)
        break
    p += 12 + extra.get(kind, lambda v: 0)(vlen)
EOF
out=$("$BPFLOAD" load "$tmp/badbtf.o" 2>&1 >/dev/null)
is $? 0 "BTF refused by the kernel: load still succeeds"
like "$out" "badbtf.o: warning: the kernel refused the object's BTF \(BPF_BTF_LOAD: EINVAL .*getpid_calls.*Linkage not supported\); loaded without it" \
	"... with a warning on stderr giving the kernel's reason"
got=$("$BPFLOAD" load "$tmp/badbtf.o" --json 2>/dev/null | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
print(d["btf_id"], "Linkage not supported" in d["btf_warning"])')
is "$got" "0 True" "... and --json says btf_id 0 and carries the warning"

# ---- a program the verifier rejects ----
"$BPFLOAD" load "$OBJS/bad_prog.o" > "$tmp/out" 2> "$tmp/err"
is $? 1 "load bad_prog exits 1"
err=$(cat "$tmp/err")
like "$err" "R0 invalid mem access 'map_value_or_null'" "stderr has the verifier's verdict"
like "$err" "program 'bad_deref'" "stderr names the program"
like "$err" "EACCES" "stderr names the errno"
like "$err" "^bpfload: $OBJS/bad_prog.o: " "stderr names the object"
is "$(cat "$tmp/out")" "" "nothing on stdout"
like "$err" "verifier log \\(last lines" "without --full-log: the last lines of the log"
"$BPFLOAD" load "$OBJS/bad_prog.o" --full-log > /dev/null 2> "$tmp/err"
like "$(cat "$tmp/err")" "R0 invalid mem access" "--full-log: verdict"
like "$(cat "$tmp/err")" "verifier log:" "--full-log: the whole log"
"$BPFLOAD" load "$OBJS/bad_prog.o" --log-level 2 --full-log > /dev/null 2> "$tmp/err"
like "$(cat "$tmp/err")" "R0 invalid mem access" "--log-level 2 --full-log: verdict"

# ---- choosing programs ----
out=$("$BPFLOAD" load "$OBJS/bad_prog.o" -P good_deref)
is $? 0 "load bad_prog -P good_deref succeeds"
is "$(count_loaded "$out")" 1 "... with one program loaded"
like "$out" '^  bad_deref +- +- ' "... bad_deref shown as not loaded"
out=$("$BPFLOAD" load "$OBJS/multi_prog.o" --program sock_b --program xdp_tx)
is "$(count_loaded "$out")" 2 "--program twice loads two programs"
out=$("$BPFLOAD" load "$OBJS/multi_prog.o" -P nosuch 2>&1)
is $? 1 "--program with an unknown name fails"
like "$out" "no program 'nosuch'" "... saying which"

# ---- verifier logs on success ----
out=$("$BPFLOAD" load "$OBJS/multi_prog.o" --verbose-log)
is "$(count_lines "$out" '^Verifier log of ')" 5 "--verbose-log prints 5 logs"
is "$(count_lines "$out" '^processed [0-9]+ insns')" 5 "... each ending with the verifier's summary"
out=$("$BPFLOAD" load "$OBJS/multi_prog.o" --verbose-log --json)
got=$(printf '%s' "$out" | "$PYTHON" -c '
import json, sys
print(all("processed" in p["verifier_log"] for p in json.load(sys.stdin)["programs"]))')
is "$got" True "--verbose-log --json puts each log in verifier_log"

# ---- --trace ----
"$BPFLOAD" --trace load "$OBJS/sock_xdp.o" > /dev/null 2> "$tmp/trace"
is $? 0 "--trace load succeeds"
tr=$(cat "$tmp/trace")
like "$tr" '^bpf\(BPF_PROG_LOAD, \{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=5, .*prog_name="sock_ipv4_len".*\}, [0-9]+\) = [0-9]+$' \
	"--trace shows BPF_PROG_LOAD of sock_ipv4_len with decoded fields and the fd"
like "$tr" '^bpf\(BPF_PROG_LOAD, \{prog_type=BPF_PROG_TYPE_XDP, insn_cnt=23, .*license="GPL"' \
	"--trace shows BPF_PROG_LOAD of xdp_count"
like "$tr" '^bpf\(BPF_MAP_CREATE, \{map_type=BPF_MAP_TYPE_PERCPU_ARRAY, key_size=4, value_size=8, max_entries=256' \
	"--trace shows BPF_MAP_CREATE of proto_count"
like "$tr" '^bpf\(BPF_BTF_LOAD, ' "--trace shows BPF_BTF_LOAD"
"$BPFLOAD" load "$OBJS/sock_xdp.o" --trace > /dev/null 2> "$tmp/trace"
is "$(count_lines "$(cat "$tmp/trace")" '^bpf\(BPF_PROG_LOAD, ')" 2 \
	"--trace after the command works too: 2 BPF_PROG_LOAD lines"
"$BPFLOAD" load "$OBJS/bad_prog.o" --trace > /dev/null 2> "$tmp/trace"
like "$(cat "$tmp/trace")" '^bpf\(BPF_PROG_LOAD, .*prog_name="bad_deref".* = -1 EACCES' \
	"--trace shows the failing BPF_PROG_LOAD with its errno"
"$BPFLOAD" load "$OBJS/sock_xdp.o" > /dev/null 2> "$tmp/trace"
is "$(cat "$tmp/trace")" "" "no trace without --trace"

# ---- pinning with --pin-root ----
if bpffs_dir; then
	pins=$PINS
	out=$("$BPFLOAD" load "$OBJS/btf_maps.o" --pin-root "$pins")
	is $? 0 "load btf_maps --pin-root $pins succeeds"
	like "$out" "^  pinned_cnt +pinned_cnt +[0-9]+ +[0-9]+ +hash +$pins/pinned_cnt\$" \
		"the PINNED column shows the pin path"
	[ -e "$pins/pinned_cnt" ]
	ok $? "pinned_cnt is still pinned after bpfload exits"
	id1=$(printf '%s\n' "$out" | awk '$1 == "pinned_cnt" { print $3 }')
	id2=$("$BPFLOAD" load "$OBJS/btf_maps.o" --pin-root "$pins" --json |
	      "$PYTHON" -c 'import json,sys; print([m["id"] for m in json.load(sys.stdin)["maps"] if m["name"] == "pinned_cnt"][0])')
	is "$id2" "$id1" "a second load reuses the pinned map (same id $id1)"
	is "$(ls "$pins")" "pinned_cnt" "only the BY_NAME map is pinned"
	out=$("$BPFLOAD" load "$OBJS/btf_maps.o" --pin-root "$tmp" 2>&1)
	is $? 1 "a pin root that is not bpffs fails"
	like "$out" "not on a BPF filesystem" "... saying so"
else
	skip "no bpffs at /sys/fs/bpf and cannot mount it"
fi

# ---- unprivileged ----
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	chmod 755 "$tmp"
	cp "$BPFLOAD" "$tmp/bpfload"
	cp "$OBJS/sock_xdp.o" "$tmp/"
	chmod 644 "$tmp/sock_xdp.o"
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$tmp/bpfload" load "$tmp/sock_xdp.o" 2>&1)
	is $? 1 "load as nobody fails with exit 1"
	like "$out" "EPERM" "... with EPERM"
	like "$out" "CAP_BPF" "... and says to grant CAP_BPF or run as root"
else
	skip "no user nobody or no setpriv"
fi

done_testing
