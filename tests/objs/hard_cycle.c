/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hard_cycle.c - one program of each kind that t_hardening_lifecycle
 * loads, attaches, detaches and closes a thousand times.  Each counts
 * what it sees in hits[] (events of target_tgid only, for the tracing
 * kinds), so the test can show now and then that an attachment fires.
 *
 *   hits[0]  cy_tp      "tp/syscalls/sys_enter_getpid"
 *   hits[1]  cy_raw     "raw_tp/sys_enter"
 *   hits[2]  cy_sock    "socket": every packet, kept whole
 *   hits[3]  cy_xdp     "xdp": every frame, XDP_PASS
 *   hits[4]  cy_cgskb   "cgroup_skb/ingress": every packet, allowed
 *   hits[5]  cy_uprobe  "uprobe": calls by target_tgid
 *   counts   a legacy-style hash, so each load also creates a plain map
 * License "GPL".
 */
#include <bpfload/kern.h>

const volatile __u32 target_tgid = 0;

__u64 hits[8];

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int ours(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

static __always_inline void hit(__u32 i)
{
	__u64 one = 1, *v;

	__sync_fetch_and_add(&hits[i & 7], 1);
	v = bpf_map_lookup_elem(&counts, &i);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &i, &one, BPF_NOEXIST);
}

SEC("tp/syscalls/sys_enter_getpid")
int cy_tp(void *ctx)
{
	if (ours())
		hit(0);
	return 0;
}

SEC("raw_tp/sys_enter")
int cy_raw(void *ctx)
{
	if (ours())
		hit(1);
	return 0;
}

SEC("socket")
int cy_sock(struct __sk_buff *skb)
{
	hit(2);
	return skb->len;
}

SEC("xdp")
int cy_xdp(struct xdp_md *ctx)
{
	hit(3);
	return XDP_PASS;
}

SEC("cgroup_skb/ingress")
int cy_cgskb(struct __sk_buff *skb)
{
	hit(4);
	return 1;
}

SEC("uprobe")
int cy_uprobe(struct pt_regs *ctx)
{
	if (ours())
		hit(5);
	return 0;
}

BL_LICENSE("GPL");
