/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * task_info.h - the record task_info_kern.c sends to task_info_user.c.
 * Shared by the BPF and the user side, so fixed-size types only.
 */
#ifndef TASK_INFO_H
#define TASK_INFO_H

#include <linux/types.h>

#define TASK_INFO_COMM_LEN	16

/* Which task_struct state member this kernel has. */
#define TASK_INFO_LAYOUT_NONE	0
#define TASK_INFO_LAYOUT_NEW	1	/* unsigned int __state (5.14+) */
#define TASK_INFO_LAYOUT_OLD	2	/* long state (up to 5.13) */

struct task_info_event {
	__u32 pid;
	__u32 tgid;
	__u32 ppid;
	__u32 uid;
	__u64 state;
	__u32 layout;
	__u32 pad;
	char comm[TASK_INFO_COMM_LEN];
	char parent_comm[TASK_INFO_COMM_LEN];
};

#endif /* TASK_INFO_H */
