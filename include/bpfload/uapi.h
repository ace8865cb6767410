/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload/uapi.h - the kernel's BPF ABI as bpfload uses it.
 *
 * We build against whatever <linux/bpf.h> the machine has (Debian 12
 * ships the 6.1 uapi headers) but talk to newer kernels too.  Every
 * constant added to the kernel after 6.1 that bpfload uses is defined
 * here, with the value the kernel ABI fixed for it.  The values never
 * change once a kernel is released, so defining them ourselves is safe;
 * the #ifndef guards let a newer header win when it has them.
 */
#ifndef BPFLOAD_UAPI_H
#define BPFLOAD_UAPI_H

#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <linux/types.h>

/* enum bpf_map_type: 6.2 and later */
#define BL_MAP_TYPE_CGRP_STORAGE	32
#define BL_MAP_TYPE_ARENA		33

/* enum bpf_prog_type: 6.4 and later */
#define BL_PROG_TYPE_NETFILTER		32

/* enum bpf_attach_type: 6.1 ends at BPF_LSM_CGROUP (43) */
#define BL_STRUCT_OPS			44
#define BL_NETFILTER			45
#define BL_TCX_INGRESS			46
#define BL_TCX_EGRESS			47
#define BL_TRACE_UPROBE_MULTI		48
#define BL_CGROUP_UNIX_CONNECT		49
#define BL_CGROUP_UNIX_SENDMSG		50
#define BL_CGROUP_UNIX_RECVMSG		51
#define BL_CGROUP_UNIX_GETPEERNAME	52
#define BL_CGROUP_UNIX_GETSOCKNAME	53
#define BL_NETKIT_PRIMARY		54
#define BL_NETKIT_PEER			55
#define BL_TRACE_KPROBE_SESSION		56

/* enum bpf_link_type: 6.1 ends at BPF_LINK_TYPE_STRUCT_OPS (9) */
#define BL_LINK_TYPE_NETFILTER		10
#define BL_LINK_TYPE_TCX		11
#define BL_LINK_TYPE_UPROBE_MULTI	12
#define BL_LINK_TYPE_NETKIT		13

/* Flags for BPF_PROG_ATTACH / BPF_LINK_CREATE added for tcx (6.6). */
#ifndef BPF_F_BEFORE
#define BPF_F_BEFORE			(1U << 3)
#define BPF_F_AFTER			(1U << 4)
#define BPF_F_ID			(1U << 5)
#endif
#ifndef BPF_F_LINK
#define BPF_F_LINK			(1U << 13)
#endif

/* BPF_MAP_CREATE map_flags added after 6.1. */
#ifndef BPF_F_SEGV_ON_FAULT
#define BPF_F_SEGV_ON_FAULT		(1U << 17)
#endif
#ifndef BPF_F_NO_USER_CONV
#define BPF_F_NO_USER_CONV		(1U << 18)
#endif

/* BPF_F_UPROBE_MULTI_RETURN: link_create.uprobe_multi.flags (6.6). */
#define BL_F_UPROBE_MULTI_RETURN	(1U << 0)

/* BTF kinds newer than some kernels we run on (5.10 lacks the last four). */
#define BL_BTF_KIND_FLOAT		16
#define BL_BTF_KIND_DECL_TAG		17
#define BL_BTF_KIND_TYPE_TAG		18
#define BL_BTF_KIND_ENUM64		19

/*
 * Since 6.4 BPF_PROG_LOAD and BPF_BTF_LOAD report the log size they
 * would have needed in a u32 that follows the 6.1 attr layout.  The
 * offsets are part of the ABI: prog_load's log_true_size sits right
 * after core_relo_rec_size, btf_load's right after btf_log_level.
 */
#define BL_PROG_LOAD_LOG_TRUE_SIZE_OFF	140
#define BL_BTF_LOAD_LOG_TRUE_SIZE_OFF	28

/*
 * link_create for tcx and netkit (6.6): after prog_fd, target_ifindex,
 * attach_type and flags comes { relative_fd or relative_id;
 * expected_revision }.  uprobe_multi (6.6) uses { path, offsets,
 * ref_ctr_offsets, cookies, cnt, flags, pid }.  The 6.1 union bpf_attr
 * has neither, so these overlay structs describe the bytes the kernel
 * reads.  Each must fit inside union bpf_attr.
 */
struct bl_link_create_tcx_attr {
	__u32 prog_fd;
	__u32 target_ifindex;
	__u32 attach_type;
	__u32 flags;
	__u32 relative_fd;
	__u32 pad;
	__u64 expected_revision;
};

struct bl_link_create_uprobe_multi_attr {
	__u32 prog_fd;
	__u32 target_fd;
	__u32 attach_type;
	__u32 flags;
	__aligned_u64 path;
	__aligned_u64 offsets;
	__aligned_u64 ref_ctr_offsets;
	__aligned_u64 cookies;
	__u32 cnt;
	__u32 multi_flags;
	__u32 pid;
};

/* The ELF relocation types clang emits for the BPF target. */
#define BL_R_BPF_NONE		0
#define BL_R_BPF_64_64		1	/* ld_imm64: map / global data address */
#define BL_R_BPF_64_ABS64	2	/* data (debug info) */
#define BL_R_BPF_64_ABS32	3	/* data (debug info, BTF) */
#define BL_R_BPF_64_NODYLD32	4	/* .BTF.ext */
#define BL_R_BPF_64_32		10	/* call imm: bpf-to-bpf call */

#endif /* BPFLOAD_UAPI_H */
