/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * clonesnoop_kern.c - an event for every new process or thread.
 *
 * New tasks are made by four system calls: clone() (fork() in glibc, and
 * pthread_create() until glibc 2.34), clone3() (pthread_create() and
 * posix_spawn() in newer glibc), and the old fork() and vfork().  For
 * each we trace the syscall tracepoints (BPF_PROG_TYPE_TRACEPOINT):
 *
 *   sys_enter_*  remember the clone flags of the calling thread, in the
 *                hash map pending (thread id -> flags and which call);
 *                clone3() passes them in a struct in user memory, read
 *                with bpf_probe_read_user();
 *   sys_exit_*   in the parent, the return value is the new task's id:
 *                send a struct clone_event (time, parent, child, flags,
 *                parent's comm) through the ring buffer events
 *                (BPF_MAP_TYPE_RINGBUF, bpf_ringbuf_reserve/submit).
 *                The child returns 0 from the same call and is skipped,
 *                as are failed calls (negative return).
 *
 * The tracepoints' records are the bl_sys_enter_ctx / bl_sys_exit_ctx
 * layouts of bpfload/kern_tracing.h.  fork, vfork and clone3 do not exist
 * everywhere (arm64 has no fork or vfork): the user side attaches the
 * programs of the calls the kernel has.
 */
#include <bpfload/kern.h>

#include "clonesnoop.h"	/* enum clone_call, struct clone_event */

#define CLONE_VM	0x00000100	/* <linux/sched.h> */
#define CLONE_VFORK	0x00004000

struct pending_clone {
	__u64 flags;
	__u32 call;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct pending_clone);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline int remember(__u32 call, __u64 flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_clone p = { .flags = flags, .call = call };

	bpf_map_update_elem(&pending, &tid, &p, BPF_ANY);
	return 0;
}

static __always_inline int report(const struct bl_sys_exit_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct pending_clone *p = bpf_map_lookup_elem(&pending, &tid);
	struct clone_event *e;
	struct pending_clone saved;

	if (!p)
		return 0;
	saved = *p;
	bpf_map_delete_elem(&pending, &tid);
	if (ctx->ret <= 0)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->flags = saved.flags;
	e->call = saved.call;
	e->pid = (__u32)(id >> 32);
	e->tid = tid;
	e->child = (__u32)ctx->ret;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_clone")
int clone_enter(struct bl_sys_enter_ctx *ctx)
{
	return remember(CALL_CLONE, ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_clone")
int clone_exit(struct bl_sys_exit_ctx *ctx)
{
	return report(ctx);
}

SEC("tracepoint/syscalls/sys_enter_clone3")
int clone3_enter(struct bl_sys_enter_ctx *ctx)
{
	__u64 flags = 0;

	/* struct clone_args starts with the __u64 flags */
	bpf_probe_read_user(&flags, sizeof(flags), (const void *)ctx->args[0]);
	return remember(CALL_CLONE3, flags);
}

SEC("tracepoint/syscalls/sys_exit_clone3")
int clone3_exit(struct bl_sys_exit_ctx *ctx)
{
	return report(ctx);
}

SEC("tracepoint/syscalls/sys_enter_fork")
int fork_enter(struct bl_sys_enter_ctx *ctx)
{
	return remember(CALL_FORK, 0);
}

SEC("tracepoint/syscalls/sys_exit_fork")
int fork_exit(struct bl_sys_exit_ctx *ctx)
{
	return report(ctx);
}

SEC("tracepoint/syscalls/sys_enter_vfork")
int vfork_enter(struct bl_sys_enter_ctx *ctx)
{
	return remember(CALL_VFORK, CLONE_VM | CLONE_VFORK);
}

SEC("tracepoint/syscalls/sys_exit_vfork")
int vfork_exit(struct bl_sys_exit_ctx *ctx)
{
	return report(ctx);
}

BL_LICENSE("GPL");
