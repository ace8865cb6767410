/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kfree_skb_kern.c - where the kernel drops packets: counts per stack.
 *
 * The kernel frees a socket buffer with kfree_skb() when a packet is
 * dropped (no socket on the port, bad checksum, full queue, filtered...)
 * and with consume_skb() when it was used normally.  The tracepoint
 * skb/kfree_skb fires for the drops; its record holds the skb and
 * "location", the address of the code that dropped it (offset 16 on every
 * kernel since 3.x; newer ones add the protocol and a drop reason after
 * it, at offsets that moved, so we read only the first two fields).
 *
 * For each drop the program (BPF_PROG_TYPE_TRACEPOINT):
 *   - stores the kernel call stack in the map stacks
 *     (BPF_MAP_TYPE_STACK_TRACE, values of MAX_FRAMES return addresses)
 *     with bpf_get_stackid(), which returns the stack's id (equal stacks
 *     share one id);
 *   - counts drops per stack id in the hash map drops, keeping the last
 *     location seen (a stack that could not be stored counts under id
 *     -1).
 * user/kfree_skb_user.c reads both maps and turns the addresses into
 * function names with /proc/kallsyms.
 */
#include <bpfload/kern.h>

#include "kfree_skb.h"	/* MAX_FRAMES, struct drop_count */

struct kfree_skb_args {
	__u64 common;			/* type, flags, preempt count, pid */
	const void *skbaddr;
	__u64 location;
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_FRAMES * sizeof(__u64));
	__uint(max_entries, 4096);
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __s32);
	__type(value, struct drop_count);
} drops SEC(".maps");

SEC("tracepoint/skb/kfree_skb")
int kfree_skb(struct kfree_skb_args *ctx)
{
	__s32 id = (__s32)bpf_get_stackid(ctx, &stacks, 0);
	struct drop_count *d, init = { 0 };

	if (id < 0)
		id = -1;
	d = bpf_map_lookup_elem(&drops, &id);
	if (!d) {
		bpf_map_update_elem(&drops, &id, &init, BPF_NOEXIST);
		d = bpf_map_lookup_elem(&drops, &id);
		if (!d)
			return 0;
	}
	__sync_fetch_and_add(&d->count, 1);
	d->location = ctx->location;
	return 0;
}

BL_LICENSE("GPL");
