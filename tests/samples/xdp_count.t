#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# xdp_count.t - the xdp_count sample against the real kernel.
#
# Two network namespaces of the test's own joined by a veth pair,
# IPv6 off (no neighbour discovery or MLD chatter): 10.199.0.1 on va in
# bpfload-PID-a, 10.199.0.2 on vb in bpfload-PID-b.  The sample runs in b
# with XDP on vb; from a, a python helper sends N UDP datagrams (a
# receiver in b gets them all) and M ICMP echo requests (each answered).
# The sample's last rows must say exactly N UDP and M ICMP packets
# received, no TCP, with UDP bytes N * (14 + 20 + 8 + SIZE); once in the
# kernel's default mode, once with --skb, then --native.  After each run
# no XDP program may be left on vb.
set -u
top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh || { echo "Bail out! cannot read $top/tests/samples/lib.sh"; exit 1; }

N=30
M=7
SIZE=100

require_sample xdp_count
require_root "bpf() and network namespaces"
require_python
command -v ip > /dev/null || skip_all "no ip(8) (iproute2)"

sample_tmpdir xdp

out=$("$BIN/xdp_count" --help 2>&1)
ok $? "--help exits 0"
like "$out" "--skb" "--help documents --skb"
"$BIN/xdp_count" > /dev/null 2>&1
is $? 2 "IFNAME is required"

NSA=bpfload-$$-a
NSB=bpfload-$$-b
ip netns add "$NSA" || skip_all "cannot create a network namespace"
on_exit "ip netns del '$NSA'"
ip netns add "$NSB" || skip_all "cannot create a network namespace"
on_exit "ip netns del '$NSB'"
for ns in "$NSA" "$NSB"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 > /dev/null
done
ip -n "$NSA" link add va type veth peer name vb netns "$NSB" &&
	ip -n "$NSA" addr add 10.199.0.1/24 dev va &&
	ip -n "$NSB" addr add 10.199.0.2/24 dev vb &&
	ip -n "$NSA" link set va up && ip -n "$NSB" link set vb up &&
	ip -n "$NSA" link set lo up && ip -n "$NSB" link set lo up
ok $? "veth pair va ($NSA) - vb ($NSB)"

# receiver in b: binds, says so, then waits for N datagrams
cat > "$TMP/recv.py" <<'PY'
import socket, sys
n = int(sys.argv[1])
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind(("10.199.0.2", 7777))
r.settimeout(10)
print("bound", flush=True)
got = 0
while got < n:
    r.recv(65536)
    got += 1
print("received", got, flush=True)
PY
# sender in a: N datagrams, then M pings, each waiting for its reply
cat > "$TMP/send.py" <<'PY'
import os, socket, struct, sys
n, m, size = (int(a) for a in sys.argv[1:4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(n):
    s.sendto(b"u" * size, ("10.199.0.2", 7777))
def csum(b):
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xffff)
    t += t >> 16
    return ~t & 0xffff
ic = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ic.settimeout(5)
ident = os.getpid() & 0xffff
replies = 0
for seq in range(1, m + 1):
    body = b"bpfload-xdp-test"
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + body), ident, seq) + body
    ic.sendto(pkt, ("10.199.0.2", 0))
    while True:
        data = ic.recv(2048)
        ihl = (data[0] & 15) * 4
        t, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if t == 0 and rid == ident and rseq == seq:
            replies += 1
            break
print("sent", n, "replies", replies, flush=True)
PY

# run_once LABEL [MODE-FLAG]
run_once() {
	local label=$1 rpid sample
	shift
	ip netns exec "$NSB" "$BIN/xdp_count" -i 0.2 "$@" vb > "$TMP/out.$label" 2> "$TMP/err.$label" &
	sample=$!
	if ! wait_for "$TMP/err.$label" 'counting\.\.\.' 10; then
		stop_pid $sample
		ok 1 "$label: sample started"
		diag "$(cat "$TMP/err.$label")"
		return
	fi
	ok 0 "$label: sample started: $(sed -n 's/^xdp_count: //; s/: counting.*//p' "$TMP/err.$label")"
	ip netns exec "$NSB" "$PYTHON" "$TMP/recv.py" $N > "$TMP/recv.$label" 2>&1 &
	rpid=$!
	wait_for "$TMP/recv.$label" '^bound$' 10
	is "$(ip netns exec "$NSA" "$PYTHON" "$TMP/send.py" $N $M $SIZE 2>&1)" "sent $N replies $M" \
		"$label: $N datagrams sent, $M pings answered"
	wait $rpid
	is "$(tail -1 "$TMP/recv.$label")" "received $N" "$label: receiver in $NSB got $N"
	stop_pid $sample
	ok $? "$label: sample stopped cleanly on SIGINT"

	local last
	last=$(last_block "$TMP/out.$label")
	like "$last" "^[0-9:]+ +UDP +$N +[0-9.]+ +$((N * (42 + SIZE)))\$" \
		"$label: exactly $N UDP packets, $((N * (42 + SIZE))) bytes"
	like "$last" "^[0-9:]+ +ICMP +$M +[0-9.]+ +[0-9]+\$" "$label: exactly $M ICMP packets"
	like "$last" "^[0-9:]+ +TCP +0 +" "$label: no TCP"
	unlike "$last" "ICMPv6|proto " "$label: nothing but UDP, ICMP and non-IP (ARP)" || diag "$last"
	unlike "$(ip -n "$NSB" link show vb)" "xdp" "$label: no XDP program left on vb"
}

run_once default
run_once skb --skb
run_once native --native

done_testing
