/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * execsnoop.h - the record execsnoop_kern.c sends to execsnoop_user.c.
 *
 * Shared by the BPF and the user side, so fixed-size types only.
 */
#ifndef EXECSNOOP_H
#define EXECSNOOP_H

#include <linux/types.h>

#define MAX_ARGS	20
#define ARG_LEN		128
#define FILE_LEN	256

/* One record of the ring buffer events. */
struct exec_event {
	__u64 ts;			/* bpf_ktime_get_ns() */
	__u32 pid;			/* the process calling execve */
	__u32 tid;
	__u32 argc;			/* arguments copied into args */
	__u32 more;			/* 1 if argv had more than MAX_ARGS */
	char comm[16];			/* the caller's name, before the exec */
	char file[FILE_LEN];
	char args[MAX_ARGS][ARG_LEN];
};

#endif /* EXECSNOOP_H */
