/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uprobe.h - the record uprobe_kern.c sends to uprobe_user.c.
 *
 * Shared by the BPF and the user side, so fixed-size types only.
 */
#ifndef UPROBE_H
#define UPROBE_H

#include <linux/types.h>

#define EV_ENTRY	0
#define EV_RETURN	1

/* One call or return. */
struct call_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() */
	__u64 duration_ns;	/* return: time since the entry, 0 if unknown */
	__s64 b;		/* entry: arguments */
	__s32 a;
	__s32 ret;		/* return: the result */
	__u32 tgid;
	__u32 tid;
	__u32 kind;		/* EV_ENTRY or EV_RETURN */
	char comm[16];
	char tag[28];		/* entry: NUL-terminated, cut at 27 bytes */
};

#endif /* UPROBE_H */
