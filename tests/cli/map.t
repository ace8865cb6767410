#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# map.t - `bpfload map list|show|dump|lookup|update|delete|create` on maps
# this test makes: a map an object pins (btf_maps.o, pinned_cnt, pinning
# BY_NAME) under a private bpffs directory, and maps made with map create.
# Dumps are compared entry by entry with what was written, through the
# batched path, the key-by-key path and JSON; per-CPU maps per CPU.
# Needs root and bpffs (mounted at /sys/fs/bpf if missing).

. "$(dirname "$0")/lib.sh"
require_binary
require_objs btf_maps
require_bpf
require_python
bpffs_dir || skip_all "no bpffs at /sys/fs/bpf and cannot mount it"
pins=$PINS
make_tmpdir
tmp=$TMP

# The dump's entry lines, sorted (hash order is the kernel's).
entries() {
	printf '%s\n' "$1" | grep '^key: ' | sort
}

# ---- a map pinned by an object ----
out=$("$BPFLOAD" load "$OBJS/btf_maps.o" --pin-root "$pins")
is $? 0 "load btf_maps pins pinned_cnt under $pins"
P=$pins/pinned_cnt
id=$(printf '%s\n' "$out" | awk '$1 == "pinned_cnt" { print $3 }')

out=$("$BPFLOAD" map show "$P")
is $? 0 "map show PIN succeeds"
like "$out" "^id +$id\$" "map show: the id load printed"
like "$out" '^name +pinned_cnt$' "map show: name"
like "$out" '^type +hash$' "map show: type"
like "$out" '^key_size +4$' "map show: key size"
like "$out" '^value_size +8$' "map show: value size"
like "$out" '^max_entries +16$' "map show: max entries"
like "$out" '^btf_id +[0-9]+ \(key type [0-9]+, value type [0-9]+\)$' "map show: BTF"
like "$out" '^memlock +[0-9]+ bytes$' "map show: memlock"
like "$out" '^frozen +no$' "map show: not frozen"
is "$("$BPFLOAD" map show "$id")" "$out" "map show ID gives the same"
is "$("$BPFLOAD" m sh "$P")" "$out" "so does the abbreviation 'm sh'"
out=$("$BPFLOAD" map list)
like "$out" "^ *$id +hash +pinned_cnt +4 +8 +16 +- +[0-9]+\$" "map list has the pinned map"
got=$("$BPFLOAD" map list --json | "$PYTHON" -c "
import json, sys
print([(m['name'], m['type'], m['key_size'], m['value_size'], m['max_entries'])
       for m in json.load(sys.stdin) if m['id'] == $id])")
is "$got" "[('pinned_cnt', 'hash', 4, 8, 16)]" "map list --json has the pinned map"

# ---- update, lookup, dump ----
out=$("$BPFLOAD" map dump "$P")
is "$out" "0 entries" "the new map is empty"
"$BPFLOAD" map update "$P" 01000000 "2a 00 00 00 00 00 00 00" &&
"$BPFLOAD" map update "$P" 02:00:00:00 0x0100000000000000 &&
"$BPFLOAD" map update "$id" "ff ff ff ff" "ef be ad de 00 00 00 80"
ok $? "three updates (hex with blanks, colons, 0x; by pin and by id)"
want='key: 01 00 00 00  value: 2a 00 00 00 00 00 00 00
key: 02 00 00 00  value: 01 00 00 00 00 00 00 00
key: ff ff ff ff  value: ef be ad de 00 00 00 80'
out=$("$BPFLOAD" map dump "$P")
is $? 0 "map dump succeeds"
is "$(entries "$out")" "$want" "map dump: the three entries, bytes in memory order"
like "$out" '^3 entries$' "map dump: summary line"
is "$(entries "$("$BPFLOAD" map dump "$P" --no-batch)")" "$want" "map dump --no-batch: the same"
is "$(entries "$("$BPFLOAD" map dump "$P" --batch-size 1)")" "$want" "map dump --batch-size 1: the same"
is "$(entries "$("$BPFLOAD" map dump "$id")")" "$want" "map dump ID: the same"
got=$("$BPFLOAD" map dump "$P" --json | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
print(d["name"], d["count"], d["complete"], d["percpu"],
      sorted((e["key"], e["value"]) for e in d["entries"]))')
is "$got" "pinned_cnt 3 True False [('01000000', '2a00000000000000'), ('02000000', '0100000000000000'), ('ffffffff', 'efbeadde00000080')]" \
	"map dump --json: name, count and the entries in hex"
"$BPFLOAD" --trace map dump "$P" > /dev/null 2> "$tmp/trace"
like "$(cat "$tmp/trace")" '^bpf\(BPF_MAP_LOOKUP_BATCH, \{map_fd=[0-9]+, in_batch=NULL, .*\) = -1 ENOENT' \
	"map dump uses BPF_MAP_LOOKUP_BATCH (one call: ENOENT = walk complete)"
unlike "$(cat "$tmp/trace")" 'BPF_MAP_GET_NEXT_KEY' "... and no GET_NEXT_KEY"
"$BPFLOAD" --trace map dump "$P" --no-batch > /dev/null 2> "$tmp/trace"
is "$(count_lines "$(cat "$tmp/trace")" '^bpf\(BPF_MAP_LOOKUP_ELEM, ')" 3 \
	"map dump --no-batch: one LOOKUP_ELEM per entry"

out=$("$BPFLOAD" map lookup "$P" 02000000)
is "$out" "key: 02 00 00 00  value: 01 00 00 00 00 00 00 00" "map lookup prints the entry"
got=$("$BPFLOAD" map lookup "$P" ffffffff --json | "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d["key"], d["value"])')
is "$got" "ffffffff efbeadde00000080" "map lookup --json"
out=$("$BPFLOAD" map lookup "$P" 09000000 2>&1)
is $? 1 "map lookup of a missing key exits 1"
like "$out" "has no key 09000000" "... saying so"

# ---- update flags and bad input ----
out=$("$BPFLOAD" map update "$P" 01000000 0000000000000000 --noexist 2>&1)
is $? 1 "update --noexist of an existing key fails"
like "$out" "the key exists" "... saying so"
out=$("$BPFLOAD" map update "$P" 07000000 0000000000000000 --exist 2>&1)
is $? 1 "update --exist of a missing key fails"
out=$("$BPFLOAD" map update "$P" 010000 0000000000000000 2>&1)
is $? 1 "a 3-byte key for a 4-byte map fails"
like "$out" "want 4 hex bytes, found 3" "... saying how many bytes it wants"
out=$("$BPFLOAD" map update "$P" 01000000 00zz 2>&1)
is $? 1 "a value that is not hex fails"
is "$(entries "$("$BPFLOAD" map dump "$P")")" "$want" "failed updates changed nothing"

# ---- delete ----
"$BPFLOAD" map delete "$P" 02000000
is $? 0 "map delete succeeds"
out=$("$BPFLOAD" map dump "$P")
is "$(entries "$out")" "$(printf '%s\n' "$want" | grep -v '^key: 02')" "the entry is gone"
like "$out" '^2 entries$' "2 entries left"
out=$("$BPFLOAD" map delete "$P" 02000000 2>&1)
is $? 1 "deleting it again fails"

# ---- map create, update --from FILE ----
H=$pins/hash1000
out=$("$BPFLOAD" map create "$H" --type hash --key-size 4 --value-size 8 --max-entries 1000 \
	--name h1000)
is $? 0 "map create hash 4/8 x1000"
like "$out" "^map [0-9]+ \\(hash\\) pinned at $H\$" "map create prints the id and pin"
like "$("$BPFLOAD" map show "$H")" '^name +h1000$' "the map has the name given"
awk 'BEGIN { for (i = 0; i < 1000; i++)
	printf "%02x%02x0000 %02x%02x000000000000\n", i % 256, int(i / 256), (i * 7) % 256, int(i * 7 / 256) % 256 }' \
	> "$tmp/h1000.txt"
out=$("$BPFLOAD" map update "$H" --from "$tmp/h1000.txt")
is $? 0 "map update --from a file of 1000 entries"
is "$out" "1000 entries written to map $(printf '%s\n' "$("$BPFLOAD" map show "$H")" | awk '$1 == "id" { print $2 }')" \
	"... reports 1000 entries written"
"$BPFLOAD" map dump "$H" > "$tmp/dump.txt"
like "$(tail -1 "$tmp/dump.txt")" '^1000 entries$' "map dump: 1000 entries"
got=$("$PYTHON" -c '
import sys
want = {}
for line in open(sys.argv[1]):
    k, v = line.split()
    want[k] = v
got = {}
for line in open(sys.argv[2]):
    if line.startswith("key: "):
        k, v = line[5:].split("  value: ")
        got[k.replace(" ", "")] = v.strip().replace(" ", "")
print(got == want, len(got))' "$tmp/h1000.txt" "$tmp/dump.txt")
is "$got" "True 1000" "every key and value dumped as written"
cmp -s <(entries "$(cat "$tmp/dump.txt")") \
	<(entries "$("$BPFLOAD" map dump "$H" --no-batch)")
ok $? "batched and key-by-key dumps agree on 1000 entries"

# round trip: dump output is accepted by update --from
"$BPFLOAD" map create "$pins/copy" --type hash --key-size 4 --value-size 8 --max-entries 1000 \
	> /dev/null &&
"$BPFLOAD" map update "$pins/copy" --from "$tmp/dump.txt" --noexist > /dev/null
ok $? "update --from accepts map dump output"
cmp -s <(entries "$(cat "$tmp/dump.txt")") <(entries "$("$BPFLOAD" map dump "$pins/copy")")
ok $? "... and the copy dumps the same"
printf '# comment\n\n01000000 0100000000000000\n02000000\n' > "$tmp/bad.txt"
out=$("$BPFLOAD" map update "$pins/copy" --from "$tmp/bad.txt" 2>&1)
is $? 1 "update --from with a bad line fails"
like "$out" "bad.txt:4: want 'KEY VALUE'" "... naming the file and line"

# a full map
"$BPFLOAD" map create "$pins/small" --type hash --key-size 4 --value-size 4 --max-entries 4 \
	> /dev/null
printf '%02x000000 00000000\n' 1 2 3 4 5 > "$tmp/five.txt"
out=$("$BPFLOAD" map update "$pins/small" --from "$tmp/five.txt" 2>&1)
is $? 1 "writing 5 entries into a map of 4 fails"
like "$out" "line 5.*(full|E2BIG)" "... at line 5, the map being full"

# ---- arrays: every index exists ----
"$BPFLOAD" map create "$pins/arr" --type array --key-size 4 --value-size 8 --max-entries 4 \
	> /dev/null && "$BPFLOAD" map update "$pins/arr" 02000000 0700000000000000
ok $? "create an array of 4 and set index 2"
out=$("$BPFLOAD" map dump "$pins/arr")
is "$(printf '%s\n' "$out" | grep '^key: ')" "key: 00 00 00 00  value: 00 00 00 00 00 00 00 00
key: 01 00 00 00  value: 00 00 00 00 00 00 00 00
key: 02 00 00 00  value: 07 00 00 00 00 00 00 00
key: 03 00 00 00  value: 00 00 00 00 00 00 00 00" "array dump: 4 entries in index order"
out=$("$BPFLOAD" map update "$pins/arr" 04000000 0000000000000000 2>&1)
is $? 1 "an index past the end fails"

# ---- per-CPU: one value per possible CPU ----
ncpus=$("$PYTHON" -c '
n = 0
for r in open("/sys/devices/system/cpu/possible").read().strip().split(","):
    a, _, b = r.partition("-")
    n += int(b or a) - int(a) + 1
print(n)')
cpu0=$(cut -d, -f1 /sys/devices/system/cpu/possible | cut -d- -f1)
"$BPFLOAD" map create "$pins/pcpu" --type percpu_hash --key-size 4 --value-size 4 \
	--max-entries 8 > /dev/null
ok $? "create a per-CPU hash (value 4 bytes, $ncpus possible CPUs)"
"$BPFLOAD" map update "$pins/pcpu" 01000000 11223344
ok $? "update with one value: every CPU gets it"
out=$("$BPFLOAD" map dump "$pins/pcpu")
is "$(count_lines "$out" '^  cpu[0-9]+: 11 22 33 44$')" "$ncpus" "dump: 11 22 33 44 on each of $ncpus CPUs"
like "$out" '^key: 01 00 00 00$' "dump: the key on its own line"
vals=$(for i in $(seq "$ncpus"); do printf '%02x000000' "$i"; done)
"$BPFLOAD" map update "$pins/pcpu" 02000000 "$vals"
ok $? "update with one value per CPU"
got=$("$BPFLOAD" map dump "$pins/pcpu" --json | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
e = [x for x in d["entries"] if x["key"] == "02000000"][0]
print(d["percpu"], [v["value"] for v in e["values"]] == ["%02x000000" % (i + 1) for i in range(len(e["values"]))], len(e["values"]), e["values"][0]["cpu"])')
is "$got" "True True $ncpus $cpu0" "dump --json: per-CPU values in CPU order"
out=$("$BPFLOAD" map lookup "$pins/pcpu" 02000000)
like "$out" "^  cpu$cpu0: 01 00 00 00\$" "lookup of a per-CPU map shows each CPU"
out=$("$BPFLOAD" map update "$pins/pcpu" 03000000 112233 2>&1)
is $? 1 "a short per-CPU value fails"
like "$out" "want 4 hex bytes \\(all CPUs\\) or $((4 * ncpus))" "... naming both accepted sizes"

# ---- fallback: a map type without batch lookup (LPM trie) ----
if "$BPFLOAD" map create "$pins/lpm" --type lpm_trie --key-size 8 --value-size 4 \
	--max-entries 16 --flags no_prealloc > /dev/null 2>&1; then
	"$BPFLOAD" map update "$pins/lpm" "20000000 0a000001" 01000000 &&
	"$BPFLOAD" map update "$pins/lpm" "18000000 c0a80100" 02000000
	ok $? "two prefixes into an LPM trie"
	"$BPFLOAD" --trace map dump "$pins/lpm" > "$tmp/lpm.txt" 2> "$tmp/trace"
	is $? 0 "map dump of the LPM trie succeeds"
	is "$(entries "$(cat "$tmp/lpm.txt")")" "key: 18 00 00 00 c0 a8 01 00  value: 02 00 00 00
key: 20 00 00 00 0a 00 00 01  value: 01 00 00 00" "... with both entries"
	tr=$(cat "$tmp/trace")
	if printf '%s\n' "$tr" | grep -q '^bpf(BPF_MAP_LOOKUP_BATCH, .* = -1 E\(INVAL\|OPNOTSUPP\|NOTSUPP\)'; then
		like "$tr" '^bpf\(BPF_MAP_GET_NEXT_KEY, ' "... after the batch call failed, by GET_NEXT_KEY"
	else
		skip "this kernel has batch lookup for LPM tries: no fallback to see"
	fi
else
	skip "cannot create an LPM trie here"
fi

# ---- maps that cannot be dumped ----
"$BPFLOAD" map create "$pins/rb" --type ringbuf --max-entries 4096 > /dev/null
out=$("$BPFLOAD" map dump "$pins/rb" 2>&1)
is $? 1 "dump of a ring buffer fails"
like "$out" "ringbuf map, which has no keys" "... saying it has no keys"

# ---- errors ----
out=$("$BPFLOAD" map dump "$pins/nothing" 2>&1)
is $? 1 "dump of a missing pin fails"
like "$out" "nothing is pinned there" "... saying so"
out=$("$BPFLOAD" map dump 4294967295 2>&1)
is $? 1 "dump of an unknown id fails"
like "$out" "no map with id 4294967295" "... saying so"
out=$("$BPFLOAD" map create "$tmp/x" --type hash --key-size 4 --value-size 4 \
	--max-entries 1 2>&1)
is $? 1 "map create outside bpffs fails"
like "$out" "pinning the new map at $tmp/x failed" "... at the pin step"
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	chmod 755 "$tmp"
	cp "$BPFLOAD" "$tmp/bpfload"
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$tmp/bpfload" map dump "$id" 2>&1)
	is $? 1 "map dump as nobody fails with exit 1"
	like "$out" "EPERM.*|CAP_BPF" "... with EPERM and what to do"
else
	skip "no user nobody or no setpriv"
fi

# ---- Ctrl-C in the middle of a big dump ----
B=$pins/big
"$BPFLOAD" map create "$B" --type hash --key-size 4 --value-size 8 --max-entries 300000 \
	> /dev/null
awk 'BEGIN { for (i = 0; i < 300000; i++) printf "%08x 00000000%08x\n", i, i }' > "$tmp/big.txt"
"$BPFLOAD" map update "$B" --from "$tmp/big.txt" > /dev/null
ok $? "a hash of 300000 entries"
# a pipe nobody reads (we hold it open): bpfload blocks once it is full
mkfifo "$tmp/fifo"
exec 3<> "$tmp/fifo"
"$BPFLOAD" map dump "$B" > "$tmp/fifo" 2> "$tmp/int.err" &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
is $? 130 "SIGINT stops a dump blocked on a pipe: exit 130"
exec 3>&-
like "$(cat "$tmp/int.err")" "interrupted after [0-9]+ entries" "... saying how far it got"

done_testing
