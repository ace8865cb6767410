/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * clonesnoop.h - the record clonesnoop_kern.c sends to clonesnoop_user.c.
 *
 * Shared by the BPF and the user side, so fixed-size types only.
 */
#ifndef CLONESNOOP_H
#define CLONESNOOP_H

#include <linux/types.h>

/* Which call made the task. */
enum clone_call { CALL_CLONE, CALL_CLONE3, CALL_FORK, CALL_VFORK };

/* One record of the ring buffer events. */
struct clone_event {
	__u64 ts;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 flags;		/* clone flags (CLONE_THREAD: a thread) */
	__u32 call;		/* enum clone_call */
	__u32 pid;		/* parent process (tgid) */
	__u32 tid;		/* parent thread */
	__u32 child;		/* the new task's id */
	char comm[16];		/* the parent's command name */
};

#endif /* CLONESNOOP_H */
