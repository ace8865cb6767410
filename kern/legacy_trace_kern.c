/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * legacy_trace_kern.c - the BPF side of legacy_trace, a sample written
 * the way the kernel's old samples/bpf were: maps in the legacy "maps"
 * section, one program per section named after its hook, loaded by
 * load_bpf_file() from bpf_load.h.
 *
 *   count_syscalls  tracepoint/raw_syscalls/sys_enter: syscalls per
 *                   process (tgid) in syscall_count
 *   greet_getpid    tracepoint/syscalls/sys_enter_getpid: a bpf_printk()
 *                   line for each getpid() of the process whose tgid user
 *                   space wrote into config[0] (read with
 *                   read_trace_pipe())
 */
#include <bpfload/kern.h>

struct bpf_map_def SEC("maps") syscall_count = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),		/* tgid */
	.value_size = sizeof(__u64),		/* system calls */
	.max_entries = 10240,
};

struct bpf_map_def SEC("maps") config = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),		/* [0]: tgid to greet */
	.max_entries = 1,
};

SEC("tracepoint/raw_syscalls/sys_enter")
int count_syscalls(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *val;

	val = bpf_map_lookup_elem(&syscall_count, &tgid);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		bpf_map_update_elem(&syscall_count, &tgid, &one, BPF_NOEXIST);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int greet_getpid(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, key = 0, *want;

	want = bpf_map_lookup_elem(&config, &key);
	if (want && *want == tgid)
		bpf_printk("legacy_trace: getpid() by %u", tgid);
	return 0;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = LINUX_VERSION_CODE;
