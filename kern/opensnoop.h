/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opensnoop.h - the record opensnoop_kern.c and opensnoop_tp_kern.c send
 * to user/opensnoop_user.c and user/opensnoop_tp_user.c (fixed-size
 * types only: both sides include it), and, for the BPF side only
 * (__bpf__, defined by clang -target bpf), what the two programs share:
 * target_pid, the perf buffer events and report().
 */
#ifndef OPENSNOOP_H
#define OPENSNOOP_H

#include <linux/types.h>

#define NAME_MAX_LEN	256

/* One record. */
struct open_event {
	__u64 ts;			/* bpf_ktime_get_ns() */
	__u32 pid;			/* process (tgid) */
	__u32 tid;
	char comm[16];
	char file[NAME_MAX_LEN];	/* NUL-terminated, maybe cut */
};

#ifdef __bpf__
/* When not 0, only this process.  Set before load. */
const volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 128);	/* set to the number of CPUs before load */
} events SEC(".maps");

/* Send the open of filename (a user pointer) by the current task. */
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
#endif /* __bpf__ */

#endif /* OPENSNOOP_H */
