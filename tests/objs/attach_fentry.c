/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach_fentry.c - fentry/fexit programs for t_attach_fentry (the test
 * host refuses trampolines: EPERM at load; they run in VMs).
 *
 *   fe_open  "fentry/do_sys_openat2": calls by target_tgid
 *   fx_open  "fexit/do_sys_openat2": returns, and the last return value
 *            (ctx[3]: after the three arguments dfd, filename, how)
 * License "GPL".
 */
#include <bpfload/kern.h>

const volatile __u32 target_tgid = 0;

__u64 entry_count;
__u64 exit_count;
__s64 exit_last;

static __always_inline int ours(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("fentry/do_sys_openat2")
int fe_open(unsigned long long *ctx)
{
	if (ours())
		__sync_fetch_and_add(&entry_count, 1);
	return 0;
}

SEC("fexit/do_sys_openat2")
int fx_open(unsigned long long *ctx)
{
	if (!ours())
		return 0;
	__sync_fetch_and_add(&exit_count, 1);
	exit_last = (long)ctx[3];
	return 0;
}

BL_LICENSE("GPL");
