/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * legacy_maps.c - an old samples/bpf-style object.
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * Section "maps": 60 bytes = 3 x struct bpf_map_def (20 bytes each):
 *   offset  symbol     type               key value max_entries flags
 *   0       pid_hash   HASH (1)           4   8     1024        0
 *   20      counters   ARRAY (2)          4   8     16          0
 *   40      jmp_table  PROG_ARRAY (3)     4   4     8           0
 * Programs, one per section; .text is empty:
 *   kprobe_openat2  "kprobe/do_sys_openat2" (KPROBE), 23 insns
 *   tp_getpid       "tracepoint/syscalls/sys_enter_getpid" (TRACEPOINT),
 *                   18 insns, tail call (helper 12) into jmp_table[0]
 *   sock_len        "socket1" (SOCKET_FILTER), 13 insns
 * Relocations, all R_BPF_64_64 on ld_imm64 of a map:
 *   .relkprobe/do_sys_openat2                 2: insn 7, 17 -> pid_hash
 *   .reltracepoint/syscalls/sys_enter_getpid  2: insn 5 -> counters,
 *                                                insn 12 -> jmp_table
 *   .relsocket1                               1: insn 5 -> counters
 * license: "GPL" (4 bytes).  version: a __u32, LINUX_VERSION_CODE of the
 * uapi headers it was built against (e.g. 0x0601c0 for 6.1.192).
 *
 * sock_len returns skb->len (PROG_TEST_RUN: the packet size less the
 * 14-byte Ethernet header) and adds it to counters[1].
 */
#include <bpfload/kern.h>

/* Maps are laid out in section "maps" in the order they are defined. */
struct bpf_map_def SEC("maps") pid_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
};

struct bpf_map_def SEC("maps") counters = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 16,
};

struct bpf_map_def SEC("maps") jmp_table = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 8,
};

/* Count openat2 calls per tgid. */
SEC("kprobe/do_sys_openat2")
int kprobe_openat2(struct pt_regs *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *val;

	val = bpf_map_lookup_elem(&pid_hash, &tgid);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(&pid_hash, &tgid, &one, BPF_NOEXIST);
	return 0;
}

/* Count getpid calls in slot 0, then jump to jmp_table[0] if set. */
SEC("tracepoint/syscalls/sys_enter_getpid")
int tp_getpid(void *ctx)
{
	__u32 key = 0;
	__u64 *val;

	val = bpf_map_lookup_elem(&counters, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	bpf_tail_call(ctx, &jmp_table, 0);
	return 0;
}

/* Old-style socket filter section name: "socket" plus a suffix.
 * Adds each packet's length to slot 1; keeps the whole packet. */
SEC("socket1")
int sock_len(struct __sk_buff *skb)
{
	__u32 key = 1;
	__u64 *val;

	val = bpf_map_lookup_elem(&counters, &key);
	if (val)
		__sync_fetch_and_add(val, skb->len);
	return skb->len;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = LINUX_VERSION_CODE;
