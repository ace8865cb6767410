/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sock_xdp.c - a socket filter and an XDP program for PROG_TEST_RUN.
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * Map: proto_count, ".maps", PERCPU_ARRAY (6), key 4, value 8, max 256.
 * Programs, one per section; .text is empty:
 *   sock_ipv4_len  "socket" (SOCKET_FILTER), 5 insns, no relocations
 *   xdp_count      "xdp" (XDP), 23 insns
 * Relocations: .relxdp, 1 x R_BPF_64_64 at insn 14 -> proto_count.
 *
 * PROG_TEST_RUN (data_in is an Ethernet frame):
 *   sock_ipv4_len: ethertype 0x0800 -> retval = skb->len, which for
 *     test runs is the frame size minus the 14-byte Ethernet header
 *     (64-byte frame -> 50); any other ethertype -> 0.
 *   xdp_count: always XDP_PASS (2); for an IPv4 frame of at least 34
 *     bytes adds 1 to proto_count[ip protocol] on the running CPU
 *     (UDP frame -> key 17).
 * License "GPL".
 */
#include <bpfload/kern.h>
#include <linux/if_ether.h>
#include <linux/ip.h>

/* packets seen by xdp_count, per IPv4 protocol number */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_count SEC(".maps");

/*
 * Keep the whole packet if it is IPv4, drop it otherwise.  skb->protocol
 * is the ethertype, in network byte order, filled in by the kernel from
 * the Ethernet header.
 */
SEC("socket")
int sock_ipv4_len(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	return skb->len;
}

/* Count IPv4 packets per protocol; let every packet through. */
SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	__u32 key;
	__u64 *cnt;

	/* the verifier wants both headers proven inside the packet */
	if ((void *)(iph + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;

	key = iph->protocol;
	cnt = bpf_map_lookup_elem(&proto_count, &key);
	if (cnt)
		*cnt += 1;
	return XDP_PASS;
}

BL_LICENSE("GPL");
