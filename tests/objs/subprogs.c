/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * subprogs.c - BPF-to-BPF calls, a global function and a callback.
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * Programs (2), each alone in its section, each calling into .text:
 *   sock_calls  section "socket" (SOCKET_FILTER), 7 insns
 *   xdp_calls   section "xdp" (XDP), 18 insns
 * Section .text (23 insns) holds 5 subprograms, in this order:
 *   sub_global  insn 0,  3 insns, GLOBAL FUNC (BTF linkage global)
 *   sub_top     insn 3,  3 insns, LOCAL FUNC
 *   loop_add    insn 6,  5 insns, LOCAL FUNC (bpf_loop callback)
 *   sub_mid     insn 11, 8 insns, LOCAL FUNC
 *   sub_leaf    insn 19, 4 insns, LOCAL FUNC
 * Calls inside .text (sub_top -> sub_mid -> sub_leaf twice) are already
 * pc-relative and have no relocations.  Call depth from a program: 3.
 * Relocations (no maps, no global data):
 *   .relsocket  2: R_BPF_64_32 at 0x08 -> section symbol .text, imm 2
 *                    (target insn = 0 + imm + 1 = 3: sub_top);
 *                  R_BPF_64_32 at 0x20 -> symbol sub_global, imm -1
 *                    (target insn = 0/8 + imm + 1 = 0)
 *   .relxdp     3: R_BPF_64_64 at 0x28 -> section symbol .text, imm 48
 *                    (ld_imm64 of loop_add: byte offset 48 = insn 6;
 *                    becomes a BPF_PSEUDO_FUNC load);
 *                  R_BPF_64_32 at 0x50 -> .text, imm 2 (sub_top);
 *                  R_BPF_64_32 at 0x68 -> sub_global, imm -1
 * Helpers: bpf_loop (181) in xdp_calls.  Needs bpf_loop: kernel 5.17+.
 *
 * PROG_TEST_RUN retvals (any packet):
 *   sock_calls = sub_top(1) + sub_global(2) = 22 + 102 = 124
 *   xdp_calls  = sub_top(2) + sub_global(3) + (0+1+2+3+4)
 *              = 34 + 103 + 10 = 147
 *   where sub_leaf(x) = 3x + 1, sub_mid(x) = leaf(x) + leaf(x + 1),
 *   sub_top(x) = 2 * sub_mid(x), sub_global(x) = x + 100.
 * License "GPL".
 */
#include <bpfload/kern.h>

/*
 * Hide a constant from the optimiser.  Without it clang propagates the
 * constant arguments into the noinline functions, computes their results
 * at compile time and deletes the calls, and there would be nothing left
 * to test.
 */
static __always_inline int opaque(int v)
{
	asm volatile("" : "+r"(v));
	return v;
}

/* depth 3: leaf <- mid <- top */
static __noinline int sub_leaf(int x)
{
	return x * 3 + 1;
}

static __noinline int sub_mid(int x)
{
	return sub_leaf(x) + sub_leaf(x + 1);
}

static __noinline int sub_top(int x)
{
	return sub_mid(x) * 2;
}

/*
 * Global linkage: in BTF it is a FUNC with linkage "global", which the
 * kernel verifies on its own, for any value of its arguments, instead of
 * once per call site.
 */
__noinline int sub_global(int x)
{
	return x + 100;
}

struct loop_acc {
	int sum;
};

/* bpf_loop() callback: adds each index; 0 means "keep going". */
static long loop_add(__u32 index, void *data)
{
	struct loop_acc *acc = data;

	acc->sum += index;
	return 0;
}

SEC("socket")
int sock_calls(struct __sk_buff *skb)
{
	return sub_top(opaque(1)) + sub_global(opaque(2));
}

SEC("xdp")
int xdp_calls(struct xdp_md *ctx)
{
	struct loop_acc acc = { .sum = 0 };

	bpf_loop(opaque(5), loop_add, &acc, 0);
	return sub_top(opaque(2)) + sub_global(opaque(3)) + acc.sum;
}

BL_LICENSE("GPL");
