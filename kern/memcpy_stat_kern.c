/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memcpy_stat_kern.c - histograms of kernel memcpy() sizes, kept in maps.
 *
 * Instead of printing every call (memcpy_kprobe_kern.c) the program
 * counts them in the kernel, and user/memcpy_stat_user.c reads the
 * counts every 2 seconds: only the table crosses to user space.
 *
 * Maps (both BPF_MAP_TYPE_PERCPU_ARRAY of __u64: each CPU increments its
 * own copy without atomics, the reader adds the CPUs up):
 *
 *   sizes       the learn-bpf table: slot 0 counts size 0, slot k
 *               (1..16) sizes 64k-63 .. 64k, slot 17 sizes above 1024.
 *   log2_sizes  a power-of-2 histogram: slot 0 counts size 0, slot k
 *               sizes 2^(k-1) .. 2^k - 1 (k = 1..64).
 *
 * Totals only grow; the reader prints the difference between two reads.
 *
 * Where memcpy is probed from and why it may not be: see
 * memcpy_kprobe_kern.c.  The same two programs: memcpy_size (kprobe, the
 * size in argument size_arg, set before load) and copy_datagram (the
 * skb/skb_copy_datagram_iovec tracepoint, for kernels without kprobes).
 */
#include <bpfload/kern.h>

#include "memcpy.h"	/* size_arg, size_of_call(), struct copy_datagram_args */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_SIZE_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} sizes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_LOG2_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} log2_sizes SEC(".maps");

/* Number of significant bits: 0 for 0, 1 for 1, 2 for 2..3, ... 64. */
static __always_inline __u32 bit_length(__u64 v)
{
	__u32 n = 0;

	if (v >> 32) {
		v >>= 32;
		n += 32;
	}
	if (v >> 16) {
		v >>= 16;
		n += 16;
	}
	if (v >> 8) {
		v >>= 8;
		n += 8;
	}
	if (v >> 4) {
		v >>= 4;
		n += 4;
	}
	if (v >> 2) {
		v >>= 2;
		n += 2;
	}
	if (v >> 1) {
		v >>= 1;
		n += 1;
	}
	return n + (__u32)v;
}

static __always_inline void count(__u64 size)
{
	__u32 slot = size == 0 ? 0 : size > 1024 ? NR_SIZE_SLOTS - 1 : (size + 63) / 64;
	__u64 *c;

	c = bpf_map_lookup_elem(&sizes, &slot);
	if (c)
		*c += 1;
	slot = bit_length(size);
	c = bpf_map_lookup_elem(&log2_sizes, &slot);
	if (c)
		*c += 1;
}

SEC("kprobe/memcpy")
int memcpy_size(struct pt_regs *ctx)
{
	count(size_of_call(ctx));
	return 0;
}

SEC("tracepoint/skb/skb_copy_datagram_iovec")
int copy_datagram(struct copy_datagram_args *ctx)
{
	count(ctx->len < 0 ? 0 : (__u64)ctx->len);
	return 0;
}

BL_LICENSE("GPL");
