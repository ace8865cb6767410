/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memcpy_kprobe_kern.c - print the size of each kernel memcpy() call.
 *
 * A kprobe program (BPF_PROG_TYPE_KPROBE) sees the probed CPU's registers
 * (struct pt_regs); memcpy(dst, src, size) has its size in argument 3,
 * which the calling convention puts in a register (rdx on x86_64):
 * PT_REGS_PARM3().  Each call prints "memcpy size N" to the kernel's
 * trace buffer with bpf_printk(); user/memcpy_kprobe_user.c reads the
 * lines from trace_pipe, as the learn-bpf example did.
 *
 * memcpy cannot always be probed.  On x86_64 it is an assembly routine
 * that ftrace does not know about, and kernels built without
 * CONFIG_KPROBE_EVENTS_ON_NOTRACE (Debian's 5.10, 6.1 and 6.12, for
 * instance) refuse kprobes on such "notrace" functions.  The user side
 * then attaches the same program to another function that copies
 * memory (skb_copy_datagram_iter, the copy of every socket receive to
 * the reader's buffer, size in argument 4) and sets these before load:
 *
 *   size_arg  which argument (1..6) holds the size: 3 for memcpy
 *   label     the word printed before "size": the function's name
 *
 * Where the kernel has no kprobes at all, copy_datagram (section
 * "tracepoint/skb/skb_copy_datagram_iovec") reports the same socket
 * copies from the static tracepoint inside skb_copy_datagram_iter: its
 * record holds the length at offset 16 (stable since 3.x).
 */
#include <bpfload/kern.h>

#include "memcpy.h"	/* size_arg, size_of_call(), struct copy_datagram_args */

const volatile char label[32] = "memcpy";

SEC("kprobe/memcpy")
int memcpy_size(struct pt_regs *ctx)
{
	bpf_printk("%s size %lu", label, size_of_call(ctx));
	return 0;
}

SEC("tracepoint/skb/skb_copy_datagram_iovec")
int copy_datagram(struct copy_datagram_args *ctx)
{
	bpf_printk("skb_copy_datagram_iovec size %d", ctx->len);
	return 0;
}

BL_LICENSE("GPL");
