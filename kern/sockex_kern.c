/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockex_kern.c - a socket filter that counts packets and bytes per IP
 * protocol (user side: user/sockex_user.c, after the kernel's classic
 * samples/bpf sockex1).
 *
 * A BPF_PROG_TYPE_SOCKET_FILTER program runs for every packet about to
 * be queued on the socket it is attached to (setsockopt SO_ATTACH_BPF);
 * its return value is how many bytes of the packet to keep, 0 meaning
 * drop.  Here the socket is an AF_PACKET socket bound to one interface,
 * which sees every frame the interface sends or receives: the program
 * counts each one in a map and returns 0, so nothing is ever queued and
 * user space only reads the map.
 *
 * For each frame: the IP protocol (IPv4 protocol, or IPv6 next header
 * without walking extension headers) read with bpf_skb_load_bytes_relative()
 * from the network header (so it works on interfaces with or without a
 * link-layer header), the direction from skb->pkt_type (PACKET_OUTGOING
 * for frames the host sends), and skb->len, the frame length as the
 * packet socket sees it: link-layer header included (14 bytes on
 * Ethernet and loopback).
 *
 * BPF mechanisms shown:
 *   - BPF_PROG_TYPE_SOCKET_FILTER and the struct __sk_buff context
 *   - bpf_skb_load_bytes_relative() (socket filters may not read packet
 *     memory directly)
 *   - a BPF_MAP_TYPE_ARRAY indexed by protocol, updated with atomic adds
 *     (several CPUs may run the filter at once)
 */
#include <bpfload/kern.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include "sockex.h"	/* struct proto_stats */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);		/* IPPROTO_* */
	__type(key, __u32);
	__type(value, struct proto_stats);
} stats SEC(".maps");

SEC("socket")
int count_by_proto(struct __sk_buff *skb)
{
	struct proto_stats *st;
	__u32 off, key;
	__u8 proto;

	if (skb->protocol == bpf_htons(ETH_P_IP))
		off = __builtin_offsetof(struct iphdr, protocol);
	else if (skb->protocol == bpf_htons(ETH_P_IPV6))
		off = __builtin_offsetof(struct ipv6hdr, nexthdr);
	else
		return 0;
	if (bpf_skb_load_bytes_relative(skb, off, &proto, 1, BPF_HDR_START_NET))
		return 0;

	key = proto;
	st = bpf_map_lookup_elem(&stats, &key);
	if (!st)
		return 0;
	if (skb->pkt_type == PACKET_OUTGOING) {
		__sync_fetch_and_add(&st->tx_packets, 1);
		__sync_fetch_and_add(&st->tx_bytes, skb->len);
	} else {
		__sync_fetch_and_add(&st->rx_packets, 1);
		__sync_fetch_and_add(&st->rx_bytes, skb->len);
	}
	return 0;	/* keep nothing: the socket only exists to run us */
}

BL_LICENSE("GPL");
