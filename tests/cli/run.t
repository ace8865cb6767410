#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# run.t - `bpfload run OBJ` against the running kernel.  A trigger
# process (python, which makes no getpid() calls of its own) prints its
# pid, waits for a go file, then calls getpid() exactly N times; the
# objects count only that pid (--set target_pid=PID), so we know what
# must come out:
#   cli_events  N ring buffer and N perf buffer records, decoded with
#               --record-type, counts[pid] = N, per-CPU sum N
#   globals     .bss/.data values after N calls (--set weight=3)
#   cli_printk  N trace_pipe lines (when nobody else holds trace_pipe)
# plus --duration, --interval, --json, Ctrl-C (SIGINT: summary, exit 130,
# nothing left in the kernel), --set/--map/--record-type errors, --program,
# --strict and --xdp (on a veth in a private netns); --tc, --xdp and --cgroup
# counting exact UDP datagrams (attach_net) sent over a veth by a process
# in a cgroup the test makes.  Needs root.

. "$(dirname "$0")/lib.sh"
require_binary
require_objs cli_events cli_printk globals
require_bpf
require_python

make_tmpdir
tmp=$TMP

# Background processes of this test still running at exit: ours only.
stop_ours() {
	local p
	for p in $(jobs -p); do
		kill "$p" 2>/dev/null
	done
}
on_exit stop_ours

# start_trigger N: a process that calls getpid() N times once $tmp/go
# exists.  Sets TRIG (its pid, which is also the tgid the BPF side sees).
start_trigger() {
	local i
	rm -f "$tmp/go" "$tmp/trig.pid"
	"$PYTHON" -c '
import ctypes, os, sys, time
libc = ctypes.CDLL(None)
print(os.getpid(), flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
for _ in range(int(sys.argv[2])):
    libc.syscall(39)        # getpid, not the glibc wrapper
' "$tmp/go" "$1" > "$tmp/trig.pid" &
	TRIG=$!
	for i in $(seq 200); do
		[ -s "$tmp/trig.pid" ] && break
		sleep 0.01
	done
	[ "$(cat "$tmp/trig.pid")" = "$TRIG" ]
}

# fire: let the trigger run, wait for it to finish.
fire() {
	touch "$tmp/go"
	wait "$TRIG"
}

# start_run NAME ARGS...: bpfload run ARGS in the background, output in
# $tmp/NAME.out and .err; waits until it is streaming.  RUN: its pid.
# RUN_WRAP: a command to run it under that keeps its pid (nsenter).
RUN_WRAP=()
start_run() {
	local name=$1 i
	shift
	"${RUN_WRAP[@]}" "$BPFLOAD" run "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" &
	RUN=$!
	for i in $(seq 300); do
		grep -qE '^running|"event":"start"' "$tmp/$name.out" 2>/dev/null && return 0
		kill -0 "$RUN" 2>/dev/null || return 1
		sleep 0.02
	done
	return 1
}

# finish_run: wait for RUN, its exit status in RUN_STATUS.
finish_run() {
	wait "$RUN"
	RUN_STATUS=$?
}

ev=$OBJS/cli_events.o

# ---- ring buffer and perf buffer, decoded, until --duration ----
N=7
start_trigger $N
ok $? "trigger process started (pid $TRIG)"
t0=$(date +%s.%N)
start_run ev --set target_pid=$TRIG --set tag=hello --record-type cli_event \
	--duration 2 --interval 0.5 "$ev"
ok $? "run cli_events starts streaming"
fire
finish_run
t1=$(date +%s.%N)
is $RUN_STATUS 0 "run ends by itself after --duration, exit 0"
out=$(cat "$tmp/ev.out")
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a >= 2 && b - a < 6) ? "yes" : b - a }')
is "$secs" yes "--duration 2: it ran about 2 s"
like "$out" "^set +target_pid \\(\\.rodata\\) = $TRIG\$" "--set target_pid printed decoded"
like "$out" '^set +tag \(\.rodata\) = "hello"$' "--set tag=hello: a string into char[8]"
like "$out" '^attach +rb_getpid \(prog id [0-9]+, link id [0-9]+\): tracepoint syscalls/sys_enter_getpid' \
	"rb_getpid attached, reported with bl_link_describe"
like "$out" '^attach +pb_getpid ' "pb_getpid attached"
like "$out" '^read +events_rb: ring buffer$' "reads the ring buffer"
like "$out" '^read +events_pb: perf buffer, [0-9]+ CPUs$' "reads the perf buffer"
pidhex=$(printf '%08x' "$TRIG" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4 \3 \2 \1/')
is "$(count_lines "$out" "^[0-9.]+ ringbuf events_rb: 48 bytes: $pidhex $pidhex ")" $N \
	"exactly $N ring buffer records, in hex, with our pid"
is "$(count_lines "$out" "^  \\{pid=$TRIG, tid=$TRIG, seq=[0-9]+, tag=\"hello\", comm=\"python3\", source=CLI_SRC_RINGBUF, kind=1, odd=[01], spare=0\\}\$")" $N \
	"... and $N decoded by --record-type: ints, strings, enum by name, bitfields"
is "$(count_lines "$out" "^[0-9.]+ perf events_pb cpu [0-9]+: 52 bytes: $pidhex ")" $N \
	"exactly $N perf buffer records (52 bytes: padded by the kernel)"
is "$(count_lines "$out" "source=CLI_SRC_PERF, kind=2,")" $N "... and $N decoded"
seqs=$(printf '%s\n' "$out" | grep 'CLI_SRC_RINGBUF' | sed 's/.*seq=\([0-9]*\),.*/\1/' | tr '\n' ' ')
is "$seqs" "$(seq 0 $((N - 1)) | tr '\n' ' ')" "ring buffer records in order, seq 0..$((N - 1))"
is "$(count_lines "$out" 'odd=1,')" $((2 * (N / 2))) "bitfield odd set on odd seqs"
like "$out" "^    key: $pidhex = $TRIG  value: 0$N 00 00 00 00 00 00 00 = $N\$" \
	"counts: key and value in hex, decoded by BTF: $TRIG -> $N"
like "$out" "^      sum:  0$N 00 00 00 00 00 00 00 = $N\$" "percpu_calls: sum over CPUs is $N"
like "$out" '^      cpu1: ' "percpu_calls: one line per CPU"
[ "$(count_lines "$out" '^[0-9.]+ maps:$')" -ge 2 ]
ok $? "--interval 0.5: maps printed periodically"
is "$(count_lines "$out" '^[0-9.]+ maps \(final\):$')" 1 "maps printed once more at the end"
unlike "$out" '^  \.(bss|rodata) ' "global data not printed unless asked"
like "$out" "^summary: [0-9.]+ s, 2 links detached, $((2 * N)) records, 0 lost\$" "summary line"
like "$out" "^  events_rb \\(ringbuf\\): $N records, $((48 * N)) bytes, 0 lost\$" "ring buffer summary"
like "$out" "^  events_pb \\(perf\\): $N records, $((52 * N)) bytes, 0 lost\$" "perf buffer summary"
is "$(cat "$tmp/ev.err")" "" "nothing on stderr"

# ---- --json, stopped with Ctrl-C (SIGINT): detached, summary, exit 130 ----
N=5
start_trigger $N
start_run evj --json --set target_pid=$TRIG --record-type cli_event --interval 0 "$ev"
ok $? "run --json starts streaming"
fire
kill -INT "$RUN"
finish_run
is $RUN_STATUS 130 "SIGINT: exit status 130 (interrupted, everything detached)"
like "$(cat "$tmp/evj.err")" "^bpfload run: SIGINT: stopped, 2 attachments detached\$" \
	"SIGINT: the message says what happened"
got=$("$PYTHON" - "$tmp/evj.out" "$TRIG" <<'EOF'
import json, sys
pid = int(sys.argv[2])
lines = open(sys.argv[1]).read().splitlines()
ev = [json.loads(l) for l in lines]
kinds = [e["event"] for e in ev]
rb = [e for e in ev if e["event"] == "ringbuf" and e["decoded"]["pid"] == pid]
pb = [e for e in ev if e["event"] == "perf" and e["decoded"]["pid"] == pid]
maps = [e for e in ev if e["event"] == "maps"]
s = ev[-1]
counts = [m for m in maps[-1]["maps"] if m["name"] == "counts"][0]["entries"]
pc = [m for m in maps[-1]["maps"] if m["name"] == "percpu_calls"][0]["entries"][0]
print(len(lines) == len(ev), kinds.count("attach"), kinds.count("start"), len(rb), len(pb),
      sorted(e["decoded"]["seq"] for e in rb) == list(range(len(rb))),
      rb[0]["data"][:8] == pid.to_bytes(4, "little").hex(), rb[0]["decoded"]["tag"],
      len(maps), maps[-1]["final"],
      [(c["key_decoded"], c["value_decoded"]) for c in counts] == [(pid, len(rb))],
      pc["sum_decoded"], len(pc["values"]) >= 1,
      s["event"], s["records"], s["lost"], s["interrupted"])
EOF
)
is "$got" "True 2 1 $N $N True True default 1 True True $N True summary $((2 * N)) 0 True" \
	"--json: one object per line; $N+$N records decoded; final maps; summary says interrupted"
ids=$("$PYTHON" -c '
import json, sys
print(" ".join(str(json.loads(l)["prog_id"]) for l in open(sys.argv[1]) if "\"attach\"" in l))' "$tmp/evj.out")
left=0
for id in $ids; do
	"$BPFLOAD" prog show "$id" >/dev/null 2>&1 && left=$((left + 1))
done
is "$left" 0 "after SIGINT no program of the run is left in the kernel (ids $ids)"
links=$("$PYTHON" -c '
import json, sys
print(" ".join(str(json.loads(l)["link_id"]) for l in open(sys.argv[1]) if "\"attach\"" in l))' "$tmp/evj.out")
like "$links" '^[0-9]+ [0-9]+$' "attach events carry the bpf link ids ($links)"

# ---- globals: --set before load, .bss/.data printed when named ----
N=6
start_trigger $N
start_run gl --set target_pid=$TRIG --set weight=3 --map .bss --map .data \
	"$OBJS/globals.o"
ok $? "run globals starts"
fire
kill -INT "$RUN"
finish_run
is $RUN_STATUS 130 "run globals stopped by SIGINT, exit 130"
out=$(cat "$tmp/gl.out")
like "$out" "^set +weight \\(\\.rodata\\) = 3\$" "--set weight=3"
like "$out" "= \\{getpid_calls=$N, weighted_calls=$((3 * N)), static_calls=$N, prime_sum=22, last_tag=\"getpid\"\\}\$" \
	".bss decoded by its DATASEC after $N calls"
like "$out" "^    key: 00 00 00 00  value: $(printf '%02x' $((100 + N))) 00 00 00 00 00 00 00 = \\{data_calls=$((100 + N))\\}\$" \
	".data: data_calls = 100 + $N"
unlike "$out" '^  \.rodata ' ".rodata not printed: not named"

# ---- trace_pipe: found by looking for bpf_trace_printk calls ----
N=4
start_trigger $N
start_run pk --set target_pid=$TRIG --map .bss "$OBJS/cli_printk.o"
ok $? "run cli_printk starts"
fire
# lines reach trace_pipe at once, but give the reader its turn
for i in $(seq 100); do
	[ "$(count_lines "$(cat "$tmp/pk.out")" "cli-printk $TRIG [0-9]+\$")" -ge $N ] && break
	grep -q EBUSY "$tmp/pk.err" && break
	sleep 0.02
done
kill -INT "$RUN"
finish_run
out=$(cat "$tmp/pk.out")
like "$out" '^skip +pass \(prog id [0-9]+\): not attached: an XDP program needs a network device: give --xdp IFNAME$' \
	"the XDP program is reported as not attached, and the run goes on"
like "$out" "lines=$N\\}" "the program ran $N times"
if grep -q EBUSY "$tmp/pk.err"; then
	skip "trace_pipe is held by another reader here (EBUSY): lines not checked"
	like "$(cat "$tmp/pk.err")" "warning: .*EBUSY.*only one reader" "... and run says so, and goes on"
else
	like "$out" '^read +/sys/kernel(/debug)?/tracing/trace_pipe$' "reads trace_pipe without being asked"
	is "$(count_lines "$out" "^[0-9.]+ trace .*cli-printk $TRIG [0-9]+\$")" $N \
		"exactly $N trace_pipe lines from our pid"
fi

# ---- --strict, --xdp ----
out=$("$BPFLOAD" run "$OBJS/cli_printk.o" --strict --no-trace-pipe --duration 0 2>&1)
is $? 1 "--strict: a program that cannot be attached fails the run"
like "$out" "program 'pass' \\(section 'xdp'\\) cannot be attached: an XDP program needs a network device" \
	"... saying which and why"
if command -v ip >/dev/null && ip netns add "bpfload-run-$$" 2>/dev/null; then
	ns=bpfload-run-$$
	on_exit "ip netns del $ns"
	ip -n "$ns" link add veth0 type veth peer name veth1 && ip -n "$ns" link set veth0 up &&
		ip -n "$ns" link set veth1 up
	out=$(ip netns exec "$ns" "$BPFLOAD" run "$OBJS/cli_printk.o" --xdp veth0 --strict \
		--no-trace-pipe --duration 0.2 2>&1)
	is $? 0 "--xdp veth0 (in a private netns): every program attached"
	like "$out" '^attach +pass \(prog id [0-9]+.*\): xdp on veth0 ' "... the XDP program on veth0"
	like "$out" '^summary: [0-9.]+ s, 2 links detached' "... and both detached at the end"
	ip netns del "$ns"
else
	skip "cannot create a network namespace"
fi

# ---- --tc, --xdp, --cgroup: exact datagram counts ----
# attach_net counts IPv4 UDP datagrams to target_port in .bss.  In a
# private netns, veth0 (10.0.0.1) sends to 10.0.0.2 through a permanent
# neighbour entry for veth1's address (so no ARP), and veth1, which has no
# address, drops them after XDP and tc ingress saw them.  The sender runs
# in a cgroup of our own, so cg_egress sees exactly its datagrams.
cg_root=
for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
	[ "$(stat -fc %T "$d" 2>/dev/null)" = cgroup2fs ] && cg_root=$d && break
done

# send_in_cgroup NS CGDIR N PORT: N datagrams from a process in CGDIR
send_in_cgroup() {
	nsenter --net="/run/netns/$1" sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[1])):
    s.sendto(b\"bpfload\", (\"10.0.0.2\", int(sys.argv[2])))
" "$3" "$4"' sh "$2" "$PYTHON" "$3" "$4"
}

# net_bss NAME: the last .bss line printed by run NAME
net_bss() {
	grep -E '= \{sock_pkts=' "$tmp/$1.out" | tail -1 | sed 's/.*= {/{/'
}

if [ -z "$cg_root" ]; then
	skip "--tc/--cgroup: no cgroup2 mount at /sys/fs/cgroup/unified or /sys/fs/cgroup"
elif [ ! -f "$OBJS/attach_net.o" ]; then
	skip "--tc/--cgroup: attach_net.o not built"
elif ! command -v ip nsenter >/dev/null || ! ip netns add "bpfload-runnet-$$" 2>/dev/null; then
	skip "--tc/--cgroup: cannot create a network namespace"
else
	ns=bpfload-runnet-$$
	cg=$cg_root/bpfload-run-$$
	on_exit "ip netns del $ns"
	mkdir "$cg" && on_exit "rmdir $cg"
	ip -n "$ns" link add veth0 type veth peer name veth1 &&
		ip -n "$ns" addr add 10.0.0.1/24 dev veth0 &&
		ip -n "$ns" link set veth0 up && ip -n "$ns" link set veth1 up &&
		ip -n "$ns" neigh add 10.0.0.2 dev veth0 nud permanent \
			lladdr "$(ip netns exec "$ns" cat /sys/class/net/veth1/address)"
	ok $? "netns $ns with veth0 -> veth1, cgroup $cg"
	port=$((20000 + $$ % 20000))
	N=9
	# nsenter, not ip netns exec: that remounts /sys, hiding the cgroup
	RUN_WRAP=(nsenter --net="/run/netns/$ns")
	start_run tc1 --set target_port=$port --tc veth1 --xdp veth1 --cgroup "$cg" \
		--map .bss --interval 0 "$OBJS/attach_net.o"
	ok $? "run attach_net --tc veth1 --xdp veth1 --cgroup $cg starts"
	out=$(cat "$tmp/tc1.out")
	like "$out" '^attach +tc_in \(prog id [0-9]+.*\): tc(x)? ingress on veth1' "... tc_in on veth1 ingress"
	like "$out" '^attach +tc_out \(prog id [0-9]+.*\): tc(x)? ingress on veth1' "... tc_out too"
	like "$out" '^attach +xdp_udp \(prog id [0-9]+.*\): xdp on veth1 ' "... xdp_udp on veth1"
	like "$out" "^attach +cg_egress \\(prog id [0-9]+.*\\): cgroup.* $cg" "... cg_egress on the cgroup"
	like "$out" '^skip +sock_count ' "... the socket filter reported as not attached"
	send_in_cgroup "$ns" "$cg" $N $port
	ok $? "a process in the cgroup sent $N datagrams to port $port"
	kill -INT "$RUN"
	finish_run
	is $RUN_STATUS 130 "SIGINT: exit status 130"
	# tc_in, attached first, returns TC_ACT_OK: that ends the chain of tc
	# programs on the hook (TC_ACT_UNSPEC would go on), so tc_out sees none
	is "$(net_bss tc1)" "{sock_pkts=0, sock_bytes=0, xdp_pkts=$N, tc_in_pkts=$N, tc_out_pkts=0, cg_pkts=$N}" \
		"final .bss: XDP, the first tc program and the cgroup program saw exactly $N"
	start_run tc2 --set target_port=$port --tc veth0:egress --map .bss --interval 0 \
		"$OBJS/attach_net.o"
	ok $? "run attach_net --tc veth0:egress starts"
	like "$(cat "$tmp/tc2.out")" '^attach +tc_out \(prog id [0-9]+.*\): tc(x)? egress on veth0' \
		"... tc_out on veth0 egress"
	send_in_cgroup "$ns" "$cg" $N $port
	kill -INT "$RUN"
	finish_run
	is "$(net_bss tc2)" "{sock_pkts=0, sock_bytes=0, xdp_pkts=0, tc_in_pkts=$N, tc_out_pkts=0, cg_pkts=0}" \
		"final .bss: the first tc program saw exactly $N on egress, nothing else attached"
	RUN_WRAP=()
	is "$(ip netns exec "$ns" tc filter show dev veth0 egress 2>/dev/null)$(ip netns exec "$ns" tc filter show dev veth1 ingress 2>/dev/null)" "" \
		"no tc filter left on veth0 or veth1"
	is "$(ip -n "$ns" -d link show veth1 | grep -c 'prog/xdp')" 0 "no XDP program left on veth1"
	ids=$(cat "$tmp/tc1.out" "$tmp/tc2.out" | sed -n 's/^attach .*(prog id \([0-9]*\).*/\1/p')
	left=0
	for id in $ids; do
		"$BPFLOAD" prog show "$id" >/dev/null 2>&1 && left=$((left + 1))
	done
	is "$left" 0 "no program of either run is left in the kernel (ids" $ids")"
	ip netns del "$ns"
	rmdir "$cg"
	ok $? "the cgroup is empty again and removed"
fi

# ---- --program: only the named programs are loaded and attached ----
N=3
start_trigger $N
start_run only --program rb_getpid --set target_pid=$TRIG --no-maps "$ev"
ok $? "run --program rb_getpid starts"
fire
kill -INT "$RUN"
finish_run
out=$(cat "$tmp/only.out")
is "$(count_lines "$out" '^attach ')" 1 "--program rb_getpid: one program attached"
like "$out" '^attach +rb_getpid ' "... rb_getpid"
unlike "$out" 'pb_getpid' "... pb_getpid neither loaded nor attached"
like "$out" "^summary: [0-9.]+ s, 1 link detached, $N records, 0 lost\$" \
	"... $N ring buffer records, none from the perf buffer"
out=$("$BPFLOAD" run "$ev" --program nosuch 2>&1)
is $? 1 "--program with an unknown name fails"
like "$out" "no program 'nosuch' \\(see: bpfload inspect " "... saying so"

# ---- maps and intervals ----
start_run iv --interval 0.3 --duration 1 "$ev"
finish_run
is $RUN_STATUS 0 "--interval 0.3 --duration 1"
n=$(count_lines "$(cat "$tmp/iv.out")" '^[0-9.]+ maps:$')
[ "$n" -ge 2 ] && [ "$n" -le 4 ]
ok $? "... maps printed every 0.3 s ($n times) and at the end"
start_run nm --no-maps --duration 0 "$ev"
finish_run
is "$(count_lines "$(cat "$tmp/nm.out")" 'maps')" 0 "--no-maps: no maps printed"
start_run d0 --duration 0 "$ev"
finish_run
is $RUN_STATUS 0 "--duration 0: attach, print, detach"
like "$(cat "$tmp/d0.out")" '^summary: ' "... with a summary"

# ---- errors ----
out=$("$BPFLOAD" run "$ev" --set nosuch=1 2>&1)
is $? 1 "--set of an unknown variable fails"
like "$out" "no global variable 'nosuch'" "... saying so"
out=$("$BPFLOAD" run "$ev" --set target_pid=0x100000000 2>&1)
is $? 1 "--set with a number too big for the variable fails"
like "$out" "does not fit in 4 bytes" "... saying so"
out=$("$BPFLOAD" run "$ev" --set tag=waytoolongforit 2>&1)
is $? 1 "--set with a string longer than the char array fails"
like "$out" "longer than the 8 bytes" "... saying so"
out=$("$BPFLOAD" run "$OBJS/globals.o" --set target_pid=-5 --duration 0 --map .rodata 2>&1)
is $? 0 "--set of a negative number into an int"
like "$out" "= \\{target_pid=-5, weight=1, primes=\\[2, 3, 5, 7\\]\\}\$" "... read back from .rodata: -5"
out=$("$BPFLOAD" run "$ev" --set target_pid 2>&1)
is $? 2 "--set without '=' is a usage error"
out=$("$BPFLOAD" run "$ev" --record-type nosuch 2>&1)
is $? 1 "--record-type with an unknown type fails"
like "$out" "no type 'nosuch'" "... saying so"
out=$("$BPFLOAD" run "$ev" --record-type counts=cli_event 2>&1)
is $? 1 "--record-type for a map that is not a ring/perf buffer fails"
out=$("$BPFLOAD" run "$ev" --map nosuch 2>&1)
is $? 1 "--map with an unknown map fails"
like "$out" "has no map 'nosuch'" "... saying so"
out=$("$BPFLOAD" run "$ev" --map events_rb 2>&1)
is $? 1 "--map of a ring buffer fails"
like "$out" "cannot be printed: its records are printed as they come" "... saying why"
out=$("$BPFLOAD" run "$ev" --duration soon 2>&1)
is $? 2 "--duration soon is a usage error"
out=$("$BPFLOAD" run 2>&1)
is $? 2 "run without OBJ is a usage error"
out=$("$BPFLOAD" run --help)
like "$out" '^Usage: bpfload run OBJ ' "run --help"

done_testing
