/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xdp_count_kern.c - count the packets an interface receives, per IP
 * protocol, at the XDP hook (user side: user/xdp_count_user.c).
 *
 * An XDP program runs on every frame a network device receives, before
 * the kernel allocates an skb for it: in the driver itself (native mode,
 * where the driver supports it: veth, most 10G+ NICs) or early in the
 * generic receive path (skb mode, any device).  It sees the raw frame
 * between ctx->data and ctx->data_end and returns what to do with it:
 * XDP_PASS hands it on to the stack as if nothing happened, which is all
 * a counter does.
 *
 * Parsing: Ethernet header, up to two VLAN tags (802.1Q / 802.1ad),
 * then the IPv4 protocol or the IPv6 next header (extension headers are
 * not walked).  Every access is checked against data_end first: the
 * verifier refuses a program that could read past the frame.  Frames
 * that are not IP (ARP, LLDP, ...) are counted in slot NON_IP.
 *
 * BPF mechanisms shown:
 *   - BPF_PROG_TYPE_XDP, direct packet access with bounds checks
 *   - BPF_MAP_TYPE_PERCPU_ARRAY: each CPU counts in its own copy of the
 *     value, so no atomic instruction is needed on the fast path; user
 *     space reads all the copies and adds them up
 */
#include <bpfload/kern.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include "xdp_count.h"	/* NON_IP, struct proto_count */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NON_IP + 1);	/* IPPROTO_* and NON_IP */
	__type(key, __u32);
	__type(value, struct proto_count);
} counts SEC(".maps");

struct vlan_hdr {
	__be16 tci;
	__be16 encapsulated_proto;
};

SEC("xdp")
int xdp_count_prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct proto_count *c;
	__u32 key = NON_IP;
	__u16 proto;
	void *l3;

	if ((void *)(eth + 1) > data_end)
		goto count;
	proto = eth->h_proto;
	l3 = eth + 1;

	/* unrolled: at most two tags, a constant bound for the verifier */
#pragma unroll
	for (int i = 0; i < 2; i++) {
		struct vlan_hdr *vh = l3;

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(vh + 1) > data_end)
			goto count;
		proto = vh->encapsulated_proto;
		l3 = vh + 1;
	}

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = l3;

		if ((void *)(iph + 1) <= data_end)
			key = iph->protocol;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = l3;

		if ((void *)(ip6h + 1) <= data_end)
			key = ip6h->nexthdr;
	}

count:
	c = bpf_map_lookup_elem(&counts, &key);
	if (c) {
		/* this CPU's copy: nobody else writes it */
		c->packets++;
		c->bytes += data_end - data;
	}
	return XDP_PASS;
}

BL_LICENSE("GPL");
