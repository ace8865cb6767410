/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sync_kern.c - a line each time a process calls sync().
 *
 * sync() asks the kernel to write every dirty buffer, inode and
 * superblock out to storage.  Each call prints "sys_sync() called" into
 * the kernel's trace buffer with bpf_printk(); user/sync_user.c reads
 * the lines from tracefs' trace_pipe.
 *
 * As in hello_kern.c, two programs for the same event, one of which the
 * user side loads:
 *
 *   sync_kprobe  SEC("ksyscall/sync"): a kprobe on the syscall's entry
 *                point (__x64_sys_sync on x86_64), needs CONFIG_KPROBES.
 *   sync_tp      SEC("tracepoint/syscalls/sys_enter_sync"): the syscall
 *                tracepoint, which every kernel with
 *                CONFIG_FTRACE_SYSCALLS has.
 */
#include <bpfload/kern.h>

SEC("ksyscall/sync")
int sync_kprobe(struct pt_regs *ctx)
{
	bpf_printk("sys_sync() called");
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sync")
int sync_tp(struct bl_sys_enter_ctx *ctx)
{
	bpf_printk("sys_sync() called");
	return 0;
}

BL_LICENSE("GPL");
