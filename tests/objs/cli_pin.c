/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_pin.c - an object for `bpfload pin` (tests/cli/pin.t).
 *
 * Program count_getpid (tracepoint syscalls/sys_enter_getpid) counts
 * getpid() calls per process: calls[tgid] += 1 (HASH, u32 -> u64, 1024
 * entries), and every call in total (.bss).  Program pass (XDP) cannot
 * be attached from its section name: pin --attach pins it but says it
 * was not attached.  Map cfg (ARRAY, 1 entry) is pinned BY_NAME, the
 * libbpf way: at <pin root>/cfg, not map_cli_pin_cfg.
 * License "GPL".
 */
#include <bpfload/kern.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, BL_PIN_BY_NAME);
} cfg SEC(".maps");

__u64 total;

SEC("tp/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v;

	__sync_fetch_and_add(&total, 1);
	v = bpf_map_lookup_elem(&calls, &pid);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&calls, &pid, &one, BPF_NOEXIST);
	return 0;
}

SEC("xdp")
int pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

BL_LICENSE("GPL");
