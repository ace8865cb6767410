/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events_printk.c - bpf_printk lines for the trace_pipe reader's test
 * (tests/kernel/t_trace_pipe.c).
 *
 * Program: say, section "raw_tp/sys_enter" (RAW_TRACEPOINT).  For a
 * sys_enter of syscall trigger_nr by a thread of process target_pid it
 * prints "bpfload-tp <tag> <n>" to the trace pipe, n counting from 0
 * (.bss: lines).
 * License "GPL" (bpf_trace_printk is GPL-only).
 */
#include <bpfload/kern.h>

__u32 target_pid;
__u32 trigger_nr;
__u32 tag;
__u32 lines;

SEC("raw_tp/sys_enter")
int say(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 n;

	if ((__u32)(id >> 32) != target_pid || ctx->args[1] != trigger_nr)
		return 0;
	n = __sync_fetch_and_add(&lines, 1);
	bpf_printk("bpfload-tp %u %u", tag, n);
	return 0;
}

BL_LICENSE("GPL");
