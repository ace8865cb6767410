/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syscount_kern.c - system calls per process, counted in the kernel.
 *
 * Two programs on the raw_syscalls tracepoints, which fire for every
 * system call of every process (BPF_PROG_TYPE_TRACEPOINT):
 *
 *   sys_enter  raw_syscalls/sys_enter: count the call for the calling
 *              process (tgid) in the map counts, creating its entry
 *              with its command name on the first call;
 *   sys_exit   raw_syscalls/sys_exit: count a failure (a negative
 *              return, -errno) and, after an execve(), take the new
 *              command name.
 *
 * counts is a BPF_MAP_TYPE_LRU_HASH: when it is full the processes that
 * have been quiet the longest give way to new ones.  The counters are
 * shared by all CPUs and incremented with atomic adds.
 *
 * user/syscount_user.c pins the map, the programs and their links on
 * bpffs (map_syscount_counts, prog_syscount_sys_enter, ...), so that
 * counting goes on after it exits and any process can read the map from
 * its pin.
 */
#include <bpfload/kern.h>

#include "syscount.h"	/* struct syscount_value */

/* The records of raw_syscalls/sys_enter and sys_exit (their format files). */
struct raw_sys_enter_args {
	__u64 common;			/* type, flags, preempt count, pid */
	long id;			/* syscall number */
	unsigned long args[6];
};

struct raw_sys_exit_args {
	__u64 common;
	long id;
	long ret;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct syscount_value);
} counts SEC(".maps");

/* execve and execveat change the command name. */
#if defined(__TARGET_ARCH_x86)
#define IS_EXEC(nr)	((nr) == 59 || (nr) == 322)
#elif defined(__TARGET_ARCH_arm64)
#define IS_EXEC(nr)	((nr) == 221 || (nr) == 281)
#else
#define IS_EXEC(nr)	1	/* unknown numbers: refresh on every call */
#endif

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter(struct raw_sys_enter_args *ctx)
{
	__u32 pid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	struct syscount_value *v, init = { .calls = 1 };

	v = bpf_map_lookup_elem(&counts, &pid);
	if (v) {
		__sync_fetch_and_add(&v->calls, 1);
		return 0;
	}
	bpf_get_current_comm(init.comm, sizeof(init.comm));
	/* another thread of the process may have won the race: count again */
	if (bpf_map_update_elem(&counts, &pid, &init, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(&counts, &pid);
		if (v)
			__sync_fetch_and_add(&v->calls, 1);
	}
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit(struct raw_sys_exit_args *ctx)
{
	__u32 pid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	struct syscount_value *v = bpf_map_lookup_elem(&counts, &pid);

	if (!v)
		return 0;
	if (ctx->ret < 0)
		__sync_fetch_and_add(&v->errors, 1);
	if (IS_EXEC(ctx->id) && ctx->ret == 0)
		bpf_get_current_comm(v->comm, sizeof(v->comm));
	return 0;
}

BL_LICENSE("GPL");
