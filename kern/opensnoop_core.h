/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opensnoop_core.h - the record opensnoop_core_kern.c sends to
 * opensnoop_core_user.c.  Shared by the BPF side (built on a vmlinux.h,
 * which already has the __u32 family) and the user side, so fixed-size
 * types only.
 */
#ifndef OPENSNOOP_CORE_H
#define OPENSNOOP_CORE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define OPENSNOOP_CORE_COMM_LEN	16
#define OPENSNOOP_CORE_NAME_LEN	256

/* Which program saw the open (struct opensnoop_core_event.source). */
#define OPENSNOOP_CORE_KPROBE	1	/* do_sys_openat2: open_how in kernel memory */
#define OPENSNOOP_CORE_OPENAT2	2	/* sys_enter_openat2: open_how in user memory */
#define OPENSNOOP_CORE_OPENAT	3	/* sys_enter_openat: flags, mode arguments */
#define OPENSNOOP_CORE_OPEN	4	/* sys_enter_open (x86 only) */

struct opensnoop_core_event {
	__u64 ts;			/* bpf_ktime_get_ns() */
	__u64 flags;			/* open_how.flags, or the flags argument */
	__u64 mode;			/* open_how.mode, or the mode argument */
	__u32 pid;			/* process (tgid) */
	__u32 tid;
	__u32 source;			/* OPENSNOOP_CORE_* */
	__s32 how_err;			/* reading open_how: 0 or -errno */
	char comm[OPENSNOOP_CORE_COMM_LEN];
	char file[OPENSNOOP_CORE_NAME_LEN];	/* NUL-terminated, maybe cut */
};

#endif /* OPENSNOOP_CORE_H */
