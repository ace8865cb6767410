/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memcpy.h - what memcpy_kprobe_kern.c and memcpy_stat_kern.c share, and
 * what user/memcpy_stat_user.c needs to know of memcpy_stat's maps.
 *
 * The BPF part (__bpf__, defined by clang -target bpf) is the same two
 * programs' common ground: size_arg, the tracepoint's context and
 * size_of_call().  Where memcpy is probed from, and why it may not be:
 * see memcpy_kprobe_kern.c.
 */
#ifndef MEMCPY_H
#define MEMCPY_H

/* The slots of memcpy_stat's maps sizes and log2_sizes. */
#define NR_SIZE_SLOTS	18
#define NR_LOG2_SLOTS	65

#ifdef __bpf__
/* Which argument (1..6) of the probed function is the size: 3 for
 * memcpy(dst, src, size).  Set before load. */
const volatile __u32 size_arg = 3;

/* The context of tracepoint skb/skb_copy_datagram_iovec (its format file). */
struct copy_datagram_args {
	__u64 common;			/* type, flags, preempt count, pid */
	const void *skbaddr;
	int len;
};

/*
 * Argument size_arg of the probed call.  All six registers are read
 * first and kept apart with an empty asm: otherwise clang turns the
 * switch into one load at a computed offset from ctx, which the
 * verifier refuses ("dereference of modified ctx ptr").
 */
static __always_inline unsigned long size_of_call(struct pt_regs *ctx)
{
	unsigned long a1 = PT_REGS_PARM1(ctx), a2 = PT_REGS_PARM2(ctx);
	unsigned long a3 = PT_REGS_PARM3(ctx), a4 = PT_REGS_PARM4(ctx);
	unsigned long a5 = PT_REGS_PARM5(ctx), a6 = PT_REGS_PARM6(ctx);

	asm volatile("" : "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6));
	switch (size_arg) {
	case 1:
		return a1;
	case 2:
		return a2;
	case 4:
		return a4;
	case 5:
		return a5;
	case 6:
		return a6;
	default:
		return a3;
	}
}
#endif /* __bpf__ */

#endif /* MEMCPY_H */
