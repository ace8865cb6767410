/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hard_legacy_getpid.c - an old samples/bpf-style object for t_compat:
 * legacy "maps" section, one program per section, tracepoints only.
 *
 *   maps (legacy, 20-byte struct bpf_map_def, in this order):
 *     0  getpid_calls  HASH   key u32 (tgid)  value u64   max 1024
 *     1  jmp_table     PROG_ARRAY  key u32  value u32     max 4
 *     2  tail_hits     ARRAY  key u32  value u64          max 1
 *   programs:
 *     count_getpid  "tracepoint/syscalls/sys_enter_getpid": getpid_calls[tgid] += 1,
 *                   then a tail call to jmp_table[1]
 *     tail_one      "tracepoint/1": the old loader's tail call convention:
 *                   not attached, put into slot 1 of jmp_table; counts
 *                   every call it sees (of any process) in tail_hits[0]
 *     skb_len       "socket1": loaded, not attached (returns skb->len)
 * License "GPL", version section.
 */
#include <bpfload/kern.h>

struct bpf_map_def SEC("maps") getpid_calls = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
};

struct bpf_map_def SEC("maps") jmp_table = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 4,
};

struct bpf_map_def SEC("maps") tail_hits = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *val;

	val = bpf_map_lookup_elem(&getpid_calls, &tgid);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(&getpid_calls, &tgid, &one, BPF_NOEXIST);
	bpf_tail_call(ctx, &jmp_table, 1);
	return 0;
}

SEC("tracepoint/1")
int tail_one(void *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&tail_hits, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
	return 0;
}

SEC("socket1")
int skb_len(struct __sk_buff *skb)
{
	return skb->len;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = LINUX_VERSION_CODE;
