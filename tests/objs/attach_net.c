/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach_net.c - networking programs for t_attach_net.  Each counts the
 * IPv4 UDP packets to target_port (host order, set before load), so
 * that neighbour discovery and other traffic never disturb the counts.
 *
 *   sock_count  "socket": every packet and its length (keeps it whole)
 *   xdp_udp     "xdp": XDP_PASS always
 *   tc_in       "tc", tc_out "tc": TC_ACT_OK always
 *   cg_egress   "cgroup_skb/egress": allows everything
 * License "GPL".
 */
#include <bpfload/kern.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>

const volatile __u16 target_port = 0;

__u64 sock_pkts;
__u64 sock_bytes;
__u64 xdp_pkts;
__u64 tc_in_pkts;
__u64 tc_out_pkts;
__u64 cg_pkts;

SEC("socket")
int sock_count(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&sock_pkts, 1);
	__sync_fetch_and_add(&sock_bytes, skb->len);
	return skb->len;
}

/* Ethernet + IPv4 (no options) + UDP to our port, in [data, end)? */
static __always_inline int is_ours_eth(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > end)
		return 0;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return 0;
	return udp->dest == bpf_htons(target_port);
}

SEC("xdp")
int xdp_udp(struct xdp_md *ctx)
{
	if (is_ours_eth((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		__sync_fetch_and_add(&xdp_pkts, 1);
	return XDP_PASS;
}

SEC("tc")
int tc_in(struct __sk_buff *skb)
{
	if (is_ours_eth((void *)(long)skb->data, (void *)(long)skb->data_end))
		__sync_fetch_and_add(&tc_in_pkts, 1);
	return TC_ACT_OK;
}

SEC("tc")
int tc_out(struct __sk_buff *skb)
{
	if (is_ours_eth((void *)(long)skb->data, (void *)(long)skb->data_end))
		__sync_fetch_and_add(&tc_out_pkts, 1);
	return TC_ACT_OK;
}

/* cgroup_skb programs see the packet from the IP header on. */
SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	struct iphdr ip;
	__u16 dport;

	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
		return 1;
	if (ip.version != 4 || ip.ihl != 5 || ip.protocol != IPPROTO_UDP)
		return 1;
	if (bpf_skb_load_bytes(skb, sizeof(ip) + 2, &dport, sizeof(dport)))
		return 1;
	if (dport == bpf_htons(target_port))
		__sync_fetch_and_add(&cg_pkts, 1);
	return 1;
}

BL_LICENSE("GPL");
