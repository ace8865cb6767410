#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# syscount.t - the syscount sample against the running kernel: pins.
#
# In a private directory on bpffs: "syscount --pin" loads, pins the map,
# the programs and their links under the Android-style names and exits.
# With no syscount process left, a python helper makes K getpid() calls;
# "syscount --read -p PID" (BPF_OBJ_GET of the pinned map) must count at
# least K for it.  --read -n 3 prints 3 rows sorted by COUNT.  A second
# --pin is refused while the links are pinned.  --unpin removes every pin
# and the directory, and the programs and map are gone from the kernel.
# Then the live mode: it prints the table every interval, exits on
# --duration and leaves its pins, which --unpin removes again.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh

K=5000

require_sample syscount
require_root
require_python
require_tracefs
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != "bpf_fs" ]; then
	mount -t bpf bpf /sys/fs/bpf 2>/dev/null || skip_all "no bpffs at /sys/fs/bpf"
fi

D=/sys/fs/bpf/bpfload-sample-syscount-$$
on_exit "'$BIN/syscount' --pin-dir '$D' --unpin; rm -rf '$D'"
SC=("$BIN/syscount" --pin-dir "$D")

# prog_exists ID: is there a BPF program with that id?  (bpftool-free:
# the CLI prints "no program with id" for a missing one)
prog_exists() {
	"$BPFLOAD" prog show "$1" > /dev/null 2>&1
}

# K getpid() calls, then exit; prints the pid.
getpids() {
	"$PYTHON" -c '
import os, sys
for i in range(int(sys.argv[1])):
    os.getpid()
print(os.getpid())' "$K"
}

out=$("$BIN/syscount" --help 2>&1)
ok $? "--help exits 0"
like "$out" "--pin-dir DIR" "--help documents --pin-dir"

out=$("${SC[@]}" --read 2>&1)
is $? 1 "--read with nothing pinned fails"
like "$out" "nothing is pinned at $D/map_syscount_counts" "... and says where it looked"

# ---- load, pin, exit ----
out=$("${SC[@]}" --pin 2>&1)
is $? 0 "--pin loads, pins and exits 0"
like "$out" "Counting goes on after syscount exits" "... and says counting goes on"
for f in map_syscount_counts prog_syscount_sys_enter prog_syscount_sys_exit \
	 link_syscount_sys_enter link_syscount_sys_exit; do
	[ -e "$D/$f" ]
	ok $? "pinned: $D/$f"
done
is "$(ls "$D" | wc -l)" 5 "nothing else pinned"
read -r p1 p2 <<< "$(printf '%s\n' "$out" | sed -n 's/.*program ids \([0-9]*\) \([0-9]*\)$/\1 \2/p')"
if [ -x "$BPFLOAD" ]; then
	prog_exists "${p1:-0}" && prog_exists "${p2:-0}"
	ok $? "programs $p1 and $p2 stay loaded after syscount exited"
else
	skip "$BPFLOAD not built: cannot look up program ids"
fi

# ---- counting without any syscount process, read from the pin ----
hpid=$(getpids)
out=$("${SC[@]}" --read -p "$hpid" 2>&1)
is $? 0 "--read -p $hpid exits 0"
like "$out" "^COMM +PID +COUNT +ERRORS\$" "--read prints the header COMM PID COUNT ERRORS"
count=$(printf '%s\n' "$out" | awk -v p="$hpid" '$2 == p { print $3 }')
ok $((${count:-0} >= K ? 0 : 1)) "pid $hpid made $K getpid() calls: counted ${count:-none} (>= $K)"
like "$out" "^python3? +$hpid " "... under its COMM"

out=$("${SC[@]}" --read -n 3 2>&1)
is "$(printf '%s\n' "$out" | awk 'NR > 1' | wc -l)" 3 "--read -n 3: three rows"
sorted=$(printf '%s\n' "$out" | awk 'NR > 1 { print $3 }')
is "$sorted" "$(printf '%s\n' "$sorted" | sort -rn)" "... sorted by COUNT, largest first"

out=$("${SC[@]}" --pin 2>&1)
is $? 1 "a second --pin is refused"
like "$out" "already counting from pins in $D" "... saying why"

# ---- unpin ----
out=$("${SC[@]}" --unpin 2>&1)
is $? 0 "--unpin exits 0"
like "$out" "removed $D/link_syscount_sys_enter" "... removing the links"
[ ! -e "$D" ]
ok $? "$D is gone"
unlike "$(ls /sys/fs/bpf)" "bpfload-sample-syscount-$$" "/sys/fs/bpf has nothing of ours"
if [ -x "$BPFLOAD" ]; then
	for ((i = 0; i < 100; i++)); do
		prog_exists "${p1:-0}" || prog_exists "${p2:-0}" || break
		sleep 0.1
	done
	! prog_exists "${p1:-0}" && ! prog_exists "${p2:-0}"
	ok $? "programs $p1 and $p2 are gone from the kernel"
else
	skip "$BPFLOAD not built: cannot look up program ids"
fi
out=$("${SC[@]}" --unpin 2>&1)
like "$out" "nothing of syscount is pinned" "--unpin again: nothing to remove"

# ---- live mode ----
out=$(timeout 60 "${SC[@]}" -i 1 -d 2.5 2>&1)
is $? 0 "live mode -i 1 -d 2.5 exits 0 by itself"
ok $(($(count_lines "$out" '^COMM +PID +COUNT +ERRORS$') >= 2 ? 0 : 1)) "... printing the table every second"
[ -e "$D/link_syscount_sys_enter" ]
ok $? "... and leaves its pins"
"${SC[@]}" --unpin > /dev/null 2>&1
[ ! -e "$D" ]
ok $? "--unpin cleans up after the live mode too"

done_testing
