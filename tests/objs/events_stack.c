/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events_stack.c - a kernel stack trace to symbolize, for the kernel
 * symbol test (tests/kernel/t_ksyms.c).
 *
 * Program: grab, section "raw_tp/sys_enter" (RAW_TRACEPOINT).  For a
 * sys_enter of syscall trigger_nr by a thread of process target_pid it
 * stores the kernel stack in stacks (BPF_MAP_TYPE_STACK_TRACE, 16 stacks
 * of up to 127 frames) and its id in stack_id (.bss; -1 before, or the
 * negative error of bpf_get_stackid).  The frames are kernel addresses
 * on the syscall path (entry_SYSCALL_64, do_syscall_64, ...).
 * License "GPL".
 */
#include <bpfload/kern.h>

#define MAX_FRAMES 127

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_FRAMES * sizeof(__u64));
	__uint(max_entries, 16);
} stacks SEC(".maps");

__u32 target_pid;
__u32 trigger_nr;
__s64 stack_id = -1;

SEC("raw_tp/sys_enter")
int grab(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();

	if ((__u32)(id >> 32) != target_pid || ctx->args[1] != trigger_nr)
		return 0;
	stack_id = bpf_get_stackid(ctx, &stacks, 0);
	return 0;
}

BL_LICENSE("GPL");
