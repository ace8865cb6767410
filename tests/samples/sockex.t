#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# sockex.t - the sockex sample against the real kernel.
#
# In a network namespace of its own (only the test's packets flow on its
# loopback), the sample counts while a python helper sends N UDP
# datagrams over IPv4 and M over IPv6 to its own receivers on lo, each
# with SIZE bytes of payload.  Its last rows must say exactly N + M UDP
# packets each way (on lo every packet is sent and received), of
# N * (14 + 20 + 8 + SIZE) + M * (14 + 40 + 8 + SIZE) bytes (Ethernet-
# sized loopback header, IPv4 / IPv6 header, UDP header), no TCP, no
# ICMP, and no other protocol.
set -u
top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh || { echo "Bail out! cannot read $top/tests/samples/lib.sh"; exit 1; }

N=25
M=15
SIZE=200

require_sample sockex
require_root "bpf() and network namespaces"
require_python
command -v ip > /dev/null || skip_all "no ip(8) (iproute2)"

sample_tmpdir sockex

out=$("$BIN/sockex" --help 2>&1)
ok $? "--help exits 0"
like "$out" "IFNAME" "--help documents IFNAME"
out=$("$BIN/sockex" no-such-if0 2>&1)
[ $? -ne 0 ]
ok $? "an unknown interface is an error"

NS=bpfload-$$-s
ip netns add "$NS" || skip_all "cannot create a network namespace"
on_exit "ip netns del '$NS'"
ip -n "$NS" link set lo up

cat > "$TMP/send.py" <<'PY'
import socket, sys
n, m, size = (int(a) for a in sys.argv[1:4])
for fam, addr, count in ((socket.AF_INET, "127.0.0.1", n), (socket.AF_INET6, "::1", m)):
    r = socket.socket(fam, socket.SOCK_DGRAM)
    r.bind((addr, 0))
    r.settimeout(5)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    for i in range(count):
        s.sendto(b"x" * size, r.getsockname())
        assert len(r.recv(65536)) == size
print("sent", n, m, flush=True)
PY

ip netns exec "$NS" "$BIN/sockex" -i 0.2 lo > "$TMP/out" 2> "$TMP/err" &
sample=$!
on_exit "kill $sample"
wait_for "$TMP/err" '^sockex: counting' 10
ok $? "sample started in netns $NS" || diag "$(cat "$TMP/err")"

sent=$(ip netns exec "$NS" "$PYTHON" "$TMP/send.py" $N $M $SIZE 2>&1)
is "$sent" "sent $N $M" "helper sent and received $N + $M datagrams"
sleep 0.5	# a few periodic prints
stop_pid $sample
ok $? "sample stopped cleanly on SIGINT"

out=$(cat "$TMP/out")
like "$(head -1 "$TMP/out")" '^TIME +PROTO +RX_PKTS +RX_BYTES +TX_PKTS +TX_BYTES$' "header line"
[ "$(count_lines "$out" '^$')" -ge 2 ]
ok $? "rows printed periodically"
# the last block: after the last empty line
last=$(last_block "$TMP/out")
bytes=$((N * (42 + SIZE) + M * (62 + SIZE)))
like "$last" "^[0-9:]+ +UDP +$((N + M)) +$bytes +$((N + M)) +$bytes\$" \
	"UDP: $((N + M)) packets and $bytes bytes received and sent"
like "$last" "^[0-9:]+ +TCP +0 +0 +0 +0\$" "no TCP"
like "$last" "^[0-9:]+ +ICMP +0 +0 +0 +0\$" "no ICMP"
is "$(count_lines "$last" '.')" 3 "no other protocol" || diag "$last"

done_testing
