/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opensnoop_kern.c - every file open, from a kprobe on do_sys_openat2().
 *
 * open(), openat() and openat2() all end up in the kernel function
 *
 *	long do_sys_openat2(int dfd, const char __user *filename,
 *			    struct open_how *how);
 *
 * (5.6+; older kernels have do_sys_open(dfd, filename, flags, mode), whose
 * first two arguments are the same, and the user side falls back to it).
 * The kprobe program (BPF_PROG_TYPE_KPROBE) gets the registers; BL_KPROBE
 * names the arguments.  It copies the path from user memory with
 * bpf_probe_read_user_str() and sends a struct open_event through the
 * perf buffer events (BPF_MAP_TYPE_PERF_EVENT_ARRAY, one ring per CPU:
 * bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, ...)).
 *
 * target_pid (.rodata, set before load): when not 0, only that process.
 * opensnoop_tp_kern.c is the same tool on syscall tracepoints, for
 * kernels without kprobes.
 */
#include <bpfload/kern.h>

#include "opensnoop.h"	/* struct open_event, target_pid, events, report() */

SEC("kprobe/do_sys_openat2")
BL_KPROBE(trace_open, int dfd, const char *filename)
{
	return report(ctx, filename);
}

BL_LICENSE("GPL");
