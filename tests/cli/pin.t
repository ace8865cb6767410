#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# pin.t - `bpfload pin|unpin OBJ|DIR` against the running kernel, in a
# private pin root on bpffs (/sys/fs/bpf/bpfload-pin-test-PID): the
# deterministic names, maps reused by a second pin (same ids), an
# incompatible map refused (and --replace), --attach keeping a program
# counting after bpfload exits (read back with `map dump PIN`), a second
# --attach not attaching twice, --replace swapping program and link
# atomically, unpin removing exactly what pin made, DIR mode, and an
# empty pin root at the end.  Needs root.

. "$(dirname "$0")/lib.sh"
require_binary
require_objs cli_pin globals
require_bpf
require_python

make_tmpdir
tmp=$TMP

if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != "bpf_fs" ]; then
	mount -t bpf bpf /sys/fs/bpf 2>/dev/null || skip_all "no bpffs at /sys/fs/bpf"
fi
remove_stale /sys/fs/bpf/bpfload-pin-test-
R=/sys/fs/bpf/bpfload-pin-test-$$
mkdir "$R" || skip_all "cannot make $R"
# on failure: unpinning the links detaches the programs
on_exit "rm -rf '$R'"

pin_obj=$OBJS/cli_pin.o

# getpids N: a new process calls getpid() exactly N times; prints its
# pid.  A child forked by python: the process bash starts calls getpid()
# itself before it execs, and python's os.getpid() would add one more.
getpids() {
	"$PYTHON" -c '
import ctypes, os, sys
libc = ctypes.CDLL(None)
pid = os.fork()
if pid == 0:
    for _ in range(int(sys.argv[1])):
        libc.syscall(39)
    os._exit(0)
os.waitpid(pid, 0)
print(pid)' "$1"
}

# count PID: the value of calls[PID] in the pinned map, "none" if absent.
count() {
	"$BPFLOAD" map dump "$R/map_cli_pin_calls" --json | "$PYTHON" -c '
import json, sys
key = int(sys.argv[1]).to_bytes(4, "little").hex()
v = [int.from_bytes(bytes.fromhex(e["value"]), "little")
     for e in json.load(sys.stdin)["entries"] if e["key"] == key]
print(v[0] if v else "none")' "$1"
}

map_id() {
	"$BPFLOAD" map show "$1" --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

prog_id() {
	"$BPFLOAD" prog show "$1" --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}

listing() {
	ls "$R" | tr '\n' ' '
}

# ---- the pin root must be bpffs ----
out=$("$BPFLOAD" pin "$pin_obj" --pin-root "$tmp" 2>&1)
is $? 1 "a pin root that is not bpffs is refused"
like "$out" "not on a BPF filesystem" "... saying so"
out=$("$BPFLOAD" pin "$pin_obj" --pin-root "$R/nosuch" 2>&1)
is $? 1 "a missing pin root is refused"

# ---- pin: deterministic names ----
out=$("$BPFLOAD" pin "$pin_obj" --pin-root "$R")
is $? 0 "pin cli_pin succeeds"
is "$(listing)" "cfg map_cli_pin_bss map_cli_pin_calls prog_cli_pin_count_getpid prog_cli_pin_pass " \
	"map_OBJ_MAP, prog_OBJ_PROG, and the BY_NAME map at its own name"
like "$out" "^  map +calls +pinned +[0-9]+ +$R/map_cli_pin_calls +-\$" "output: map calls pinned"
like "$out" "^  map +\\.bss +pinned +[0-9]+ +$R/map_cli_pin_bss " "output: .bss as map_cli_pin_bss"
like "$out" "^  map +cfg +pinned +[0-9]+ +$R/cfg +pinning by name\$" "output: cfg pinned by name"
like "$out" "^  prog +count_getpid +pinned +[0-9]+ +$R/prog_cli_pin_count_getpid " "output: program pinned"
unlike "$out" '^  link ' "no links without --attach"
calls_id=$(map_id "$R/map_cli_pin_calls")
prog1=$(prog_id "$R/prog_cli_pin_count_getpid")
p=$(getpids 3)
is "$(count "$p")" none "pinned but not attached: nothing counts"

# ---- a second pin reuses the maps ----
"$BPFLOAD" pin "$pin_obj" --pin-root "$R" --json > "$tmp/pin2.json"
is $? 0 "a second pin succeeds"
got=$("$PYTHON" -c '
import json, sys
o = json.load(open(sys.argv[1]))["objects"][0]
print(o["ok"], " ".join("%s:%s:%s" % (p["kind"], p["name"], p["action"]) for p in o["pins"]))' "$tmp/pin2.json")
is "$got" "True map:.bss:reused map:calls:reused map:cfg:reused prog:count_getpid:kept prog:pass:kept" \
	"--json: maps reused, program pins kept"
is "$(map_id "$R/map_cli_pin_calls")" "$calls_id" "same map id $calls_id after the second pin"
is "$(prog_id "$R/prog_cli_pin_count_getpid")" "$prog1" "same program id $prog1"

# ---- --attach: the program keeps counting after bpfload exits ----
out=$("$BPFLOAD" pin "$pin_obj" --pin-root "$R" --attach)
is $? 0 "pin --attach succeeds"
like "$out" "^  link +count_getpid +pinned +[0-9]+ +$R/link_cli_pin_count_getpid +tracepoint syscalls/sys_enter_getpid" \
	"the tracepoint link is pinned"
like "$out" "^  link +pass +not attached +- +- +an XDP program needs a network device\$" \
	"the XDP program is not attached, and says why"
like "$out" "^  prog +count_getpid +replaced +[0-9]+ .* the program of the new link\$" \
	"the program pin follows the new link"
[ -e "$R/link_cli_pin_count_getpid" ]
ok $? "link_cli_pin_count_getpid exists"
is "$(map_id "$R/map_cli_pin_calls")" "$calls_id" "the map is still $calls_id"
p=$(getpids 5)
is "$(count "$p")" 5 "bpfload has exited, and 5 getpid() calls were counted"

# ---- again: the link is kept, nothing is attached twice ----
out=$("$BPFLOAD" pin "$pin_obj" --pin-root "$R" --attach)
is $? 0 "a second pin --attach succeeds"
like "$out" "^  link +count_getpid +kept +[0-9]+ " "the link pin is kept"
p=$(getpids 4)
is "$(count "$p")" 4 "4 calls counted once each: not attached twice"

# ---- --replace: program and link swapped atomically ----
old_prog=$(prog_id "$R/prog_cli_pin_count_getpid")
out=$("$BPFLOAD" pin "$pin_obj" --pin-root "$R" --attach --replace)
is $? 0 "pin --attach --replace succeeds"
like "$out" "^  link +count_getpid +replaced +[0-9]+ " "the link is replaced"
like "$out" "^  map +calls +reused +$calls_id " "the compatible map is still reused"
new_prog=$(prog_id "$R/prog_cli_pin_count_getpid")
[ "$new_prog" != "$old_prog" ]
ok $? "prog_cli_pin_count_getpid is a new program ($old_prog -> $new_prog)"
for i in $(seq 100); do
	"$BPFLOAD" prog show "$old_prog" >/dev/null 2>&1 || break
	sleep 0.05
done
"$BPFLOAD" prog show "$old_prog" >/dev/null 2>&1
is $? 1 "the old program is gone from the kernel (its link ended with its pin)"
is "$(listing)" "cfg link_cli_pin_count_getpid map_cli_pin_bss map_cli_pin_calls prog_cli_pin_count_getpid prog_cli_pin_pass " \
	"no temporary names left behind"
p=$(getpids 6)
is "$(count "$p")" 6 "6 calls counted once each by the new program"

# ---- an incompatible map pin is refused; --replace recreates it ----
"$BPFLOAD" map create "$R/map_globals_data" --type hash --key-size 4 --value-size 8 \
	--max-entries 8 > /dev/null
out=$("$BPFLOAD" pin "$OBJS/globals.o" --pin-root "$R" 2>&1)
is $? 1 "pin globals with an incompatible map_globals_data is refused"
like "$out" "map_globals_data .*is a BPF_MAP_TYPE_HASH \\(1\\), expected BPF_MAP_TYPE_ARRAY \\(2\\)" \
	"... naming the difference"
like "$out" "--replace" "... and the way out"
unlike "$(listing)" "map_globals_(bss|rodata)|prog_globals" "nothing of globals was pinned"
out=$("$BPFLOAD" pin "$OBJS/globals.o" --pin-root "$R" --replace)
is $? 0 "pin globals --replace succeeds"
like "$out" "^  map +\\.data +replaced +[0-9]+ +$R/map_globals_data +.*BPF_MAP_TYPE_HASH" \
	"map_globals_data replaced, saying what was wrong"
like "$out" "^  map +\\.rodata\\.str1\\.1 +pinned +[0-9]+ +$R/map_globals_rodata_str1_1 " \
	".rodata.str1.1 pinned as map_globals_rodata_str1_1 (bpffs refuses dots)"
like "$("$BPFLOAD" map show "$R/map_globals_data")" "array" "map_globals_data is an array now"

# ---- unpin removes exactly what pin made ----
"$BPFLOAD" map create "$R/other" --type array --key-size 4 --value-size 4 \
	--max-entries 1 > /dev/null
"$BPFLOAD" map create "$R/map_cli_pin_calls_x" --type array --key-size 4 --value-size 4 \
	--max-entries 1 > /dev/null
cur_prog=$(prog_id "$R/prog_cli_pin_count_getpid")
out=$("$BPFLOAD" unpin "$pin_obj" --pin-root "$R")
is $? 0 "unpin cli_pin succeeds"
like "$out" "^  link +count_getpid +removed +[0-9]+ +$R/link_cli_pin_count_getpid" "output: link removed"
is "$(listing)" "map_cli_pin_calls_x map_globals_bss map_globals_data map_globals_rodata map_globals_rodata_str1_1 other prog_globals_count_getpid " \
	"cli_pin's pins are gone; other pins, even with similar names, stay"
for i in $(seq 100); do
	"$BPFLOAD" prog show "$cur_prog" >/dev/null 2>&1 || break
	sleep 0.05
done
"$BPFLOAD" prog show "$cur_prog" >/dev/null 2>&1
is $? 1 "removing the link pin detached the program: it is gone from the kernel"
out=$("$BPFLOAD" unpin "$pin_obj" --pin-root "$R")
is $? 0 "unpin again: nothing to do is fine"
like "$out" "nothing pinned" "... and says so"

# ---- DIR: every *.o ----
mkdir "$tmp/objs"
cp "$pin_obj" "$OBJS/globals.o" "$tmp/objs/"
echo "not an object" > "$tmp/objs/README"
"$BPFLOAD" pin "$tmp/objs" --pin-root "$R" --attach --json > "$tmp/dir.json"
is $? 0 "pin DIR --attach succeeds"
got=$("$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["pin_root"], [(o["name"], o["ok"], len(o["pins"])) for o in d["objects"]])' "$tmp/dir.json")
is "$got" "$R [('cli_pin', True, 7), ('globals', True, 6)]" "both objects, in order, all pins listed"
[ -e "$R/link_cli_pin_count_getpid" ] && [ -e "$R/link_globals_count_getpid" ]
ok $? "both tracepoint links pinned"
p=$(getpids 2)
is "$(count "$p")" 2 "cli_pin counts again"
out=$("$BPFLOAD" unpin "$tmp/objs" --pin-root "$R")
is $? 0 "unpin DIR succeeds"
is "$(listing)" "map_cli_pin_calls_x other " "unpin DIR removed both objects' pins, nothing else"
rm "$R/other" "$R/map_cli_pin_calls_x"
rmdir "$R"
ok $? "the pin root is empty at the end and is removed"

# ---- usage ----
out=$("$BPFLOAD" pin 2>&1)
is $? 2 "pin without OBJ is a usage error"
out=$("$BPFLOAD" unpin "$pin_obj" --attach 2>&1)
is $? 2 "unpin has no --attach"
like "$("$BPFLOAD" pin --help)" '^Usage: bpfload pin OBJ\|DIR ' "pin --help"
like "$("$BPFLOAD" help unpin)" '^Usage: bpfload unpin OBJ\|DIR ' "help unpin"

done_testing
