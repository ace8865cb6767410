/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach_kprobe.c - kprobe programs for t_attach_kprobe (run in VMs:
 * the test host has no kprobes).  Counts for one process (target_tgid).
 *
 *   kp_open     "kprobe/do_sys_openat2": calls
 *   kret_open   "kretprobe/do_sys_openat2": returns, and the last value
 *   ks_getpid   "ksyscall/getpid": getpid() entries
 *   kp_open0    "kprobe/do_sys_openat2+0x0": calls (the +OFFSET syntax)
 * License "GPL".
 */
#include <bpfload/kern.h>

const volatile __u32 target_tgid = 0;

__u64 open_count;
__u64 ret_count;
__s64 ret_last;
__u64 getpid_count;
__u64 open0_count;

static __always_inline int ours(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("kprobe/do_sys_openat2")
int kp_open(struct pt_regs *ctx)
{
	if (ours())
		__sync_fetch_and_add(&open_count, 1);
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int kret_open(struct pt_regs *ctx)
{
	if (!ours())
		return 0;
	__sync_fetch_and_add(&ret_count, 1);
	ret_last = PT_REGS_RC(ctx);
	return 0;
}

SEC("ksyscall/getpid")
int ks_getpid(struct pt_regs *ctx)
{
	if (ours())
		__sync_fetch_and_add(&getpid_count, 1);
	return 0;
}

SEC("kprobe/do_sys_openat2+0x0")
int kp_open0(struct pt_regs *ctx)
{
	if (ours())
		__sync_fetch_and_add(&open0_count, 1);
	return 0;
}

BL_LICENSE("GPL");
