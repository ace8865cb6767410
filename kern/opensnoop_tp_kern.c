/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opensnoop_tp_kern.c - every file open, from the syscall tracepoints.
 *
 * The same tool as opensnoop_kern.c without kprobes: the static
 * tracepoints at the entry of the open system calls
 * (BPF_PROG_TYPE_TRACEPOINT), whose records hold the syscall arguments
 * (struct bl_sys_enter_ctx, bpfload/kern_tracing.h):
 *
 *   syscalls/sys_enter_openat   openat(dfd, filename, flags, mode)
 *   syscalls/sys_enter_openat2  openat2(dfd, filename, how, size)  5.6+
 *   syscalls/sys_enter_open     open(filename, flags, mode)  not on arm64
 *
 * Each copies the path with bpf_probe_read_user_str() and sends a struct
 * open_event through the perf buffer events (BPF_MAP_TYPE_PERF_EVENT_ARRAY,
 * bpf_perf_event_output() into the current CPU's ring).  The user side
 * attaches the ones this kernel has.  target_pid (.rodata): when not 0,
 * only that process.
 */
#include <bpfload/kern.h>

#include "opensnoop.h"	/* struct open_event, target_pid, events, report() */

SEC("tracepoint/syscalls/sys_enter_openat")
int openat_enter(struct bl_sys_enter_ctx *ctx)
{
	return report(ctx, (const char *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int openat2_enter(struct bl_sys_enter_ctx *ctx)
{
	return report(ctx, (const char *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_open")
int open_enter(struct bl_sys_enter_ctx *ctx)
{
	return report(ctx, (const char *)ctx->args[0]);
}

BL_LICENSE("GPL");
