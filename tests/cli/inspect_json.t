#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# inspect_json.t - `bpfload inspect --json`: the schema of
# loader/cli/README.md and the facts stated at the top of each
# tests/objs/*.c, checked field by field with python3's json module.

. "$(dirname "$0")/lib.sh"
require_binary
require_objs bad_prog btf_maps core_values globals legacy_maps legacy_maps_ext multi_prog \
	sections sock_xdp subprogs
require_python

make_tmpdir
tmp=$TMP
for o in bad_prog btf_maps core_values globals legacy_maps legacy_maps_ext multi_prog sections \
	 sock_xdp subprogs; do
	"$BPFLOAD" inspect --json "$OBJS/$o.o" > "$tmp/$o.json"
	ok $? "inspect --json $o succeeds"
done
"$BPFLOAD" inspect "$OBJS/globals.o" --pretty > "$tmp/pretty.json"
ok $? "--pretty after the object name works"

# The checker prints "ok|what" or "not ok|what|detail" per check.
cat > "$tmp/check.py" <<'EOF'
import json, os, sys

d = sys.argv[1]
def load(name):
    with open(os.path.join(d, name + ".json"), "rb") as f:
        return json.loads(f.read().decode("utf-8"))

def check(cond, what, detail=""):
    print(("ok|%s" % what) if cond else ("not ok|%s|%s" % (what, detail)))

def eq(got, want, what):
    check(got == want, what, "got %r, want %r" % (got, want))

def progs(o): return {p["name"]: p for p in o["programs"]}
def maps(o): return {m["name"]: m for m in o["maps"]}
def secs(o): return {s["name"]: s for s in o["sections"]}

# --- schema: every documented field, of the right JSON type ---
TOP = {"object": str, "name": str, "license": (str, type(None)), "kern_version": int,
       "btf": bool, "btf_ext": bool, "sections": list, "programs": list, "maps": list}
SEC = {"index": int, "name": str, "type": str, "type_id": int, "flags": str, "size": int,
       "role": str}
PROG = {"name": str, "section": str, "kind": str, "type": str, "type_id": int,
        "expected_attach_type": (str, type(None)),
        "expected_attach_type_id": (int, type(None)), "attach_target": (str, type(None)),
        "insns": int, "autoload": bool, "subprograms": list, "relocations": list,
        "core_relocations": list}
CORE = {"insn": int, "kind": int, "relocates": str}
REL = {"insn": int, "kind": str, "symbol": (str, type(None)), "target": str, "offset": int}
MAP = {"name": str, "kernel_name": str, "type": str, "type_id": int, "key_size": int,
       "value_size": int, "max_entries": int, "flags": int, "flag_names": list,
       "btf_key_type_id": int, "btf_value_type_id": int, "origin": str,
       "pinning": (str, type(None)), "inner": (dict, type(None))}

def fields(obj, spec):
    return all(k in obj and isinstance(obj[k], t) and not (t is int and isinstance(obj[k], bool))
               for k, t in spec.items())

for name in ["bad_prog", "btf_maps", "core_values", "globals", "legacy_maps", "legacy_maps_ext",
             "multi_prog", "sections", "sock_xdp", "subprogs"]:
    o = load(name)
    good = fields(o, TOP) and all(fields(s, SEC) for s in o["sections"]) \
        and all(fields(p, PROG) and all(fields(r, REL) for r in p["relocations"])
                for p in o["programs"]) \
        and all(fields(m, MAP) for m in o["maps"])
    check(good, "%s: every documented field present with its JSON type" % name)
    eq(o["name"], name, "%s: name" % name)
    eq(o["license"], "GPL", "%s: license GPL" % name)
    check(o["btf"] and o["btf_ext"], "%s: .BTF and .BTF.ext present" % name)

# --- legacy_maps ---
o = load("legacy_maps")
check(o["kern_version"] > 0x50000, "legacy_maps: version section read",
      "kern_version %r" % o["kern_version"])
m = maps(o)
for n, t, tid, k, v, mx in [("pid_hash", "hash", 1, 4, 8, 1024), ("counters", "array", 2, 4, 8, 16),
                           ("jmp_table", "prog_array", 3, 4, 4, 8)]:
    eq([m[n]["type"], m[n]["type_id"], m[n]["key_size"], m[n]["value_size"],
        m[n]["max_entries"], m[n]["flags"], m[n]["origin"]], [t, tid, k, v, mx, 0, "legacy"],
       "legacy_maps: map %s %s %d/%d x%d legacy" % (n, t, k, v, mx))
p = progs(o)
for n, sec, t, insns, rel in [("kprobe_openat2", "kprobe/do_sys_openat2", "kprobe", 23,
                               [(7, "pid_hash"), (17, "pid_hash")]),
                              ("tp_getpid", "tracepoint/syscalls/sys_enter_getpid", "tracepoint",
                               18, [(5, "counters"), (12, "jmp_table")]),
                              ("sock_len", "socket1", "socket_filter", 13, [(5, "counters")])]:
    eq([p[n]["section"], p[n]["type"], p[n]["insns"]], [sec, t, insns],
       "legacy_maps: %s in %s, %s, %d insns" % (n, sec, t, insns))
    eq([(r["insn"], r["target"], r["kind"]) for r in p[n]["relocations"]],
       [(i, tg, "map_fd") for i, tg in rel], "legacy_maps: %s relocations %r" % (n, rel))
eq(p["kprobe_openat2"]["attach_target"], "do_sys_openat2", "legacy_maps: kprobe target")
eq(p["sock_len"]["attach_target"], None, "legacy_maps: no attach target is null")
eq(p["kprobe_openat2"]["expected_attach_type"], None, "legacy_maps: kprobe has no attach type")

# --- legacy_maps_ext ---
o = load("legacy_maps_ext")
eq(o["kern_version"], 0, "legacy_maps_ext: no version section -> 0")
m = maps(o)
eq([(x["name"], x["type"], x["key_size"], x["value_size"], x["max_entries"]) for x in o["maps"]],
   [("inner_tmpl", "array", 4, 8, 4), ("outer_arr", "array_of_maps", 4, 4, 2),
    ("numa_hash", "hash", 4, 4, 64)], "legacy_maps_ext: maps in offset order with sizes")
eq([m["numa_hash"]["flags"], m["numa_hash"]["flag_names"]], [4, ["numa_node"]],
   "legacy_maps_ext: numa_hash flags numa_node")
p = progs(o)
eq([p["read_inner"]["insns"], len(p["read_inner"]["relocations"])], [35, 3],
   "legacy_maps_ext: read_inner 35 insns, 3 relocations")
eq([r["insn"] for r in p["read_inner"]["relocations"]], [6, 16, 22],
   "legacy_maps_ext: relocations at insns 6, 16, 22")

# --- btf_maps ---
o = load("btf_maps")
want = [("inner_a", "array", 2, 4, 4, 1), ("inner_b", "array", 2, 4, 4, 1),
        ("outer_arr", "array_of_maps", 12, 4, 4, 4), ("flows", "hash", 1, 8, 16, 1024),
        ("sized_arr", "array", 2, 4, 16, 8), ("pcpu_cnt", "percpu_array", 6, 4, 8, 4),
        ("events", "ringbuf", 27, 0, 0, 262144), ("perf_out", "perf_event_array", 4, 4, 4, 128),
        ("lru", "lru_hash", 9, 8, 4, 512), ("pinned_cnt", "hash", 1, 4, 8, 16),
        ("outer_hash", "hash_of_maps", 13, 4, 4, 8), ("numa_hash", "hash", 1, 4, 4, 64)]
eq([(x["name"], x["type"], x["type_id"], x["key_size"], x["value_size"], x["max_entries"])
    for x in o["maps"]], want, "btf_maps: 12 maps, types and sizes")
m = maps(o)
eq(set(x["origin"] for x in o["maps"]), {"btf"}, "btf_maps: every map from .maps")
eq([m["lru"]["flags"], m["lru"]["flag_names"]], [2, ["no_common_lru"]], "btf_maps: lru flags")
eq(m["numa_hash"]["flag_names"], ["numa_node"], "btf_maps: numa_hash flags")
eq([x["name"] for x in o["maps"] if x["pinning"]], ["pinned_cnt"], "btf_maps: only pinned_cnt pinned")
eq(m["pinned_cnt"]["pinning"], "by_name", "btf_maps: pinning by_name")
i = m["outer_arr"]["inner"]
eq([i["type"], i["key_size"], i["value_size"], i["max_entries"]], ["array", 4, 4, 1],
   "btf_maps: outer_arr inner map array 4/4 x1")
i = m["outer_hash"]["inner"]
eq([i["type"], i["key_size"], i["value_size"], i["max_entries"]], ["hash", 4, 8, 32],
   "btf_maps: outer_hash inner map hash 4/8 x32")
check(m["flows"]["btf_key_type_id"] > 0 and m["flows"]["btf_value_type_id"] > 0,
      "btf_maps: flows has BTF key and value types")
eq([m["sized_arr"]["btf_key_type_id"], m["sized_arr"]["btf_value_type_id"]], [0, 0],
   "btf_maps: sized_arr (sizes only) has no BTF key/value types")
p = progs(o)["use_maps"]
eq([p["type"], p["insns"], p["attach_target"]], ["tracepoint", 120, "syscalls/sys_enter_getpid"],
   "btf_maps: use_maps tracepoint, 120 insns")
eq([(r["insn"], r["target"]) for r in p["relocations"]],
   [(21, "flows"), (27, "sized_arr"), (34, "pcpu_cnt"), (43, "events"), (50, "perf_out"),
    (59, "lru"), (66, "pinned_cnt"), (77, "pinned_cnt"), (83, "outer_arr"),
    (99, "outer_hash"), (113, "numa_hash")], "btf_maps: 11 relocations, insn -> map")
eq(secs(o)[".maps"]["size"], 408, "btf_maps: .maps is 408 bytes")

# --- core_values: CO-RE records ---
o = load("core_values")
p = progs(o)["core_values"]
check(fields(p, PROG) and all(fields(c, CORE) for c in p["core_relocations"]),
      "core_values: core_relocations entries have their documented fields")
c = p["core_relocations"]
eq([len(c), c[0], c[7]["insn"], c[7]["relocates"]],
   [28, {"insn": 0, "kind": 0, "relocates": "field offset of struct task_struct.pid (0:1)"},
    16, "field offset of struct task_struct.comm[3] (0:3:3)"],
   "core_values: 28 CO-RE records, insn, kind and what each relocates")
eq(progs(load("globals"))["count_getpid"]["core_relocations"], [],
   "globals: no CO-RE records, an empty list")

# --- globals ---
o = load("globals")
m = maps(o)
eq([(x["name"], x["kernel_name"], x["value_size"], x["origin"]) for x in o["maps"]],
   [(".rodata", "globals.rodata", 24, "rodata"), (".data", "globals.data", 8, "data"),
    (".bss", "globals.bss", 40, "bss"), (".rodata.str1.1", "g.rodata.str1.1", 7, "rodata")],
   "globals: four global data maps with kernel names and sizes")
eq(m[".rodata"]["flag_names"], ["rdonly_prog", "mmapable"], "globals: .rodata rdonly_prog|mmapable")
eq(m[".bss"]["flag_names"], ["mmapable"], "globals: .bss mmapable")
p = progs(o)["count_getpid"]
eq([p["section"], p["type"], p["type_id"], p["insns"]],
   ["tp/syscalls/sys_enter_getpid", "tracepoint", 5, 41], "globals: count_getpid")
eq([(r["insn"], r["kind"], r["symbol"], r["target"], r["offset"]) for r in p["relocations"]],
   [(1, "map_value", "target_pid", ".rodata", 0), (7, "map_value", "getpid_calls", ".bss", 0),
    (11, "map_value", "weight", ".rodata", 4), (14, "map_value", "weighted_calls", ".bss", 8),
    (17, "map_value", "data_calls", ".data", 0), (21, "map_value", ".bss", ".bss", 16),
    (26, "map_value", "primes", ".rodata", 8), (30, "map_value", "prime_sum", ".bss", 24),
    (33, "map_value", "last_tag", ".bss", 32),
    (36, "map_value", ".rodata.str1.1", ".rodata.str1.1", 0)],
   "globals: the 10 relocations (insn, kind, symbol, target, offset)")
s = secs(o)
eq([s[".rodata"]["size"], s[".rodata"]["flags"], s[".data"]["flags"], s[".bss"]["type"],
    s[".bss"]["size"], s[".rodata.str1.1"]["flags"]], [24, "A", "WA", "NOBITS", 40, "AMS"],
   "globals: data section sizes, types and flags")
eq(s["tp/syscalls/sys_enter_getpid"]["role"], "program", "globals: program section role")

# --- multi_prog ---
o = load("multi_prog")
eq([(p["name"], p["section"], p["type"], p["insns"]) for p in o["programs"]],
   [("xdp_drop", "xdp", "xdp", 2), ("xdp_pass", "xdp", "xdp", 2), ("xdp_tx", "xdp", "xdp", 4),
    ("sock_a", "socket", "socket_filter", 2), ("sock_b", "socket", "socket_filter", 6)],
   "multi_prog: 5 programs in 2 sections")
p = progs(o)
eq(p["sock_b"]["subprograms"], ["times_two"], "multi_prog: sock_b calls times_two")
eq([(r["kind"], r["target"]) for r in p["sock_b"]["relocations"]], [("call", "times_two")],
   "multi_prog: sock_b's one call relocation")
eq(p["xdp_drop"]["expected_attach_type"], "xdp", "multi_prog: xdp attach type xdp")
eq(p["xdp_drop"]["expected_attach_type_id"], 37, "multi_prog: BPF_XDP is 37")
eq(o["maps"], [], "multi_prog: no maps")

# --- subprogs ---
o = load("subprogs")
p = progs(o)
eq([p["sock_calls"]["insns"], p["sock_calls"]["subprograms"]],
   [25, ["sub_top", "sub_global", "sub_mid", "sub_leaf"]],
   "subprogs: sock_calls 7 + 3 + 3 + 8 + 4 insns with its subprograms")
eq([p["xdp_calls"]["insns"], p["xdp_calls"]["subprograms"]],
   [41, ["loop_add", "sub_top", "sub_global", "sub_mid", "sub_leaf"]],
   "subprogs: xdp_calls 18 + 5 + 3 + 3 + 8 + 4 insns with its subprograms")
eq([r["symbol"] for r in p["sock_calls"]["relocations"] if r["symbol"]], [".text", "sub_global"],
   "subprogs: .relsocket's 2 relocations")
eq([(r["kind"], r["symbol"]) for r in p["xdp_calls"]["relocations"] if r["symbol"]],
   [("func_ptr", ".text"), ("call", ".text"), ("call", "sub_global")],
   "subprogs: .relxdp's 3 relocations (a func_ptr for bpf_loop)")

# --- sock_xdp ---
o = load("sock_xdp")
eq([(x["name"], x["type"], x["key_size"], x["value_size"], x["max_entries"]) for x in o["maps"]],
   [("proto_count", "percpu_array", 4, 8, 256)], "sock_xdp: proto_count")
p = progs(o)
eq([p["sock_ipv4_len"]["insns"], p["sock_ipv4_len"]["relocations"]], [5, []],
   "sock_xdp: sock_ipv4_len 5 insns, no relocations")
eq([(r["insn"], r["target"]) for r in p["xdp_count"]["relocations"]], [(14, "proto_count")],
   "sock_xdp: xdp_count insn 14 -> proto_count")

# --- bad_prog ---
o = load("bad_prog")
eq([(p["name"], p["insns"], len(p["relocations"])) for p in o["programs"]],
   [("bad_deref", 9, 1), ("good_deref", 12, 1)], "bad_prog: two programs, one relocation each")

# --- sections: the libbpf naming convention ---
o = load("sections")
table = [
    ("s_kprobe", "kprobe", None), ("s_kretprobe", "kprobe", None), ("s_uprobe", "kprobe", None),
    ("s_uretprobe", "kprobe", None), ("s_tracepoint", "tracepoint", None),
    ("s_tp", "tracepoint", None), ("s_raw_tracepoint", "raw_tracepoint", None),
    ("s_raw_tp", "raw_tracepoint", None), ("s_tp_btf", "tracing", "trace_raw_tp"),
    ("s_fentry", "tracing", "trace_fentry"), ("s_fexit", "tracing", "trace_fexit"),
    ("s_fmod_ret", "tracing", "modify_return"), ("s_lsm", "lsm", "lsm_mac"),
    ("s_iter", "tracing", "trace_iter"), ("s_perf_event", "perf_event", None),
    ("s_socket", "socket_filter", None), ("s_xdp", "xdp", "xdp"), ("s_xdp_frags", "xdp", "xdp"),
    ("s_tc", "sched_cls", None), ("s_classifier", "sched_cls", None),
    ("s_action", "sched_act", None), ("s_cgroup_skb", "cgroup_skb", None),
    ("s_cgroup_skb_ingress", "cgroup_skb", "cgroup_inet_ingress"),
    ("s_cgroup_skb_egress", "cgroup_skb", "cgroup_inet_egress"),
    ("s_cgroup_sock", "cgroup_sock", "cgroup_inet_sock_create"),
    ("s_cgroup_sock_create", "cgroup_sock", "cgroup_inet_sock_create"),
    ("s_cgroup_connect4", "cgroup_sock_addr", "cgroup_inet4_connect"),
    ("s_cgroup_sysctl", "cgroup_sysctl", "cgroup_sysctl"),
    ("s_cgroup_dev", "cgroup_device", "cgroup_device"),
    ("s_sockops", "sock_ops", "cgroup_sock_ops"),
    ("s_sk_skb_parser", "sk_skb", "sk_skb_stream_parser"),
    ("s_sk_skb_verdict", "sk_skb", "sk_skb_stream_verdict"),
    ("s_sk_msg", "sk_msg", "sk_msg_verdict"), ("s_flow_dissector", "flow_dissector", "flow_dissector"),
    ("s_sk_lookup", "sk_lookup", "sk_lookup"), ("s_lwt_in", "lwt_in", None),
    ("s_syscall", "syscall", None)]
got = [(p["name"], p["type"], p["expected_attach_type"]) for p in o["programs"]]
eq(len(got), 37, "sections: 37 programs")
for want in table:
    check(want in got, "sections: %s is %s, attach type %s" % want,
          "got %r" % [g for g in got if g[0] == want[0]])
eq(set(p["insns"] for p in o["programs"]), {2}, "sections: every program is 2 insns")
eq(progs(o)["s_cgroup_skb_ingress"]["expected_attach_type_id"], 0,
   "sections: cgroup_skb/ingress shows attach type 0 (cgroup_inet_ingress)")
eq([s["index"] for s in o["sections"] if s["role"] == "program"], list(range(3, 40)),
   "sections: program sections are 3..39")

# --- pretty output parses to the same document ---
eq(load("pretty"), load("globals"), "--pretty parses to the same document as --json")
EOF

while IFS='|' read -r status what detail; do
	if [ "$status" = ok ]; then
		ok 0 "$what"
	else
		ok 1 "$what"
		diag "$detail"
	fi
done < <("$PYTHON" "$tmp/check.py" "$tmp" 2>&1 || echo "not ok|check.py ran to the end|python failed")

# Escaping: a name with a quote, a backslash, a control byte and invalid
# UTF-8 must still give valid JSON, and valid UTF-8 passes through.
if command -v clang >/dev/null && [ -f include/bpfload/kern.h ]; then
	cat > "$tmp/esc.c" <<'EOF'
#include <bpfload/kern.h>
SEC("socket/\"q\\b\x01\xff\xc3\xa9")
int esc(void *ctx) { return 0; }
char _license[] SEC("license") = "GPL";
EOF
	if clang -O2 -target bpf -Iinclude -I/usr/include/$(gcc -print-multiarch 2>/dev/null) \
		-c "$tmp/esc.c" -o "$tmp/esc.o" 2>/dev/null; then
		"$BPFLOAD" inspect --json "$tmp/esc.o" > "$tmp/esc.json"
		sec=$("$PYTHON" -c 'import json,sys; print(ascii(json.load(open(sys.argv[1], encoding="utf-8"))["programs"][0]["section"]))' "$tmp/esc.json" 2>&1)
		is "$sec" "'socket/\"q\\\\b\\x01\\xff\\xe9'" "JSON escapes quote, backslash, control and invalid bytes"
		out=$("$BPFLOAD" inspect "$tmp/esc.o")
		like "$out" 'socket/"q\\b\?' "human output replaces control bytes with '?'"
	else
		skip "clang cannot build the escaping test object"
	fi
else
	skip "no clang for the escaping test object"
fi

done_testing
