#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# prog.t - `bpfload prog list|show` while another bpfload process holds
# programs (`load --wait`), checked against the ids, types, names and map
# ids that load printed; and that they are gone after Ctrl-C.  Needs root.

. "$(dirname "$0")/lib.sh"
require_binary
require_objs sock_xdp multi_prog
require_bpf
require_python

make_tmpdir
tmp=$TMP

# Start `bpfload load OBJ --wait --json` in the background; wait for its
# output in $tmp/NAME.json; its pid in HOLDER.
hold() {
	local name=$1 i
	shift
	"$BPFLOAD" load "$@" --wait --json > "$tmp/$name.json" 2> "$tmp/$name.err" &
	HOLDER=$!
	on_exit "kill $HOLDER"
	for i in $(seq 100); do
		grep -q '}' "$tmp/$name.json" 2>/dev/null && return 0
		kill -0 $HOLDER 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# py EXPR FILE: evaluate EXPR with d = the JSON document in FILE
py() {
	"$PYTHON" -c "import json,sys; d = json.load(open(sys.argv[1])); print($1)" "$2"
}

hold sx "$OBJS/sock_xdp.o"
ok $? "load --wait holds sock_xdp"
like "$(cat "$tmp/sx.err")" "holding everything loaded" "... and says so on stderr"
xdp_id=$(py '[p["id"] for p in d["programs"] if p["name"] == "xdp_count"][0]' "$tmp/sx.json")
sock_id=$(py '[p["id"] for p in d["programs"] if p["name"] == "sock_ipv4_len"][0]' "$tmp/sx.json")
map_id=$(py 'd["maps"][0]["id"]' "$tmp/sx.json")
btf_id=$(py 'd["btf_id"]' "$tmp/sx.json")
holder1=$HOLDER

# ---- prog list, human ----
out=$("$BPFLOAD" prog list)
is $? 0 "prog list succeeds"
like "$out" '^ +ID +TYPE +NAME +TAG +LOADED +UID +XLATED +JITED +MAPS +BTF$' "prog list header"
row=$(printf '%s\n' "$out" | awk -v id="$xdp_id" '$1 == id')
like "$row" "^ *$xdp_id +xdp +xdp_count +[0-9a-f]{16} +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} +0 +[0-9]+ +[0-9]+ +$map_id +$btf_id\$" \
	"prog list row of xdp_count: id, type, name, tag, time, uid 0, sizes, map id, BTF id"
row=$(printf '%s\n' "$out" | awk -v id="$sock_id" '$1 == id')
like "$row" "^ *$sock_id +socket_filter +sock_ipv4_len +[0-9a-f]{16} .* +- +$btf_id\$" \
	"prog list row of sock_ipv4_len: no maps"

# ---- prog list --json ----
"$BPFLOAD" prog list --json > "$tmp/list.json"
is $? 0 "prog list --json succeeds"
got=$(py "[(p['type'], p['type_id'], p['name'], p['map_ids'], p['btf_id'], p['uid'], p['gpl_compatible']) for p in d if p['id'] == $xdp_id]" "$tmp/list.json")
is "$got" "[('xdp', 6, 'xdp_count', [$map_id], $btf_id, 0, True)]" \
	"prog list --json has xdp_count with its type, map ids, BTF id, uid"
got=$(py "all(p['xlated_size'] > 0 and p['verified_insns'] > 0 and len(p['tag']) == 16 and p['loaded_at'][:2] == '20' for p in d)" "$tmp/list.json")
is "$got" True "every program has sizes, verified insns, a tag and a load time"
n_list=$(py 'len(d)' "$tmp/list.json")
n_human=$("$BPFLOAD" prog list | tail -n +2 | wc -l)
is "$n_human" "$n_list" "human and JSON lists have the same number of programs ($n_list)"

# ---- prog show ----
out=$("$BPFLOAD" prog show "$xdp_id")
is $? 0 "prog show $xdp_id succeeds"
like "$out" "^id +$xdp_id\$" "prog show: id"
like "$out" '^type +xdp$' "prog show: type"
like "$out" '^name +xdp_count$' "prog show: name"
like "$out" "^map_ids +$map_id\$" "prog show: map ids"
like "$out" "^btf_id +$btf_id\$" "prog show: BTF id"
like "$out" '^xlated +[1-9][0-9]* bytes$' "prog show: xlated size"
"$BPFLOAD" prog show "$xdp_id" --json > "$tmp/show.json"
got=$(py "[d[k] == [p for p in json.load(open('$tmp/list.json')) if p['id'] == $xdp_id][0][k] for k in d if k != 'loaded_at']" "$tmp/show.json" | tr -d ' []' | tr ',' '\n' | sort -u)
is "$got" True "prog show --json equals the prog list --json entry (but for loaded_at's rounding)"
tag1=$(py 'd["tag"]' "$tmp/show.json")

# ---- a second holder: same program, same tag, another id ----
hold sx2 "$OBJS/sock_xdp.o"
ok $? "a second load --wait of the same object"
xdp_id2=$(py '[p["id"] for p in d["programs"] if p["name"] == "xdp_count"][0]' "$tmp/sx2.json")
[ "$xdp_id2" != "$xdp_id" ]
ok $? "the second copy has another id ($xdp_id2)"
tag2=$("$BPFLOAD" prog show "$xdp_id2" --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["tag"])')
is "$tag2" "$tag1" "... and the same tag"
kill -TERM $HOLDER
wait $HOLDER
is $? 0 "SIGTERM releases the second holder, exit 0"

# ---- Ctrl-C releases everything ----
kill -INT $holder1
wait $holder1
is $? 0 "SIGINT ends load --wait with exit 0"
out=$("$BPFLOAD" prog list)
unlike "$out" "^ *($xdp_id|$sock_id|$xdp_id2) " "the programs are gone from prog list"
out=$("$BPFLOAD" prog show "$xdp_id" 2>&1)
is $? 1 "prog show of a released id exits 1"
like "$out" "no program with id $xdp_id" "... and says there is no such program"

# ---- errors ----
out=$("$BPFLOAD" prog show /sys/fs/bpf 2>&1)
is $? 1 "prog show of a directory fails"
like "$out" "is a directory" "... saying so"
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	chmod 755 "$tmp"
	cp "$BPFLOAD" "$tmp/bpfload"
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$tmp/bpfload" prog list 2>&1)
	is $? 1 "prog list as nobody fails with exit 1"
	like "$out" "cannot enumerate programs .*EPERM" "... naming the call and EPERM"
	like "$out" "kernel.unprivileged_bpf_disabled \\([0-9] here\\)" "... with the sysctl's value"
	unlike "$out" "^ +ID +TYPE" "... and no table header"
else
	skip "no user nobody or no setpriv"
fi

done_testing
