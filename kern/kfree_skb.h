/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kfree_skb.h - what kfree_skb_kern.c and kfree_skb_user.c agree on: the
 * stack depth and the value of the map drops.
 *
 * Shared by the BPF and the user side, so fixed-size types only.
 */
#ifndef KFREE_SKB_H
#define KFREE_SKB_H

#include <linux/types.h>

#define MAX_FRAMES	64	/* frames of a stack in the map stacks */

/* Value of the map drops. */
struct drop_count {
	__u64 count;
	__u64 location;
};

#endif /* KFREE_SKB_H */
