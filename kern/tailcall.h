/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tailcall.h - the map branch_stats, as tailcall_kern.c counts and
 * tailcall_user.c reads it.
 *
 * Shared by the BPF and the user side, so fixed-size types only.
 */
#ifndef TAILCALL_H
#define TAILCALL_H

#include <linux/types.h>

/* Branches: the index of each row of the map branch_stats. */
#define BR_IO		0
#define BR_IDS		1
#define BR_SCHED	2
#define BR_MEMORY	3
#define BR_NONE		4	/* no program in the slot: dispatch went on */
#define NR_BRANCHES	5

/* Value of the map branch_stats. */
struct branch_stats {
	__u64 calls;
	__u64 bytes;			/* tail_io only */
};

#endif /* TAILCALL_H */
