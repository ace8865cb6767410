/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach_trace.c - tracing programs for t_attach_trace: each counts the
 * events of one process (target_tgid, set before load) exactly.
 *
 *   tp_getpid    "tp/syscalls/sys_enter_getpid": getpid() calls, and the
 *                attach cookie of the last one
 *   raw_enter    "raw_tp/sys_enter": syscalls numbered target_nr
 *   btf_fork     "tp_btf/sched_process_fork": forks by the process
 *   on_sample    "perf_event": samples, per CPU (no pid filter)
 * License "GPL".
 */
#include <bpfload/kern.h>

const volatile __u32 target_tgid = 0;
const volatile __u64 target_nr = 0;

__u64 tp_count;
__u64 tp_cookie;
__u64 raw_count;
__u64 btf_count;
__u64 perf_count[64];

static __always_inline int ours(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tp/syscalls/sys_enter_getpid")
int tp_getpid(void *ctx)
{
	if (!ours())
		return 0;
	__sync_fetch_and_add(&tp_count, 1);
	tp_cookie = bpf_get_attach_cookie(ctx);
	return 0;
}

/* ctx->args: the tracepoint's arguments, (struct pt_regs *regs, long id) */
SEC("raw_tp/sys_enter")
int raw_enter(struct bpf_raw_tracepoint_args *ctx)
{
	if (!ours() || ctx->args[1] != target_nr)
		return 0;
	__sync_fetch_and_add(&raw_count, 1);
	return 0;
}

/* (struct task_struct *parent, struct task_struct *child), run by the parent */
SEC("tp_btf/sched_process_fork")
int btf_fork(unsigned long long *ctx)
{
	if (!ours())
		return 0;
	__sync_fetch_and_add(&btf_count, 1);
	return 0;
}

SEC("perf_event")
int on_sample(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();

	if (cpu < 64)
		__sync_fetch_and_add(&perf_count[cpu], 1);
	return 0;
}

BL_LICENSE("GPL");
