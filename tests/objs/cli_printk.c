/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_printk.c - bpf_printk lines for `bpfload run` (tests/cli/run.t).
 *
 * Program: say, tracepoint syscalls/sys_enter_getpid.  For each getpid()
 * of the process whose tgid is target_pid (.rodata) it prints
 * "cli-printk <pid> <n>" (n from 0, .bss lines) to the trace pipe, so
 * bpfload run finds a call to bpf_trace_printk (helper 6) and reads
 * trace_pipe without being asked.  An XDP program, pass, is in the
 * object too: it cannot be attached from its section name (bpfload run
 * says so and goes on, unless --strict or --xdp IFNAME).
 * License "GPL" (bpf_trace_printk is GPL-only).
 */
#include <bpfload/kern.h>

const volatile int target_pid = 0;
__u32 lines;

SEC("tp/syscalls/sys_enter_getpid")
int say(void *ctx)
{
	int pid = bpf_get_current_pid_tgid() >> 32;
	__u32 n;

	if (pid != target_pid)
		return 0;
	n = __sync_fetch_and_add(&lines, 1);
	bpf_printk("cli-printk %d %u", pid, n);
	return 0;
}

SEC("xdp")
int pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

BL_LICENSE("GPL");
