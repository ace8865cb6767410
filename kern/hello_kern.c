/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hello_kern.c - "Hello, World!" each time a process calls clone().
 *
 * The classic first BPF program: every clone() system call (what fork()
 * and pthread_create() use) prints a line into the kernel's trace buffer
 * with bpf_printk(), and user/hello_user.c reads those lines from
 * tracefs' trace_pipe.
 *
 * Two programs that do the same thing from two different hooks; the user
 * side loads only one of them (bl_program_set_autoload before load):
 *
 *   hello_kprobe  SEC("ksyscall/clone"): a kprobe (BPF_PROG_TYPE_KPROBE)
 *                 on the kernel's entry point of the clone syscall.  The
 *                 loader resolves "clone" to that symbol through
 *                 /proc/kallsyms (__x64_sys_clone on x86_64 since 4.17).
 *                 Needs a kernel built with CONFIG_KPROBES.
 *   hello_tp      SEC("tracepoint/syscalls/sys_enter_clone"): the static
 *                 tracepoint at the same place (BPF_PROG_TYPE_TRACEPOINT),
 *                 for kernels without kprobes.
 *
 * bpf_trace_printk() is GPL-only, hence the license.
 */
#include <bpfload/kern.h>

SEC("ksyscall/clone")
int hello_kprobe(struct pt_regs *ctx)
{
	bpf_printk("Hello, World!");
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_clone")
int hello_tp(struct bl_sys_enter_ctx *ctx)
{
	bpf_printk("Hello, World!");
	return 0;
}

BL_LICENSE("GPL");
