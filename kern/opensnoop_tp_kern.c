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

#define NAME_MAX_LEN	256

/* One record, as user/opensnoop_tp_user.c reads it. */
struct open_event {
	__u64 ts;			/* bpf_ktime_get_ns() */
	__u32 pid;			/* process (tgid) */
	__u32 tid;
	char comm[16];
	char file[NAME_MAX_LEN];	/* NUL-terminated, maybe cut */
};

const volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 128);	/* set to the number of CPUs before load */
} events SEC(".maps");

static __always_inline int report(void *ctx, const char *filename)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct open_event e;

	if (target_pid && (__u32)(id >> 32) != target_pid)
		return 0;
	e.ts = bpf_ktime_get_ns();
	e.pid = (__u32)(id >> 32);
	e.tid = (__u32)id;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	if (bpf_probe_read_user_str(e.file, sizeof(e.file), filename) < 0)
		e.file[0] = '\0';
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

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
