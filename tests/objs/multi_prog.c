/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * multi_prog.c - several programs in one section.
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * Section "xdp" (XDP), 8 insns, 3 programs (insn offset / length):
 *   xdp_drop  0 / 2   returns 1 (XDP_DROP)
 *   xdp_pass  2 / 2   returns 2 (XDP_PASS)
 *   xdp_tx    4 / 4   returns 3 (XDP_TX)
 * Section "socket" (SOCKET_FILTER), 5 insns, 2 programs:
 *   sock_a    0 / 2   returns 11
 *   sock_b    2 / 3   returns 22, calls times_two
 * Section .text, 3 insns: times_two (LOCAL FUNC, insn 0).
 * Relocations: .relsocket, 1 x R_BPF_64_32 at 0x18 (insn 3, inside sock_b)
 *   -> section symbol .text, imm -1 (target insn 0/8 + imm + 1 = 0).
 *   The offset is relative to the section, not to sock_b.
 * No relocations in "xdp".  License "GPL".
 */
#include <bpfload/kern.h>

/*
 * Hide a constant from the optimiser, so that the programs differ in
 * length and the call below survives (see subprogs.c).
 */
static __always_inline int opaque(int v)
{
	asm volatile("" : "+r"(v));
	return v;
}

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return opaque(XDP_PASS);
}

SEC("xdp")
int xdp_tx(struct xdp_md *ctx)
{
	return opaque(1) + opaque(2);	/* XDP_TX */
}

/* in .text: called from the second program of section "socket" */
static __noinline int times_two(int x)
{
	return x * 2;
}

SEC("socket")
int sock_a(struct __sk_buff *skb)
{
	return 11;
}

SEC("socket")
int sock_b(struct __sk_buff *skb)
{
	return times_two(opaque(11));
}

BL_LICENSE("GPL");
