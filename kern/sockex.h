/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockex.h - the value of the map stats, as sockex_kern.c counts and
 * sockex_user.c reads it.
 *
 * Shared by the BPF and the user side, so fixed-size types only.
 */
#ifndef SOCKEX_H
#define SOCKEX_H

#include <linux/types.h>

/* Per IP protocol: the value of the map stats. */
struct proto_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 tx_packets;
	__u64 tx_bytes;
};

#endif /* SOCKEX_H */
