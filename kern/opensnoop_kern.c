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

#define NAME_MAX_LEN	256

/* One record, as user/opensnoop_user.c reads it. */
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

SEC("kprobe/do_sys_openat2")
BL_KPROBE(trace_open, int dfd, const char *filename)
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

BL_LICENSE("GPL");
