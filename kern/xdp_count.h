/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xdp_count.h - the map counts, as xdp_count_kern.c counts and
 * xdp_count_user.c reads it.
 *
 * Shared by the BPF and the user side, so fixed-size types only.
 */
#ifndef XDP_COUNT_H
#define XDP_COUNT_H

#include <linux/types.h>

#define NON_IP		256	/* slot for frames that are not IPv4/IPv6 */

/* Per protocol: the value of the map counts. */
struct proto_count {
	__u64 packets;
	__u64 bytes;
};

#endif /* XDP_COUNT_H */
