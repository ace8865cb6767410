/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach_uprobe.c - uprobe programs for t_attach_uprobe, probing a
 * function of the test binary itself, long f(long x).
 *
 *   up_entry    "uprobe": calls by target_tgid; sums the argument
 *   up_return   "uretprobe": returns to target_tgid; sums return values
 *   up_any      "uprobe": every call by anyone (the kernel's pid filter
 *               is what the test checks)
 *   up_sec      "uprobe//proc/self/exe:bl_attach_test_target": attached
 *               from its section name; calls by target_tgid
 * License "GPL".
 */
#include <bpfload/kern.h>

const volatile __u32 target_tgid = 0;

__u64 entry_count;
__u64 entry_arg_sum;
__u64 return_count;
__u64 return_sum;
__u64 any_count;
__u64 sec_count;

static __always_inline int ours(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("uprobe")
int up_entry(struct pt_regs *ctx)
{
	if (!ours())
		return 0;
	__sync_fetch_and_add(&entry_count, 1);
	__sync_fetch_and_add(&entry_arg_sum, PT_REGS_PARM1(ctx));
	return 0;
}

SEC("uretprobe")
int up_return(struct pt_regs *ctx)
{
	if (!ours())
		return 0;
	__sync_fetch_and_add(&return_count, 1);
	__sync_fetch_and_add(&return_sum, PT_REGS_RC(ctx));
	return 0;
}

SEC("uprobe")
int up_any(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&any_count, 1);
	return 0;
}

SEC("uprobe//proc/self/exe:bl_attach_test_target")
int up_sec(struct pt_regs *ctx)
{
	if (!ours())
		return 0;
	__sync_fetch_and_add(&sec_count, 1);
	return 0;
}

BL_LICENSE("GPL");
