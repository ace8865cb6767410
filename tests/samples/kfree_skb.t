#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# kfree_skb.t - the kfree_skb sample against the running kernel.
#
# In a network namespace of its own (only lo, up), the test sends M UDP
# datagrams to 127.0.0.1 on a port nobody listens on: the kernel answers
# with an ICMP port unreachable and drops each datagram (kfree_skb, reason
# NO_SOCKET) in the UDP receive path.  kfree_skb must report a stack
# whose frames are symbolized and include the UDP receive function
# (__udp4_lib_rcv), counting at least M drops at it, and end with status 0
# on SIGINT.  The namespace is deleted at the end.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh

M=3
NS=bpfload-kfree-skb-$$

require_sample kfree_skb
require_root
command -v ip > /dev/null || skip_all "ip (iproute2) is not installed"
require_tracefs

sample_tmpdir kfree_skb

out=$("$BIN/kfree_skb" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: kfree_skb" "--help prints the usage"

ip netns add "$NS" || skip_all "cannot create a network namespace"
on_exit "ip netns del '$NS'"
ip -n "$NS" link set lo up

# One interval long enough for the whole test: the report comes on SIGINT.
"$BIN/kfree_skb" -i 60 -n 50 > "$TMP/out" 2> "$TMP/err" &
spid=$!
wait_for "$TMP/out" '^Counting dropped packets' 60 || diag "kfree_skb did not start: $(cat "$TMP/err")"
for ((i = 0; i < M; i++)); do
	ip netns exec "$NS" bash -c 'echo drop-me > /dev/udp/127.0.0.1/9'
done
sleep 0.5
stop_pid $spid
is $stopped 0 "SIGINT ends kfree_skb with status 0"
out=$(cat "$TMP/out")
like "$out" "^[0-9]{2}:[0-9]{2}:[0-9]{2}  [0-9]+ drops? in [0-9]+ stacks?:\$" "a report: time, drops, stacks"
like "$out" "^ +[0-9]+ drops? at [^ ]+\\+0x[0-9a-f]+/0x[0-9a-f]+ \\(stack -?[0-9]+\\)\$" \
	"stacks are headed by count and symbolized location"
like "$out" "^            __udp4_lib_rcv\\+0x[0-9a-f]+/0x[0-9a-f]+\$" \
	"a stack goes through __udp4_lib_rcv (the UDP drop), symbolized"
# the drops at the UDP receive path: the stacks whose frames include it
n=$(awk '/ drops? at / { c = $1 } /^            __udp4_lib_rcv\+/ { s += c; c = 0 } END { print s + 0 }' "$TMP/out")
ok $((n >= M ? 0 : 1)) "$M datagrams to a closed port -> at least $M drops counted there ($n)"
unlike "$(cat "$TMP/err")" "no kernel symbols" "kernel symbols were readable (root sees kallsyms addresses)"

done_testing
